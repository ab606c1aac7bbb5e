# The two commands of the README: `make dashboard` and `make test`. Both set up first.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8866
PYTEST_ARGS ?=
# The reference module for `make test-spec` (beside the checkout by default).
SPEC ?= $(abspath ../shared/spec/taf_browser_seed.py)

LITE_VENV ?= .venv-lite

.PHONY: setup dashboard lint test test-spec test-wheel test-fast test-min-deps bench build clean lite lite-lock lite-venv

setup:
	VENV=$(VENV) bash scripts/setup.sh

## The main job: the Voilà dashboard of every recipe, on 127.0.0.1 (no network needed).
## taf_widgets.serve brings the defaults for a crowd (timeouts; a kernel ends when its tab closes, or
## 60 s after its page is gone); DASHBOARD_ARGS adds Voilà options, e.g. for a class of 30:
##   make dashboard DASHBOARD_ARGS="--preheat_kernel=True --pool_size=30"   (see the README)
DASHBOARD_ARGS ?=
dashboard: setup
	@echo "Dashboard: http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	$(PY) -m taf_widgets.serve examples/dashboard.ipynb --no-browser --Voila.ip=127.0.0.1 --port=$(PORT) \
		$(DASHBOARD_ARGS)

## The whole test suite: Python, JS helpers, notebooks, the real-browser tests, and the
## widget tests again against the lowest dependency versions pyproject.toml allows.
test: setup lite lint
	PYTHON=$(PY) npm test
	$(PY) -m pytest $(PYTEST_ARGS)
	bash scripts/test-min-deps.sh

test-min-deps:
	bash scripts/test-min-deps.sh

## The comparisons with the live reference module (tests/spec); fails if SPEC is missing.
test-spec: setup
	@test -f "$(SPEC)" || { echo "test-spec: the reference module is not at $(SPEC) (make test-spec SPEC=path/to/taf_browser_seed.py)" >&2; exit 1; }
	TAF_SPEC_PATH="$(SPEC)" $(PY) -m pytest tests/spec $(PYTEST_ARGS)

## Build the sdist and the wheel, install the wheel in a fresh venv with no node/npm on PATH
## and run the kernel-side check and a Voilà browser test against it; install the sdist too.
test-wheel: setup
	PY=$(PY) bash scripts/test-wheel.sh

## Style and types: ruff (lint and format) over the Python, mypy over the core, tsc over js/.
lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	npm run --silent typecheck

## Only the fast tests (no browser, no notebooks), after the style and type checks.
test-fast: setup lint
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
