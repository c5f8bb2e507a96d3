# The course's commands. `make help` lists them. Each is a thin wrapper over
# `python -m labhelpers COMMAND` (or a script), which works wherever Python does.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Extra arguments for JupyterLab: make lab LAB_ARGS="--port 8899 --no-browser"
LAB_ARGS ?=
# Arguments for the benchmark: make bench BENCH_ARGS="--rounds 5 --notebooks 01 02"
BENCH_ARGS ?=

.PHONY: help install lab doctor test browser lint format sync record api catalogue provision engines cleanup bench twin classroom-test clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml binder/requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || { \
		echo "The course needs Python 3.10 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1 || echo missing)."; \
		echo "Install a newer Python (python.org, or your system's python3.11 package), then run"; \
		echo "make again with it: make PYTHON=python3.11 ..."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e '.[test,browser]' -c binder/requirements.txt
	@touch $@

install: $(STAMP)  ## create .venv (if needed) and install the project into it

lab: $(STAMP)  ## check the Engine, then open JupyterLab on the first notebook
	$(BIN)/python -m labhelpers lab $(LAB_ARGS)

test: $(STAMP)  ## lint, tests, every notebook with nbval (live, replayed), then in the browser
	$(BIN)/python -m labhelpers test

browser: $(STAMP)  ## every notebook in JupyterLab in Chromium, live then replayed (screenshots in build/)
	$(BIN)/python -m labhelpers browser

doctor: $(STAMP)  ## check the Docker Engine, storage driver, base image and disk
	$(BIN)/python -m labhelpers doctor

lint: $(STAMP)  ## ruff check and format check only
	$(BIN)/python -m labhelpers test lint

format: $(STAMP)  ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

sync: $(STAMP)  ## rewrite each notebook's .ipynb from its .md (keeps outputs)
	$(BIN)/python -m labhelpers sync

record: $(STAMP)  ## run every notebook live: refresh stored outputs and replay recordings
	$(BIN)/python -m labhelpers record

api: $(STAMP)  ## rewrite docs/notebook-api.md (the names notebooks use)
	$(BIN)/python -m labhelpers api --write

catalogue: $(STAMP)  ## rewrite docs/bad-input.md (what the lab refuses, and what it says)
	$(BIN)/python -m labhelpers catalogue

provision:  ## (root, Debian/Ubuntu) install and start a Docker Engine and the base image
	scripts/provision-engine

engines:  ## (root) start the Engine matrix beside the machine's own (Docker-in-Docker)
	scripts/lab-engines start 28-overlay2 && scripts/lab-engines start 28-containerd

cleanup: $(STAMP)  ## remove everything the lab created (selected by label only)
	$(BIN)/python -m labhelpers cleanup

twin: $(STAMP)  ## write each notebook's CLI twin, a bash script, into build/twins/
	$(BIN)/python -m labhelpers twin

bench: $(STAMP)  ## the speed budgets on the live Engine: bench/results.json, the plot, README's table
	$(BIN)/python -m labhelpers bench --readme $(BENCH_ARGS)

$(VENV)/.render-installed: $(STAMP) deploy/requirements/render.txt
	$(BIN)/python -m pip install --quiet -r deploy/requirements/render.txt -c binder/requirements.txt
	@touch $@

classroom-test: $(VENV)/.render-installed  ## (root) deploy/: a hub, 3 learners at once, isolation, culling; Kubernetes pods
	$(BIN)/python -m pytest -m classroom tests/test_classroom.py -p no:cacheprovider -rA

clean:  ## remove .venv, build/ and caches (not Docker resources: see `make cleanup`)
	rm -rf $(VENV) build .pytest_cache .ruff_cache
