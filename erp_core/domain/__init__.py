"""Pure domain rules: money and IGV, Peruvian documents, kardex valuation. No database."""
