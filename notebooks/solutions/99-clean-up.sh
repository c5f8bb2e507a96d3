#!/usr/bin/env bash
# Exercise 99: remove the containers the lab made for you, with the plain CLI; yours stay.
set -eu

# 1. A container of your own from the lab's image, with no label: it inherits the image's.
docker rm -f ex99-mine >/dev/null 2>&1 || true
docker run -d --name ex99-mine my-image sleep infinity

# 2. Your containers (owner mark) with their managed mark; the lab's mark names the container.
me="${LABHELPERS_OWNER:-$(id -un)@$(hostname)}"
docker ps -a --filter "label=io.labhelpers.owner=$me" \
  --format '{{.Names}} {{.Label "io.labhelpers.managed"}}' |
  while read -r name mark; do
    if [ "$mark" = "container:$name" ]; then docker rm -f -v "$name"; fi
  done

# 3. ex99-mine is still there: its mark names the image, not itself.
docker ps -a --filter name=ex99-mine --format '{{.Names}} {{.Label "io.labhelpers.managed"}}'
