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

.PHONY: help install lab doctor cleanup twin test browser lint format sync record api catalogue bench provision engines clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml binder/requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || { \
		echo "The course needs Python 3.10 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1 || echo missing)."; \
		echo "Install a newer Python (python.org, or your system's python3.11 package), then run"; \
		echo "make again with it: make PYTHON=python3.11 ..."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e . -c binder/requirements.txt
	@touch $@

$(RUNNER): $(STAMP)
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet 'nox>=2025.2' 'uv>=0.5'
	@touch $@

install: $(STAMP)  ## create .venv (if needed) with what the course needs, no test tools

lab: $(STAMP)  ## check the Engine, then open JupyterLab on the first notebook
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

clean:  ## remove .venv, .nox, build/ and caches (not Docker resources: see `make cleanup`)
	rm -rf $(VENV) .nox build .pytest_cache .ruff_cache .hypothesis
