"""Write notebooks/05-named-volume.ipynb (without outputs).

Run it, then execute the notebook in place so it holds real outputs from the Engine:

    .venv/bin/python scripts/notebooks/build_05.py
    cd notebooks && flock /tmp/lab-engine.lock ../.venv/bin/jupyter nbconvert --to notebook \
        --execute --inplace 05-named-volume.ipynb
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NAME = "05-named-volume"
OUT = Path(__file__).resolve().parents[2] / "notebooks" / f"{NAME}.ipynb"

cells: list = []


def md(text: str) -> None:
    cells.append(new_markdown_cell(text.strip()))


def code(text: str) -> None:
    cells.append(new_code_cell(text.strip()))


md("""
# 05 · A named volume, end to end

This is the lecture's volume demo, run for real and then pushed a little further:

1. create the volume `my-vol` and run `my-cont-1` with it mounted at `/app`;
2. write a file from inside the container, then force-remove the container;
3. read the file back twice: through a throw-away helper container (works on every platform)
   and, on native Linux, straight from the volume's directory on the host;
4. copy a file out to this machine with `docker cp`;
5. find out why `app.py` turned up in the volume (pre-population), and how a bind mount behaves
   instead;
6. measure where the volume's bytes are counted (`docker system df -v`), and what does, and does
   not, delete a volume.

Every helper prints the `docker` command it stands for, so you can repeat each step in a terminal.
""")

code("""
# NBVAL_IGNORE_OUTPUT
import labhelpers as lh

lh.start_lesson("05-named-volume")
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.ensure_lesson_image()
""")

md("""
## 1. Create `my-vol`

