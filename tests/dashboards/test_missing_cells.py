"""A missing value in a table reads as an em dash, never as the word "None" (Streamlit's default
for null cells) nor as "nan"/"NaT" text, on every page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboards.formatting import DASH
from tests.dashboards.conftest import APP, PAGES

MISSING_WORDS = {"None", "none", "nan", "NaN", "NaT", "<NA>", "null"}


def _written_as_words(frame) -> list[tuple[str, str]]:
    """(column, text) of cells whose text is a missing value spelled out."""
    found = []
    for column in frame.columns:
        texts = frame[column].dropna().astype(str)
        words = texts[texts.str.strip().isin(MISSING_WORDS)]
        if not words.empty:
            found.append((column, words.iloc[0]))
    return found


def test_missing_cells_read_as_a_dash_on_every_page(use_home, ml_home):
    use_home(ml_home)
    app = AppTest.from_file(APP, default_timeout=180)
    app.run()
    tables_with_gaps = 0
    for page in PAGES:
        app.switch_page(page)
        app.run()
        assert not app.exception, f"{page}: {[e.message for e in app.exception]}"
        for table in app.dataframe:
            assert table.proto.placeholder == DASH, page
            frame = table.value
            assert not _written_as_words(frame), (page, _written_as_words(frame))
            tables_with_gaps += bool(frame.isna().to_numpy().any())
    # Calidad de datos alone has tables without a day (no latest day, no lag): the check above
    # looked at real gaps, not only at full tables.
    assert tables_with_gaps >= 1
