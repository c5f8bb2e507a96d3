#!/usr/bin/env bash
# Exercise 01: my-layer-exercise = my-image + exactly one layer of 2 MB + ENV STAGE=exercise.
set -eu
context=$(mktemp -d)   # a build context of its own: the Dockerfile is all the build needs
cat > "$context/Dockerfile" <<'DOCKERFILE'
FROM my-image
# changes only the image's config: no layer
ENV STAGE=exercise
# writes 2,000,000 bytes: one layer
RUN head -c 2000000 /dev/zero > /app/two-megabytes.bin
DOCKERFILE

# The mark names exactly this image: cleanup removes it, never what you build FROM it.
docker build --label io.labhelpers.managed=image:my-layer-exercise:latest \
  -t my-layer-exercise "$context"
rm -rf "$context"

# The evidence: one row of 2MB more than my-image, and one more RootFS layer.
docker image history my-layer-exercise
docker image inspect --format '{{len .RootFS.Layers}} layers' my-image my-layer-exercise
