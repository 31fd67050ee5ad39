# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= data/demo.duckdb

.PHONY: demo test install browser redis axe lint bench clean plotly-bundle

demo: install
	$(BIN)/unease demo --db $(DB)

test: install browser redis axe
	$(BIN)/ruff check etl geo dashboard tests bench
	$(BIN)/python -m pytest

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# Headless Chromium and its driver for the browser tests (Debian packages).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { [ "$$(id -u)" = 0 ] || { echo "install chromium and chromium-driver (Debian) first"; exit 1; }; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

# redis-server for the shared view cache's tests (Debian package); without it they skip.
redis:
	@command -v redis-server >/dev/null || \
	  { [ "$$(id -u)" = 0 ] || { echo "no redis-server: the shared view cache tests will skip"; exit 0; }; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

# axe-core (npm, version pinned in package-lock.json): the accessibility check of every
# page in the browser tests (tests/test_accessibility.py reads node_modules/axe-core).
axe: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null || \
	  { [ "$$(id -u)" = 0 ] || { echo "install Node.js and npm (Debian: nodejs npm) first"; exit 1; }; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The dashboard's own plotly.js, with only the trace types it draws (see
# dashboard/plotly_bundle/build.js). The built file is kept in the repository, so
# serving needs no npm; run this after a plotly upgrade (tests/test_plotly_script.py
# says when the build no longer matches plotly.py).
plotly-bundle:
	npm ci --prefix dashboard/plotly_bundle --no-audit --no-fund --loglevel=error
	node dashboard/plotly_bundle/build.js

lint:
	$(BIN)/ruff format etl geo dashboard tests bench
	$(BIN)/ruff check --fix etl geo dashboard tests bench

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) data node_modules
