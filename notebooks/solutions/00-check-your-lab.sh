#!/usr/bin/env bash
# Exercise 00: a volume of your own, made by the local driver, labelled with your storage driver.
set -eu

# 1. Which storage driver does the Engine use?
driver=$(docker info --format '{{.Driver}}')
echo "storage driver: $driver"

# 2. Start over if an earlier attempt left it (a volume's labels cannot change).
docker volume rm my-first-volume >/dev/null 2>&1 || true

# 3. The lab's mark naming this very volume (the lab's cleanup removes it, and only it),
#    and a label recording the driver.
docker volume create --driver local \
  --label io.labhelpers.managed=volume:my-first-volume \
  --label "storage-driver=$driver" \
  my-first-volume

# 4. Where does its data live? (on Docker Desktop: inside the VM)
docker volume inspect --format '{{.Driver}} {{.Mountpoint}}' my-first-volume
