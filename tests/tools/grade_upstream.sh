#!/bin/sh
# Grades the upstream ChCore Lab 4 image (../shared/guests/chcore-lab4/kernel.img beside the checkout)
# with tools/grade and the given options. Exit 77 (ctest's skip, said on stdout) when it is absent.
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
img=${CHEMU_UPSTREAM_IMAGE:-$repo/../shared/guests/chcore-lab4/kernel.img}
if [ ! -f "$img" ]; then
  echo "SKIP: no upstream ChCore image at $img"
  exit 77
fi
exec python3 "$repo/tools/grade" --image "$img" "$@"
