#!/usr/bin/env bash
# Exercise 07: one volume, a writer that mounts it read-write and a reader that mounts it read-only.
set -eu

# Start over if an earlier attempt left these behind.
docker rm -f ex07-writer ex07-reader >/dev/null 2>&1 || true
docker volume rm ex07-data >/dev/null 2>&1 || true

# The label lets notebook 99 find the volume and the containers and clean them up.
docker volume create --label io.labhelpers.managed=true ex07-data

docker run -d --name ex07-writer --label io.labhelpers.managed=true -v ex07-data:/data my-image sleep infinity
docker exec ex07-writer sh -c 'echo hello > /data/hello.txt'

docker run -d --name ex07-reader --label io.labhelpers.managed=true -v ex07-data:/data:ro my-image sleep infinity

# The evidence: the reader reads the file, and its write fails.
docker exec ex07-reader cat /data/hello.txt
if docker exec ex07-reader touch /data/x 2>&1; then
  echo "unexpected: the reader could write" >&2
  exit 1
fi
