#!/usr/bin/env bash
# Exercise 03: copy report.txt out of the stopped container ex03-box, then remove the container.
set -eu

cd "$(dirname "$0")/.."   # the notebooks folder
mkdir -p workspace/rescued

# docker cp works on a stopped container: its writable layer is still on the Engine's disk.
docker cp ex03-box:/app/report.txt workspace/rescued/report.txt

# Only now remove it: this deletes the writable layer, and report.txt inside it.
docker rm ex03-box

cat workspace/rescued/report.txt
