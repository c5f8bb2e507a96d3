# The course's commands. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# JupyterLab refuses to run as root unless told; the course often runs as root in containers/VMs.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg --nbval-cell-timeout 900
# The replay pass: no Engine reachable, every helper answers from labhelpers/recordings/. It is as
# strict as the live pass (sanitize.cfg drops only the replay banner): a replay must reproduce
# the stored outputs, or the recording is stale.
REPLAY := LABHELPERS_MODE=replay DOCKER_HOST=unix:///nonexistent/docker.sock
FRESH  := $(CURDIR)/build/recordings

.PHONY: help install lab doctor test lint format notebooks record provision cleanup bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(STAMP)  ## create .venv (if needed) and install the project into it

doctor: $(STAMP)  ## check the Docker Engine, storage driver, base image and disk
	$(BIN)/python -m labhelpers doctor

lab: $(STAMP)  ## check the Engine, then open JupyterLab on the first notebook
	@$(BIN)/python -m labhelpers doctor || echo "(the notebooks will say what is missing)"
	cd notebooks && ../$(BIN)/jupyter lab $(LAB_ARGS) 00-check-your-lab.ipynb

test: $(STAMP)  ## lint, unit and Engine tests, then every notebook with nbval: live, then replayed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest
	rm -rf $(FRESH) && LABHELPERS_MODE=live LABHELPERS_RECORD_DIR=$(FRESH) \
	  $(BIN)/python -m pytest $(NBVAL) notebooks
	$(BIN)/python -m labhelpers record --check $(FRESH)
	$(REPLAY) $(BIN)/python -m pytest $(NBVAL) notebooks

lint: $(STAMP)  ## ruff check and format check only
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP)  ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

notebooks: $(STAMP)  ## execute every notebook in place (refresh the stored outputs)
	cd notebooks && for nb in [0-9]*.ipynb; do \
	  ../$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=900 $$nb || exit 1; done

record: $(STAMP)  ## run every notebook live and record it for the replay mode (Binder)
	$(BIN)/python -m labhelpers record

provision:  ## (root, Debian/Ubuntu) install and start a Docker Engine and the base image
	scripts/provision-engine

cleanup: $(STAMP)  ## remove everything the lab created (selected by label only)
	$(BIN)/python -m labhelpers cleanup

bench: $(STAMP)  ## measure the budgets (import time, provisioning, helper vs CLI)
	$(BIN)/python scripts/bench.py

clean:  ## remove .venv and caches (not Docker resources: see `make cleanup`)
	rm -rf $(VENV) .pytest_cache .ruff_cache
