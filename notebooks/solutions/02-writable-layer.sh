#!/usr/bin/env bash
# Exercise 02: a container whose writable layer holds exactly 3,000,000 bytes of data.
set -eu

# Start over if an earlier attempt left the container behind.
docker rm -f ex02-box >/dev/null 2>&1 || true

# --init: docker stop returns at once. The label lets the lab's cleanup (notebook 99) find it.
docker run -d --init --name ex02-box --label io.labhelpers.managed=true my-image

# GNU dd: bs=1MB is 1,000,000 bytes (SI), bs=1M would be 1,048,576 bytes (a MiB).
docker exec ex02-box dd if=/dev/zero of=/app/data.bin bs=1MB count=3 status=none

# SIZE is the writable layer: 3MB with the overlay2 graph driver (the --init mount point
# /usr/sbin/docker-init is 0 bytes). The containerd image store counts whole disk blocks, the
# directories' too, so there it prints a little more (3.02MB or so) for the same 3,000,000 bytes.
docker ps -s --filter name=ex02-box --format '{{.Names}} {{.Size}}'
