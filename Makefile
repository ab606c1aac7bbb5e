# The two commands of the README: `make dashboard` and `make test`. Both set up first.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8866
PYTEST_ARGS ?=

LITE_VENV ?= .venv-lite

.PHONY: setup dashboard test test-fast test-min-deps bench build clean lite lite-lock lite-venv

setup:
	VENV=$(VENV) bash scripts/setup.sh

## The main job: the Voilà dashboard of the five recipes, on 127.0.0.1 (no network needed).
dashboard: setup
	@echo "Dashboard: http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	$(PY) -m taf_widgets.serve examples/dashboard.ipynb --no-browser --Voila.ip=127.0.0.1 --port=$(PORT) \
		--MappingKernelManager.cull_idle_timeout=300 --MappingKernelManager.cull_interval=60

## The whole test suite: Python, JS helpers, notebooks, the real-browser tests, and the
## widget tests again against the lowest dependency versions pyproject.toml allows.
test: setup lite
	PYTHON=$(PY) npm test
	$(PY) -m pytest $(PYTEST_ARGS)
	bash scripts/test-min-deps.sh

test-min-deps:
	bash scripts/test-min-deps.sh

## Only the fast tests (no browser, no notebooks).
test-fast: setup
	PYTHON=$(PY) npm test
	$(PY) -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

## All benchmarks (core, kernel side, bundle and import, browser latency against the baseline).
bench: setup
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) benchmarks/run_all.py

## The notebooks as a JupyterLite site in build/lite/: runs in the browser (Pyodide), offline.
## Serve it with any static server, e.g. `python3 -m http.server -d build/lite 8000`.
lite: setup lite-venv
	$(LITE_VENV)/bin/python lite/build_site.py

## Solve the site's packages again and rewrite lite/lock.json (after a deliberate change).
lite-lock: setup lite-venv
	$(LITE_VENV)/bin/python lite/build_site.py --update-lock

lite-venv:
	test -x $(LITE_VENV)/bin/python || python3 -m venv $(LITE_VENV)
	$(LITE_VENV)/bin/python -m pip install --quiet -r lite/requirements-build.txt

build:
	$(PY) -m build

clean:
	rm -rf $(VENV) .venv-min $(LITE_VENV) node_modules taf_widgets/static dist build test-artifacts
