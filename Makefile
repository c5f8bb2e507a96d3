# The course's commands. `make help` lists them. `make lab` installs the learner's set only
# (.venv); `make test` runs the pipeline (noxfile.py), whose sessions keep the test tools in
# environments of their own (.nox/).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RUNNER := $(VENV)/.nox-installed
# Extra arguments for JupyterLab: make lab LAB_ARGS="--port 8899 --no-browser"
LAB_ARGS ?=
# Sessions or options for nox: make test NOX_ARGS='-s lint unit'
NOX_ARGS ?=
# The Engines `make engines` starts, side by side: make engines ENGINES="sc-28-containerd sc-20"
ENGINES ?= 28-overlay2 28-containerd
# Arguments for the benchmark: make bench BENCH_ARGS="--rounds 5 --notebooks 01 02"
BENCH_ARGS ?=

.PHONY: classroom-test help install lab base-image check doctor cleanup twin test browser lint format sync record api catalogue bench provision engines clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml binder/requirements.txt
	@py=$(PYTHON); test -x $(BIN)/python && py=$(BIN)/python; \
	$$py -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || { \
		echo "The course needs Python 3.10 to 3.13; $$py is $$($$py --version 2>&1 || echo missing)."; \
		echo "macOS: python.org's installer or 'brew install python@3.12'; Linux: your system's"; \
		echo "python3.11 package, or uv, which fetches one: 'uv venv --seed --python 3.12 .venv'."; \
		echo "Then: make PYTHON=python3.12 lab (or just 'make lab' once .venv exists)"; exit 1; }
	@if test ! -x $(BIN)/python; then \
		echo "==> 1/3 Making .venv with $$($(PYTHON) --version) (a few seconds)"; \
		if command -v uv >/dev/null 2>&1; then uv venv -q --seed --python $(PYTHON) $(VENV); \
		else $(PYTHON) -m venv $(VENV); fi || exit 1; fi
	@echo "==> 2/3 Installing JupyterLab, ipywidgets, the Docker SDK, matplotlib and jupytext"
	@echo "    at the versions the course is tested with (binder/requirements.txt; first time: 1-3 min)"
	@if command -v uv >/dev/null 2>&1; then \
		uv pip install --python $(BIN)/python -e . -c binder/requirements.txt; \
	else \
		$(BIN)/python -m pip install --quiet --upgrade pip && \
		PYTHONWARNINGS=ignore $(BIN)/python -m pip install -e . -c binder/requirements.txt \
			|| exit 1; \
	fi
	@touch $@

# The lesson's base image: LAB_BASE_IMAGE, else the Dockerfile's default. Pulled here, in the
# terminal, so its progress shows; if it cannot be pulled, the doctor (next) says what to do.
BASE_IMAGE = $(or $(LAB_BASE_IMAGE),$(shell sed -n 's/^ARG BASE_IMAGE=//p' labhelpers/lesson_app/Dockerfile))

base-image:
	@command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 || exit 0; \
	docker image inspect $(BASE_IMAGE) >/dev/null 2>&1 && exit 0; \
	echo "==> 3/3 Pulling the lesson's base image $(BASE_IMAGE) (once, about 50 MB)"; \
	docker pull $(BASE_IMAGE) || echo "    Could not pull it: the doctor below says what to do."

$(RUNNER): $(STAMP)
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet 'nox>=2025.2' 'uv>=0.5'
	@touch $@

install: $(STAMP)  ## create .venv (if needed) with what the course needs, no test tools

lab: $(STAMP) base-image  ## set up .venv, check the Engine, open JupyterLab on the first notebook
	$(BIN)/python -m labhelpers lab $(LAB_ARGS)

doctor: $(STAMP)  ## check the Docker Engine, storage driver, base image and disk
	$(BIN)/python -m labhelpers doctor

cleanup: $(STAMP)  ## remove everything the lab created (selected by label only)
	$(BIN)/python -m labhelpers cleanup

twin: $(STAMP)  ## write each notebook's CLI twin, a bash script, into build/twins/
	$(BIN)/python -m labhelpers twin

test: $(RUNNER)  ## every check, the Engines of LABHELPERS_ENGINES side by side (nox)
	$(BIN)/nox $(NOX_ARGS)

browser: $(RUNNER)  ## every notebook in JupyterLab in Chromium, live then replayed (build/screenshots/)
	$(BIN)/nox -s browser

# The Engine `make check` runs the notebooks on: `system` is the one the docker CLI reaches.
CHECK_ENGINE ?= system

# Lax: each cell must run, outputs are not compared (sizes and ids differ from machine to machine;
# the pipeline compares them on the reference Engine).
check: $(RUNNER)  ## before a class: lint, unit tests, every notebook under nbval on this Engine
	$(BIN)/nox -s lint unit
	$(BIN)/nox -s "live($(CHECK_ENGINE))" -- --nbval-lax

lint: $(RUNNER)  ## ruff check, ruff format --check, import contracts
	$(BIN)/nox -s lint

format: $(RUNNER)  ## apply ruff's fixes and formatting
	$(BIN)/nox -s format

sync: $(STAMP)  ## rewrite each notebook's .ipynb from its .md (jupytext; keeps outputs)
	$(BIN)/python -m tools.pairs

record: $(STAMP)  ## run every notebook live: refresh stored outputs and replay recordings
	$(BIN)/python -m tools.record

api: $(STAMP)  ## rewrite docs/notebook-api.md (the names notebooks use)
	$(BIN)/python -m tools.api --write

catalogue: $(STAMP)  ## rewrite docs/bad-input.md (what the lab refuses, and what it says)
	$(BIN)/python -m tools.catalogue

bench: $(STAMP)  ## the speed budgets on the live Engine: bench/results.json, the plot, bench/README.md
	$(BIN)/python -m tools.bench --readme $(BENCH_ARGS)

provision:  ## (root, Debian/Ubuntu) install and start a Docker Engine and the base image
	scripts/provision-engine

engines:  ## (root) start the Engine matrix beside the machine's own (Docker-in-Docker)
	scripts/lab-engines start $(ENGINES)

$(VENV)/.render-installed: $(STAMP) deploy/requirements/render.txt
	$(BIN)/python -m pip install --quiet pytest -r deploy/requirements/render.txt -c requirements/lock.txt
	@touch $@

classroom-test: $(VENV)/.render-installed  ## (root) deploy/: a hub, 3 learners at once, isolation, culling; Kubernetes pods
	$(BIN)/python -m pytest -m classroom tests/test_classroom.py -p no:cacheprovider -rA

clean:  ## remove .venv, .nox, build/ and caches (not Docker resources: see `make cleanup`)
	rm -rf $(VENV) .nox build .pytest_cache .ruff_cache .hypothesis
