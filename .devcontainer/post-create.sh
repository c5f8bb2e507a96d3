#!/usr/bin/env bash
# devcontainer.json's postCreateCommand: run once, when the dev container is created.
# The course's own install, so a Codespace has the versions CI tested (binder/requirements.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
make install
.venv/bin/python -m labhelpers lab --settings-only  # JupyterLab's settings: no "news" prompt
echo "Ready: run \`make lab\` (JupyterLab on port 8888), or open a notebook in VS Code."
