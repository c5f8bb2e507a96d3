#!/usr/bin/env bash
# Exercise 06: one container with a named volume, a tmpfs and a read-only bind mount.
set -eu
cd "$(dirname "$0")/.."   # the notebooks folder
docker rm -f ex06-app >/dev/null 2>&1 || true   # start over
docker volume rm ex06-data >/dev/null 2>&1 || true

mkdir -p workspace/ex06-config   # else -v would create it, empty
echo "greeting=hello" > workspace/ex06-config/app.conf

# Each mark names exactly its resource.
docker volume create --label io.labhelpers.managed=volume:ex06-data ex06-data
docker run -d --name ex06-app --label io.labhelpers.managed=container:ex06-app \
  -v ex06-data:/data --tmpfs /cache -v "$PWD/workspace/ex06-config:/config:ro" \
  my-image sleep infinity

docker inspect -f '{{range .Mounts}}{{.Type}} {{.Destination}} RW={{.RW}}{{println}}{{end}}' ex06-app
docker exec ex06-app cat /config/app.conf