`docker volume create my-vol` asks the `local` volume driver for a new volume. (If an earlier run
of this notebook left a `my-vol` behind, the lab replaces it, so you always start from scratch.
A `my-vol` of your own, without the lab's label, is never touched: the cell stops instead.)
""")

code("""
lh.create_volume("my-vol")
""")

md("""
The `Mountpoint` is the directory on the Engine's machine that holds the volume's files. Look
inside without involving any container of yours: the helper below starts a throw-away container
(`--rm`) that mounts the volume read-only at `/volume`, lists it, and is removed again.
""")

code("""
lh.named_volumes.list_volume("my-vol")
""")

md("""
## 2. Run `my-cont-1` with the volume at `/app`, and write a file
""")

code("""
cont1 = lh.run_container("my-cont-1", mounts=[lh.volume_mount("my-vol", "/app")])
""")

code("""
written = lh.exec_in("my-cont-1", 'echo "This is my delta data" > /app/file.txt')
""")

code("""
print(lh.read_file("my-cont-1", "/app/file.txt"))
""")

md("""
Where did the file go? Not into the container's writable layer: `docker diff` lists everything
that layer holds, and `file.txt` is not there.
""")

code("""
lh.named_volumes.changes("my-cont-1")
""")

md("""
The three entries are not yours: the lab starts containers with `--init`, and the Engine adds an
empty mount point for that small init program at `/sbin/docker-init` (listed as
`/usr/sbin/docker-init` because `/sbin` is a link to `/usr/sbin` in this image). Everything under
`/app` went to the volume instead.

## 3. Force-remove the container, then read the file back

`docker rm -f` stops the container and deletes it, writable layer and all.
""")

code("""
lh.remove_container("my-cont-1")
""")

md("""
**Way 1: a helper container.** This is what you do on Docker Desktop (macOS, Windows), where the
volume's directory is inside a VM. The lecture uses an `alpine` image for it; any image with `ls`
and `cat` will do, so the lab uses `my-image`.
""")

code("""
lh.named_volumes.list_volume("my-vol")
""")

code("""
lh.named_volumes.read_through_container("my-vol", "file.txt")
""")

md("""
The file outlived its container. And there is a second file you never wrote: `app.py`.
Section 5 explains where it came from.

**Way 2: the mountpoint on the host.** On native Linux the volume is an ordinary directory under
the Engine's data root, and `sudo cat` reads it. That directory is readable by root only, so as
a normal user you need `sudo` in a terminal; on Docker Desktop the path does not exist on your
machine at all, and the helper says so instead of failing.
""")

code("""
lh.named_volumes.read_from_mountpoint("my-vol", "file.txt")
""")

md("""
## 4. Copy a file out with `docker cp`

`docker cp` copies between a container and this machine, and works on every platform. It needs a
container, so start `my-cont-2` on the same volume (as in the lecture) and copy `file.txt` into
the lab's `workspace/` folder next to this notebook.
""")

code("""
cont2 = lh.run_container("my-cont-2", mounts=[lh.volume_mount("my-vol", "/app")])
""")

code("""
lh.named_volumes.copy_out("my-cont-2", "/app/file.txt", "workspace")
""")

md("""
The helper read the copy back from this machine's disk: it is an ordinary file now, outside
Docker. Open `workspace/file.txt` in JupyterLab's file browser to see it for yourself.
`docker cp` also works when the container is stopped: the Engine mounts the container's
filesystem, volumes included, just for the copy.

## 5. Why is `app.py` in the volume? Pre-population

The image's Dockerfile puts `app.py` in `/app`. When an **empty** named volume is mounted over a
directory that has content in the image, the Engine first copies that content into the volume.
That is why `my-vol` holds `app.py`, and why `my-cont-1` could still start its app.

The copy has conditions. The next cell mounts six different things over `/app` and lists what a
container sees there (each in a throw-away container, on throw-away volumes):
""")

code("""
lh.named_volumes.what_app_sees()
""")

md("""
What the grid shows:

* only a **new, empty** named volume receives the image's files, and they stay in it afterwards;
* a volume that already holds something is mounted as it is: its own files replace the image's;
* `volume-nocopy` (a `--mount` option) switches the copy off;
* a tmpfs-backed volume (notebook 04) gets no copy either;
* a **bind mount** never copies. The host folder is mounted as it is and **hides** what the
  image had at that path, and nothing is written to the host folder.

This matters as soon as the app's own code lives under the mount point. Start the image's normal
command (`python app.py`, from `/app`) once with `my-vol` and once with an empty host folder
over `/app`:
""")

code("""
lh.named_volumes.start_app_both_ways()
""")

md("""
With the volume, Flask starts. With the bind mount, `app.py` is hidden and Python exits with
status 2. Kubernetes behaves like the bind mount here (see the end of notebook 04): it never
copies image content into a volume.

## 6. Where the volume lives, and how big it is

`docker system df -v` lists each volume with `LINKS` (how many containers use it) and `SIZE`.
""")

code("""
lh.named_volumes.volume_usage(["my-vol"])
""")

md("""
That is `app.py` (182 bytes) plus `file.txt` (22 bytes: the sentence and its newline), used by one
container (`my-cont-2`). Now write 4 MiB from inside `my-cont-2`, under `/app`, and measure both
the container's writable layer (`docker ps -s`) and the volume (`docker system df -v`) before and
after.
""")

code("""
before = lh.named_volumes.space_snapshot("before", "my-cont-2", "my-vol")
""")

code("""
data = lh.write_data("my-cont-2", 4, path="/app/data.bin")
""")

code("""
after = lh.named_volumes.space_snapshot("after writing 4 MiB", "my-cont-2", "my-vol")
lh.named_volumes.space_table(before, after)
""")

code("""
lh.named_volumes.plot_space(before, after)
""")

md("""
The 4,194,304 bytes are counted in the volume, not in the container: its writable layer stays at
0 bytes. So `docker ps -s` does not show data in volumes; `docker system df -v` does.

On native Linux all of this sits under `/var/lib/docker/volumes/my-vol/_data`, on the same disk
as the images. On Docker Desktop the same directory exists inside the VM, on its virtual disk;
`docker system df -v` reports the same sizes either way.

## 7. What deletes a volume

A volume has its own lifecycle. First try to remove it while `my-cont-2` still uses it:
""")

code("""
lh.named_volumes.try_remove_volume("my-vol")
""")

md("""
The Engine refuses, and lists the IDs of the containers that use it. Now remove the container with
`docker rm -v`, the option that removes a container *with its volumes*, and look again:
""")

code("""
lh.remove_container("my-cont-2", volumes=True)
""")

code("""
lh.named_volumes.list_volume("my-vol")
""")

md("""
`my-vol` and all its files are still there: `-v` only removes a container's **anonymous**
volumes (the ones `docker run -v /path` creates without a name; notebook 07 is about those). A
named volume goes only when you say so: `docker volume rm my-vol`, or `docker volume prune`.

What exactly does `prune` remove? The next cell creates four volumes with a label of their own
(the anonymous one through `--mount ...,volume-label=...`, the only way to label a volume that
`docker run` creates), runs `docker volume prune` filtered on that label (so nothing else can be
touched), and reports:
""")

code("""
prune = lh.named_volumes.prune_demo()
prune
""")

code("""
print(prune.verdict())
""")

md("""
That sentence depends on the Engine's version: up to Engine 20.10 (API 1.41), prune removes
named and anonymous unused volumes alike; from Docker Engine 23 (API 1.42) on, it removes only
unused **anonymous** volumes unless you add `--all` (`-a`). The table also shows what prune
leaves alone: a volume that a container still uses, even a stopped one, and (on this Engine) a
volume created with driver options. When you mean to delete one volume, name it:
`docker volume rm my-vol`.

The lab keeps `my-vol` for the exercise below (notebook 99 removes it).

## 8. Try it: write, remove, read back

Type a line and press the button: a new container mounts `my-vol`, appends your line to
`/app/notes.txt`, is force-removed, and a helper container reads `notes.txt` back. Every line
you add is still there afterwards. (The cell writes the default line once by itself.)
""")

code("""
lh.named_volumes.survival_widget()
""")

md("""
## 9. macOS and Windows

With Docker Desktop, the Engine runs in a Linux VM, and so do its volumes: there is no
`/var/lib/docker/volumes` on your Mac or Windows disk, and `read_from_mountpoint` says so. What
works everywhere is what sections 3 and 4 used:

* a throw-away container: `docker run --rm -v my-vol:/volume:ro my-image ls -l /volume`;
* `docker cp my-cont-2:/app/file.txt .` to copy a file out to the current folder.

To work on files that live on your own disk, bind-mount a folder instead of using a named volume:
`-v /Users/you/data:/app/data` on macOS, `-v C:\\Users\\you\\data:/app/data` in Windows PowerShell,
or a path inside your WSL 2 distribution (such as `~/data`) when you run `docker` from there.
Mind what section 5 showed: a bind mount over a directory hides what the image had in it.
""")

md("""
## Quiz
""")

code("""
lh.quiz(
    [
        lh.Question(
            "A container writes /app/file.txt where a named volume is mounted at /app. "
            "`docker rm -f` removes the container. Where is the file?",
            (
                "Gone with the writable layer",
                "Still in the volume",
                "Copied back into the image",
            ),
            1,
            "It never was in the writable layer (`docker diff` did not list it); the volume "
            "outlives the container.",
        ),
        lh.Question(
            "You mount a new, empty named volume over /app, where the image has app.py. What "
            "does the container see in /app?",
            ("Nothing", "app.py, copied into the volume", "app.py, but read-only"),
            1,
            "An empty named volume is pre-populated with the image's content at the mount point; "
            "a bind mount, or a volume that already has files, is not.",
        ),
        lh.Question(
            "Which command deletes the named volume my-vol?",
            ("docker rm -v my-cont-2", "docker stop my-cont-2", "docker volume rm my-vol"),
            2,
            "`docker rm -v` removes only anonymous volumes; a named volume is deleted by "
            "`docker volume rm` (or by a prune, depending on the Engine's version).",
        ),
        lh.Question(
            "Where does `docker ps -s` count 4 MiB written under a volume's mount point?",
            ("In the container's SIZE", "Nowhere: see docker system df -v", "In the image"),
            1,
            "The writable layer stayed at 0 B; the volume's size in `docker system df -v` grew by "
            "4,194,304 bytes.",
        ),
    ]
)
""")

md("""
## Exercise: back up `file.txt` with the plain CLI

The lecture's table notes that a named volume's data may need an extra step to back up. Make that
step: using only `docker` commands in a JupyterLab terminal, started in this notebook's folder,
copy `file.txt` out of `my-vol` to **`workspace/backup/file.txt`** on this machine.

Hint: a throw-away container can mount two things at once, the volume (read-only is enough) and
a host folder: `docker run --rm -v my-vol:...:ro -v "$PWD/workspace/backup:/backup" my-image cp
...`. Add `--user "$(id -u):$(id -g)"` so the copy belongs to you and not to root.
""")

code("""
# Your commands go in a terminal; or prefix them with ! here, e.g. !mkdir -p workspace/backup
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.named_volumes.check_backup()
""")

code("""
lh.show_solution("solutions/05-named-volume.sh")
""")

md("""
## What you measured

* A file written under a named volume's mount point is not in the container's writable layer,
  and survives `docker rm -f`; you can read it back through any container, with `docker cp`, or
  (native Linux, as root) from the volume's directory.
* An empty named volume is filled with the image's content at its mount point the first time it
  is mounted; a bind mount hides that content instead.
* A volume's bytes show in `docker system df -v`, not in `docker ps -s`.
* `docker rm -v` keeps named volumes; `docker volume rm` deletes one; `docker volume prune`
  deletes unused ones (named ones only with `--all` on Engine 23 and later).

Next, notebook 06 puts named volumes, bind mounts and tmpfs mounts side by side.
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
