#!/usr/bin/env bash
# Exercise 02: a container whose writable layer holds exactly 3,000,000 bytes of data.
set -eu

docker rm -f ex02-box >/dev/null 2>&1 || true   # start over
docker run -d --init --name ex02-box --label io.labhelpers.managed=container:ex02-box my-image
# GNU dd: bs=1MB is 1,000,000 bytes (bs=1M would be a MiB, 1,048,576)
docker exec ex02-box dd if=/dev/zero of=/app/data.bin bs=1MB count=3 status=none
docker ps -s --filter name=ex02-box --format '{{.Names}} {{.Size}}'
