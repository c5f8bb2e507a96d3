#!/usr/bin/env bash
# Exercise 04: a `local` volume held in memory (a tmpfs of at most 32 MiB), used by a running container.
set -eu

# Start over if an earlier attempt left these behind.
docker rm -f ex04-box >/dev/null 2>&1 || true
docker volume rm ex04-ram >/dev/null 2>&1 || true

# The local driver hands type/device/o to mount(8): this asks for a tmpfs of at most 32 MiB.
# The label lets notebook 99 find it and clean it up.
docker volume create --driver local \
  --opt type=tmpfs --opt device=tmpfs --opt o=size=32m \
  --label io.labhelpers.managed=true \
  ex04-ram

# The tmpfs is mounted when the first container using the volume starts.
docker run -d --name ex04-box --label io.labhelpers.managed=true \
  -v ex04-ram:/scratch my-image sleep infinity

docker exec ex04-box df -h /scratch
