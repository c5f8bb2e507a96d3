"""Write notebooks/07-sharing-data.ipynb (without outputs).

Run it, then execute the notebook in place so it holds real outputs from the Engine:

    .venv/bin/python scripts/notebooks/build_07.py
    cd notebooks && flock /tmp/lab-engine.lock ../.venv/bin/jupyter nbconvert --to notebook \
        --execute --inplace 07-sharing-data.ipynb
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NAME = "07-sharing-data"
OUT = Path(__file__).resolve().parents[2] / "notebooks" / f"{NAME}.ipynb"

cells: list = []


def md(text: str) -> None:
    cells.append(new_markdown_cell(text.strip()))


def code(text: str) -> None:
    cells.append(new_code_cell(text.strip()))


md("""
# 07 · Sharing data between containers

A volume is not tied to one container: any number of containers can mount it at the same time,
and each sees the same files. This notebook measures what that means:

1. two containers on one named volume: one writes, the other reads, and back;
2. a third container mounts the volume **read-only** (`:ro`), and its write fails;
3. a widget to append lines from either side and read them back;
4. **anonymous volumes**: how `docker run -v /data` makes them, how `--volumes-from` shares
   them, why `docker rm` leaves them behind and `docker rm -v` does not.

Every helper prints the `docker` command it stands for.
""")

code("""
# NBVAL_IGNORE_OUTPUT
import labhelpers as lh

lh.start_lesson("07-sharing-data")
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.ensure_lesson_image()
""")

md("""
## 1. One volume, two containers

Create the volume `shared-vol` (an earlier run's `shared-vol` is replaced, so the file below starts
empty), then start two containers on it. The path inside each container is that container's
choice: `share-writer` mounts the volume at `/data`, `share-reader` at `/shared`.
""")

code("""
volume = lh.create_volume("shared-vol")
""")

code("""
writer = lh.run_container(
    "share-writer", mounts=[lh.volume_mount("shared-vol", "/data")], command="sleep infinity"
)
""")

code("""
reader = lh.run_container(
    "share-reader", mounts=[lh.volume_mount("shared-vol", "/shared")], command="sleep infinity"
)
""")

code("""
lh.sharing.mounts_table(["share-writer", "share-reader"])
""")

md("""
Both rows name the same volume. Now `share-writer` appends a line to `messages.txt`, and
`share-reader` reads the file straight away, through its own path:
""")

code("""
lh.sharing.append_and_read("hello from share-writer")
""")

md("""
And the other way round: the reader's mount is read-write too, so it can answer.
""")

code("""
lh.sharing.append_and_read(
    "and hello back from share-reader",
    wrote_in="share-reader",
    write_path="/shared/messages.txt",
    read_in="share-writer",
    read_path="/data/messages.txt",
)
""")

md("""
Nothing was copied and nothing was restarted: both containers have the same directory mounted,
so a write by one is visible to the other at the next read. The flip side is that the volume
does not coordinate anything. If two programs write the same file at the same moment, they have
to agree on how (one writer only, file locks, a database in front); the volume will not do it
for them.

## 2. A read-only mount

