"""Restock: tonight's recommendations, transfers and supplier scorecard, then the buyers' mail."""
