"""Every page renders on the demo chain, on an empty warehouse and on a one-day warehouse,
without an exception, saying which snapshot it shows."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import APP, PAGES


@pytest.mark.parametrize("warehouse", ["demo", "empty", "one_day"])
def test_every_page_renders_without_exception(warehouse, request, use_home):
    use_home(request.getfixturevalue(f"{warehouse}_home"))
    app = AppTest.from_file(APP, default_timeout=180)
    app.run()
    for page in PAGES:
        app.switch_page(page)
        app.run()
        assert not app.exception, f"{page}: {[e.message for e in app.exception]}"
        captions = " ".join(c.value for c in app.caption)
        assert "Datos al" in captions, page
        if warehouse == "empty" and page in ("views/resumen.py", "views/drilldown.py"):
            assert any("No hay ventas" in i.value for i in app.info), page


def test_without_a_snapshot_every_page_says_what_to_do(use_home, tmp_path):
    use_home(tmp_path)
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    for page in PAGES:
        app.switch_page(page)
        app.run()
        assert not app.exception, page
        assert any("Todavía no hay datos publicados" in i.value for i in app.info), page
