"""Historical sales from another system: read a file, validate every row, load via the services.

Rows go through ``erp_core.services.sales.sell`` so that numbering, IGV, kardex and stock rules
are the same as for a sale made at the till; nothing here writes a sale by hand.
"""
