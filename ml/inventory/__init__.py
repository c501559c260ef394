"""Inventory policy: what to order, what to move and why, from a forecast and the stock.

DataFrames in and out; nothing here reads a database, a file or the environment. The formulas are
written up in ``docs/RESTOCK.md``.
"""
