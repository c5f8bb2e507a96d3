#!/usr/bin/env bash
# Exercise 07: a writer (read-write) and a reader (read-only) on one volume.
set -eu
docker rm -f ex07-writer ex07-reader >/dev/null 2>&1 || true
docker volume rm ex07-data >/dev/null 2>&1 || true

# Each mark names exactly its resource: cleanup removes these three, nothing else.
docker volume create --label io.labhelpers.managed=volume:ex07-data ex07-data
docker run -d --name ex07-writer --label io.labhelpers.managed=container:ex07-writer \
  -v ex07-data:/data my-image sleep infinity
docker exec ex07-writer sh -c 'echo hello > /data/hello.txt'
docker run -d --name ex07-reader --label io.labhelpers.managed=container:ex07-reader \
  -v ex07-data:/data:ro my-image sleep infinity

# The reader reads; its write fails.
docker exec ex07-reader cat /data/hello.txt
! docker exec ex07-reader touch /data/x 2>&1
