# Two commands do all set-up on a fresh machine with Python 3.11, pip and make:
#   make demo   - demo chain, the pipeline, then the Dagster UI and the dashboards
#   make test   - lint and the whole test suite against real Postgres and DuckDB
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
export NUMBA_CACHE_DIR ?= $(CURDIR)/var/numba-cache
export GX_ANALYTICS_ENABLED ?= false
export DAGSTER_DISABLE_TELEMETRY ?= true
SCALE ?= small
SEED ?= 42
PYTEST_ARGS ?=

.PHONY: setup demo demo-data pipeline dagster dashboards serve chromium test lint format bench-sales bench-sales-ceiling bench-sales-bounds bench-demo bench-extract bench-import bench-dashboards clean

# Bytecode compiled once at install: a process that may not write it (PYTHONDONTWRITEBYTECODE,
# a read-only install) would otherwise compile Dagster, dbt and pandas from source on every
# start, about half of loading the code location.
setup:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv
	@uv sync --frozen --quiet --compile-bytecode
	@uv run --frozen python -m compileall -q erp_core pipelines ml dashboards >/dev/null

# The main job: demo chain, the whole pipeline, then the Dagster UI on http://localhost:3000 and
# the dashboards on http://localhost:8501, both until Ctrl-C.
demo: demo-data pipeline serve

demo-data: setup
	uv run innovalogix db upgrade
	uv run innovalogix demo-data --scale $(SCALE) --seed $(SEED) --replace
	uv run innovalogix stock --summary

pipeline: setup
	uv run innovalogix pipeline run --full-refresh

dagster: setup
	uv run innovalogix pipeline ui

DASHBOARDS_PORT ?= 8501
STREAMLIT = uv run streamlit run dashboards/app.py --server.port $(DASHBOARDS_PORT) \
	--server.headless true --browser.gatherUsageStats false

# The dashboards (Streamlit) on http://localhost:8501, reading the published snapshot.
dashboards: setup
	@echo "Tableros: http://localhost:$(DASHBOARDS_PORT)"
	$(STREAMLIT)

# The Dagster UI and the dashboards side by side; Ctrl-C stops both.
serve: setup
	@echo "Dagster UI: http://localhost:3000  ·  Tableros: http://localhost:$(DASHBOARDS_PORT)"
	@uv run innovalogix pipeline ui & dagster_ui=$$!; \
	trap 'kill $$dagster_ui 2>/dev/null; wait $$dagster_ui 2>/dev/null' EXIT INT TERM; \
	sleep 3; \
	echo "Dagster UI: http://localhost:3000  ·  Tableros: http://localhost:$(DASHBOARDS_PORT)"; \
	$(STREAMLIT)

# Debian's Chromium for the dashboards' browser test (installed once; root or sudo).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y chromium; \
		else sudo apt-get update && sudo apt-get install -y chromium; fi; }

lint: setup
	uv run ruff check .
	uv run ruff format --check .

format: setup
	uv run ruff format .
	uv run ruff check --fix .

test: lint chromium
	uv run pytest -n 2 --dist loadfile $(PYTEST_ARGS)

bench-sales: setup
	uv run python bench/bench_sales.py
	uv run python bench/work_per_transaction.py

# The server's own ceiling for a sale (pgbench's C client calls post_sale), beside tpcb-like.
bench-sales-ceiling: setup
	uv run python bench/bench_sales_ceiling.py

# The same 8 terminals with the sale tables' foreign keys, checks and secondary indexes dropped:
# an upper bound for any schema choice, never applied.
bench-sales-bounds: setup
	uv run python bench/bench_sales_bounds.py

bench-demo: setup
	uv run python bench/bench_demo_data.py

bench-extract: setup
	uv run python bench/bench_extract.py

bench-import: setup
	uv run python bench/bench_import.py
	uv run python bench/bench_import_speed.py

# Warehouse queries per page and pages in headless Chromium (HOME: a home with a published snapshot).
bench-dashboards: setup chromium
	uv run python bench/bench_dashboards.py --home $(or $(HOME_DIR),var/medium)

clean:
	rm -rf var/warehouse* var/demo
