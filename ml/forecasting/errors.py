"""The one error a bad history or future frame raises: its text is meant for the user."""

from __future__ import annotations


class ForecastInputError(ValueError):
    """A history or future frame the library cannot read; the message (Spanish) names the
    column, the row (1-based, header not counted) and the value at fault."""
