#!/usr/bin/env bash
# Exercise 00: a volume of your own, by the local driver, labelled with your storage driver.
set -eu

driver=$(docker info --format '{{.Driver}}')
echo "storage driver: $driver"

# The lab's mark names exactly this volume: the lab's cleanup removes it, and nothing else.
docker volume create --driver local \
  --label io.labhelpers.managed=volume:my-first-volume \
  --label "storage-driver=$driver" \
  my-first-volume

# Where its data lives (on Docker Desktop: inside the VM)
docker volume inspect --format '{{.Driver}} {{.Mountpoint}}' my-first-volume
