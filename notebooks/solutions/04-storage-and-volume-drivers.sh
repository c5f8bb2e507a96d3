#!/usr/bin/env bash
# Exercise 04: a volume held in memory (at most 32 MiB), used by a running container.
set -eu
docker rm -f ex04-box >/dev/null 2>&1 || true   # start over
docker volume rm ex04-ram >/dev/null 2>&1 || true

# type/device/o go to mount(8). Each mark names exactly its resource.
docker volume create --driver local \
  --opt type=tmpfs --opt device=tmpfs --opt o=size=32m \
  --label io.labhelpers.managed=volume:ex04-ram ex04-ram
docker run -d --name ex04-box --label io.labhelpers.managed=container:ex04-box \
  -v ex04-ram:/scratch my-image sleep infinity
docker exec ex04-box df -h /scratch
