"""Nightly delivery to buyers: purchase-order drafts, buyer summaries, mail or an outbox."""
