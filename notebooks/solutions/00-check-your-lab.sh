#!/usr/bin/env bash
# Exercise 00: a volume of your own, made by the local driver, labelled with your storage driver.
set -eu

# 1. Which storage driver does the Engine use? (`docker info` prints it as "Storage Driver:")
driver=$(docker info --format '{{.Driver}}')
echo "storage driver: $driver"

# 2. Start over if an earlier attempt left the volume behind (a volume's labels cannot change).
docker volume rm my-first-volume >/dev/null 2>&1 || true

# 3. The volume: the local driver, the lab's label (so the lab's cleanup removes it; the lab never
#    touches what lacks it), and a label that records the driver you found.
docker volume create --driver local \
  --label io.labhelpers.managed=true \
  --label "storage-driver=$driver" \
  my-first-volume

# 4. Where does its data live? (on Docker Desktop: inside the VM, not on your Mac or PC)
docker volume inspect --format '{{.Driver}} {{.Mountpoint}}' my-first-volume
