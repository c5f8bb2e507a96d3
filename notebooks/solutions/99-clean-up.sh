#!/usr/bin/env bash
# Exercise 99: remove every container and volume that notebook 07 made, selecting by label only.
set -eu

filter="label=io.labhelpers.notebook=07-sharing-data"

# Containers first (-v: with their anonymous volumes); a volume still in use cannot be removed.
containers=$(docker ps -a -q --filter "$filter")
if [ -n "$containers" ]; then
  docker rm -f -v $containers
fi

volumes=$(docker volume ls -q --filter "$filter")
if [ -n "$volumes" ]; then
  docker volume rm $volumes
fi

# The evidence: both lists are empty now.
docker ps -a --filter "$filter"
docker volume ls --filter "$filter"
