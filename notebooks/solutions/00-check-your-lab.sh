#!/usr/bin/env bash
# Exercise 00: my-first-volume, by the local driver, labelled with the storage driver.
set -eu

driver=$(docker info --format '{{.Driver}}')
echo "storage driver: $driver"

# The lab's mark for exactly this volume: cleanup removes it, nothing else of yours.
docker volume create --driver local \
  --label io.labhelpers.managed=volume:my-first-volume \
  --label "storage-driver=$driver" \
  my-first-volume

# Where its data lives
docker volume inspect --format '{{.Driver}} {{.Mountpoint}}' my-first-volume
