#!/usr/bin/env bash
# Exercise 01: my-layer-exercise = my-image + exactly one layer of 2 MB + ENV STAGE=exercise.
set -eu

# A build context of its own: the Dockerfile is the only file the build needs.
context=$(mktemp -d)
cat > "$context/Dockerfile" <<'DOCKERFILE'
FROM my-image
# changes only the image's config: no layer
ENV STAGE=exercise
# writes 2,000,000 bytes: one layer
RUN head -c 2000000 /dev/zero > /app/two-megabytes.bin
DOCKERFILE

# The label lets the lab's cleanup find the image.
docker build --label io.labhelpers.managed=true -t my-layer-exercise "$context"
rm -rf "$context"

# The evidence: one row of 2MB more than my-image, and one more RootFS layer.
docker image history my-layer-exercise
docker image inspect --format '{{len .RootFS.Layers}} layers' my-image my-layer-exercise
