#!/usr/bin/env bash
# Exercise 06b: a bind mount that refuses a mistyped host path (--mount), where -v creates it.
set -eu
cd "$(dirname "$0")/.."   # the notebooks folder
docker rm -f ex06b-web >/dev/null 2>&1 || true   # start over

mkdir -p workspace/ex06b-site
echo hello > workspace/ex06b-site/index.html

docker run -d --name ex06b-web --label io.labhelpers.managed=container:ex06b-web \
  --mount type=bind,src="$PWD/workspace/ex06b-site",dst=/site my-image sleep infinity
docker exec ex06b-web cat /site/index.html
