#!/usr/bin/env bash
# Exercise 05: back up file.txt from the volume my-vol to workspace/backup/.
set -eu
cd "$(dirname "$0")/.."   # the notebooks folder
mkdir -p workspace/backup

# A --rm container mounts the volume (read-only) and the backup folder, and runs as you.
docker run --rm --user "$(id -u):$(id -g)" \
  -v my-vol:/app:ro -v "$PWD/workspace/backup:/backup" \
  my-image cp /app/file.txt /backup/file.txt

cat workspace/backup/file.txt