Add a third container that mounts the same volume with `:ro` (in the `--mount` form:
`--mount type=volume,src=shared-vol,dst=/data,readonly`):
""")

code("""
read_only = lh.run_container(
    "share-reader-ro",
    mounts=[lh.volume_mount("shared-vol", "/data", read_only=True)],
    command="sleep infinity",
)
""")

md("""
Reading works as usual:
""")

code("""
print(lh.read_file("share-reader-ro", "/data/messages.txt"))
""")

md("""
Writing does not. The helper below tries to append a line and reports what happened instead of
stopping the notebook:
""")

code("""
lh.sharing.try_write("share-reader-ro", "/data/messages.txt")
""")

md("""
At the same moment, `share-writer` writes to the same volume without trouble:
""")

code("""
lh.sharing.try_write("share-writer", "/data/messages.txt", "share-writer can still write")
""")

md("""
`docker inspect` shows the difference: the `RW` field of the mount is `false` for
`share-reader-ro` only. So `:ro` is a property of one container's mount, not of the volume.
""")

code("""
mounts = lh.sharing.mounts_table(["share-writer", "share-reader", "share-reader-ro"])
mounts
""")

code("""
lh.sharing.plot_mounts(mounts)
""")

md("""
A read-only mount is the safe way to hand a container data it must only consume: configuration,
a data set, files produced by another container. Kubernetes has the same switch
(`readOnly: true` on a container's volume mount).

## 3. Try it yourself

Type a line and append it from `share-writer` (read-write) or from `share-reader-ro`
(read-only). Either way, `share-reader` then reads the whole file back. The cell appends the
default line from `share-writer` once by itself.
""")

code("""
lh.sharing.share_widget()
""")

md("""
## 4. Anonymous volumes

`docker run -v /data` (a path inside the container, no name before it) asks for an **anonymous
volume**: a volume like any other, under a name the Engine makes up. Images can ask for one too,
with a `VOLUME /path` line in their Dockerfile (many database images do); `my-image` does not.
The lab writes `-v /data` in its long form, `--mount type=volume,dst=/data`, because only that
form can also give the new volume a label (`volume-label=...`) for the cleanup to find. Start a
container with one and write a file into it:
""")

code("""
keep = lh.sharing.start_with_anonymous_volume("anon-keep")
keep
""")

md("""
To share an anonymous volume you cannot type its name comfortably, so Docker offers
`--volumes-from`: the new container gets the same mounts as the one you name.
""")

code("""
print(lh.sharing.read_with_volumes_from("anon-keep"))
""")

md("""
Now remove the container the usual way, `docker rm -f`, and look for its volume:
""")

code("""
lh.sharing.remove_and_look("anon-keep")
""")

md("""
The volume and the file in it are still there, but no container uses the volume any more, and
its name tells you nothing about where it came from. Do the same with a second container, this
time removing it with `-v`:
""")

code("""
gone = lh.sharing.start_with_anonymous_volume("anon-gone")
""")

code("""
lh.sharing.remove_and_look("anon-gone", volumes=True)
""")

md("""
`-v` removes the container's anonymous volumes with it (and only those: notebook 05 showed that a
named volume survives `docker rm -v`). Without it, anonymous volumes pile up. Docker calls a
volume that no container uses *dangling*; this lists the ones this notebook made:
""")

code("""
lh.sharing.dangling_volumes()
""")

md("""
In a terminal, `docker volume ls -f dangling=true` lists all of them, and `docker volume prune`
removes unused volumes (which ones depends on the Engine's version: see notebook 05). Here, remove
the one volume by its name:
""")

code("""
lh.remove_volume(keep.volume)
""")

code("""
lh.sharing.dangling_volumes()
""")

md("""
## 5. macOS and Windows

Everything above works the same with Docker Desktop: the volume lives on the disk of Docker
Desktop's Linux VM, and the containers that share it run in that VM too. To share files with
your own computer as well, bind-mount one of its folders into each container instead (for
example `-v /Users/you/shared:/data` on macOS or `-v C:\\Users\\you\\shared:/data` in
PowerShell); notebook 06 covers what bind mounts do differently.
""")

md("""
## Quiz
""")

code("""
lh.quiz(
    [
        lh.Question(
            "share-writer mounts shared-vol at /data, share-reader at /shared. share-writer "
            "appends a line to /data/messages.txt. When does share-reader see it?",
            (
                "After share-reader restarts",
                "At its next read of /shared/messages.txt",
                "Never: each container has its own copy",
            ),
            1,
            "Both containers mount the same directory; there is no copy to update.",
        ),
        lh.Question(
            "A container mounts a volume with :ro. Can another container write to that volume?",
            (
                "No, the volume is now read-only",
                "Yes, if its own mount is read-write",
                "Only after the first container stops",
            ),
            1,
            "`:ro` belongs to one container's mount (RW=false in its docker inspect); the "
            "volume itself stays writable for the others.",
        ),
        lh.Question(
            "`docker run -d --name app -v /data my-image`, then `docker rm -f app`. "
            "What happens to the volume at /data?",
            (
                "It is removed with the container",
                "It stays, unused, under a random name",
                "It becomes a named volume called app",
            ),
            1,
            "Only `docker rm -v` (or a prune) removes an anonymous volume.",
        ),
        lh.Question(
            "How does a second container get the mounts of an existing container `app`?",
            ("--volumes-from app", "--link app", "-v app:/data"),
            0,
            "`-v app:/data` would create (or use) a named volume called `app`, a different thing.",
        ),
    ]
)
""")

md("""
## Exercise: a read-only reader

Using only `docker` commands in a JupyterLab terminal:

1. create a volume **`ex07-data`**;
2. run **`ex07-writer`** from `my-image` (command `sleep infinity`) with `ex07-data` mounted
   read-write at `/data`, and write a file `hello.txt` into `/data` through it;
3. run **`ex07-reader`** with the same volume mounted **read-only** at `/data`.

Hint: `docker volume create`, `docker run -d --name ... -v ex07-data:/data ...`,
`docker exec ex07-writer sh -c 'echo hello > /data/hello.txt'`, and `-v ex07-data:/data:ro` for
the reader. Then try `docker exec ex07-reader touch /data/x`: it must fail. Give the volume and
both containers the label `io.labhelpers.managed=true` (`--label` on `docker volume create` and
on `docker run`) so that notebook 99 cleans them up.
""")

code("""
# Your commands go in a terminal; or prefix them with ! here, e.g. !docker volume create ...
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.sharing.check_read_only_share()
""")

code("""
lh.show_solution("solutions/07-sharing-data.sh")
""")

md("""
## What you measured

* Containers that mount the same volume see the same files at once, whatever path each one
  mounts it at; the volume coordinates nothing between writers.
* `:ro` makes one container's mount read-only: writes fail with "Read-only file system", even
  as root, while other containers keep writing to the same volume.
* `docker run -v /data` makes an anonymous volume; `--volumes-from` shares it; `docker rm`
  leaves it behind, unused; `docker rm -v` removes it with the container.

The last notebook, 99, removes everything the lab created.
""")

nb = new_notebook(cells=cells)
nb.metadata["kernelspec"] = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}
nb.metadata["language_info"] = {"name": "python"}
nbformat.write(nb, OUT)
print(f"wrote {OUT}")
