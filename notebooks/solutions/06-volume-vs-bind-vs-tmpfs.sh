#!/usr/bin/env bash
# Exercise 06: one container, three mounts: a named volume, a tmpfs and a read-only bind mount.
set -eu

cd "$(dirname "$0")/.."   # the notebooks folder

# Start over if an earlier attempt left these behind.
docker rm -f ex06-app >/dev/null 2>&1 || true
docker volume rm ex06-data >/dev/null 2>&1 || true

# The host folder must exist: `-v` would otherwise create it, empty and owned by root.
mkdir -p workspace/ex06-config
echo "greeting=hello" > workspace/ex06-config/app.conf

# Each mark names exactly its resource: notebook 99 removes these two, nothing made from them.
docker volume create --label io.labhelpers.managed=volume:ex06-data ex06-data

docker run -d --name ex06-app --label io.labhelpers.managed=container:ex06-app \
  -v ex06-data:/data \
  --tmpfs /cache \
  -v "$PWD/workspace/ex06-config:/config:ro" \
  my-image sleep infinity

# The evidence: the two mounts in .Mounts (note RW=false on /config), the tmpfs in HostConfig.
docker inspect -f '{{range .Mounts}}{{.Type}} {{.Destination}} RW={{.RW}}{{println}}{{end}}tmpfs: {{json .HostConfig.Tmpfs}}' ex06-app
docker exec ex06-app cat /config/app.conf
