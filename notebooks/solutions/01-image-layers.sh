#!/usr/bin/env bash
# Exercise 01: my-image + one layer of 2,000,000 bytes + ENV STAGE=exercise.
set -eu
context=$(mktemp -d)
cat > "$context/Dockerfile" <<'DOCKERFILE'
FROM my-image
ENV STAGE=exercise
RUN head -c 2000000 /dev/zero > /app/two-megabytes.bin
DOCKERFILE
# The mark names exactly this image: cleanup removes it, not what you build FROM it.
docker build --label io.labhelpers.managed=image:my-layer-exercise:latest \
  -t my-layer-exercise "$context"
rm -rf "$context"
docker image history my-layer-exercise
