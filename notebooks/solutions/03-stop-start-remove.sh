#!/usr/bin/env bash
# Exercise 03: rescue report.txt from the stopped ex03-box, then remove the container.
set -eu
cd "$(dirname "$0")/.."   # the notebooks folder

mkdir -p workspace/rescued
docker cp ex03-box:/app/report.txt workspace/rescued/report.txt   # works on a stopped container
docker rm ex03-box   # only now: this deletes the writable layer
cat workspace/rescued/report.txt
