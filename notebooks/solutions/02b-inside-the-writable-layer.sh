#!/usr/bin/env bash
# Exercise 02b: a whole copy of /app/app.py in a writable layer, its content unchanged.
set -eu

docker rm -f ex02b-box >/dev/null 2>&1 || true   # start over
docker run -d --init --name ex02b-box --label io.labhelpers.managed=container:ex02b-box my-image
docker exec ex02b-box touch /app/app.py   # a new timestamp: the whole file is copied up
docker diff ex02b-box
