"""Write notebooks/06-volume-vs-bind-vs-tmpfs.ipynb (without outputs).

Run it, then execute the notebook in place so it holds real outputs from the Engine:

    .venv/bin/python scripts/notebooks/build_06.py
    cd notebooks && flock /tmp/lab-engine.lock ../.venv/bin/jupyter nbconvert --to notebook \
        --execute --inplace 06-volume-vs-bind-vs-tmpfs.ipynb
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NAME = "06-volume-vs-bind-vs-tmpfs"
OUT = Path(__file__).resolve().parents[2] / "notebooks" / f"{NAME}.ipynb"

cells: list = []


def md(text: str) -> None:
    cells.append(new_markdown_cell(text.strip()))


def code(text: str) -> None:
    cells.append(new_code_cell(text.strip()))


md("""
# 06 · Named volume, bind mount or tmpfs?

A container can keep a directory such as `/data` in four places: in its own writable layer (no
option at all), in a **named volume**, in a **bind mount** of a folder on the host, or in a
**tmpfs mount** held in memory. A fifth, the **anonymous volume**, is a volume without a name.

The lecture compares them in a table of pros and cons. This notebook measures instead:

1. one trial by hand: write a file to a tmpfs mount, restart the container, look again;
2. the full grid: every kind of storage against `docker restart`, `docker stop` + `docker start`
   and `docker rm` + `docker run`, with a heatmap of what was kept;
3. the lecture's table, rebuilt from that grid;
4. how fast each kind takes writes, measured with `dd` (and what that number does not say);
5. two things bind mounts do that surprise people: numeric file owners, and missing host paths.

Every helper prints the `docker` command it stands for.
""")

code("""
# NBVAL_IGNORE_OUTPUT
import labhelpers as lh

lh.start_lesson("06-volume-vs-bind-vs-tmpfs")
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.ensure_lesson_image()
""")

md("""
## 1. Five places for `/data`

| `/data` is ... | `docker run` option | the same with `--mount` |
|---|---|---|
| in the writable layer | none | |
| a named volume | `-v grid-vol:/data` | `--mount type=volume,src=grid-vol,dst=/data` |
| a bind mount | `-v "$PWD/workspace/grid-bind:/data"` | `--mount type=bind,src=...,dst=/data` |
| a tmpfs mount | `--tmpfs /data` | `--mount type=tmpfs,dst=/data` |
| an anonymous volume | `-v /data` | `--mount type=volume,dst=/data` |

`-v` decides between volume and bind mount by looking at the part before the colon: a name means
a volume, a path (starting with `/`, or `C:\\` on Windows) means a bind mount. The `--mount` form
names the type outright, and (section 8) behaves better when a host path is wrong.

## 2. One trial by hand: a tmpfs mount and `docker restart`

Start a container with a tmpfs mount at `/data` and write a file into it:
""")

code("""
box = lh.run_container("by-hand", mounts=[lh.tmpfs_mount("/data")], command="sleep infinity")
""")

code("""
written = lh.exec_in("by-hand", 'echo "hello from before the restart" > /data/note.txt')
print(lh.read_file("by-hand", "/data/note.txt"))
""")

md("""
Now restart the container and look for the file again. `check=False` returns the command's exit
status instead of stopping the cell when `cat` fails:
""")

code("""
box = lh.restart_container("by-hand")
box.status
""")

code("""
after = lh.exec_in("by-hand", "cat /data/note.txt", check=False)
print(f"exit status {after.exit_code}: {after.output}")
""")

code("""
lh.remove_container("by-hand")
""")

md("""
The container came back, the file did not. A restart is a stop followed by a start, and the
tmpfs is unmounted at the stop, so its memory is given back.

## 3. The whole grid

The next cell repeats that experiment for every kind of storage and three events. For each kind
it starts one container (`grid-layer`, `grid-volume`, `grid-bind`, `grid-tmpfs`, `grid-anon`);
before each event it writes a fresh line to `/data/marker.txt`, after the event it reads the file
back. The event `docker rm + run again` removes the container (without `-v`) and starts a new one
with the same name and the same options, as you would after changing an image.

Everything the grid creates is removed when it is done. It takes about 15 seconds.
""")

code("""
grid = lh.mounts.run_survival_grid()
""")

code("""
grid
""")

code("""
lh.mounts.plot_grid(grid)
""")

md("""
How to read it:

* **Writable layer.** A file in the container's own layer is kept through a restart and through
  stop + start. It is lost only when the container is **removed**: the new container starts
  with a fresh, empty layer. The lecture says data in the writable layer is lost when a
  container stops; the grid shows that stopping keeps it. `docker ps -a` still lists a stopped
  container, and `docker start` brings it back with its layer intact.
* **Named volume** and **bind mount** keep the file through everything here, because the
  data never was in the container: the new container mounts the same volume or folder again.
* **tmpfs mount** loses the file every time, even on a plain restart: the memory is released
  whenever the container stops.
* **Anonymous volume** behaves like a named volume until the container is replaced. The new
  container's `-v /data` creates a *new*, empty volume. The data is not deleted: it sits in the
  old volume, which nothing uses any more (the grid removed it afterwards). Notebook 07 looks
  at these left-behind volumes.

## 4. Try one yourself

Pick a kind of storage and an event, then press the button. The widget runs one trial (in a
container named `mount-trial`) and shows the commands and the verdict. It runs the default pair
once on its own.
""")

code("""
lh.mounts.trial_widget()
""")

md("""
## 5. The lecture's table, rebuilt from the grid

The second and third columns below are read from the grid you just ran; the others are what the rest
of this course measures (the volume's location in notebooks 04 and 05, ownership in section 7).
""")

code("""
lh.mounts.choice_table(grid)
""")

md("""
Two corrections to the usual summary. First, "lost on restart" is true of tmpfs, but the
writable layer survives restarts too; the line that matters is **removal**. Second, a bind mount
does not sync anything: the container and the host see the *same* directory, so there is
nothing to copy. That is what makes it handy for source code you edit on the host.

## 6. How fast does each kind take writes?

The benchmark starts one container, `bench-box`, with a named volume, a bind mount and a tmpfs
mount next to a plain directory of its writable layer. In each it writes 256 MiB of zeros with
`dd`, in two ways:

* **buffered**: `dd` returns once the kernel has accepted the data, which mostly means it has
  been copied into the page cache in memory. The disk is written later.
* **with `conv=fsync`**: `dd` also waits until the data is on the disk. This is the number
  that a database which syncs its writes would feel.

Each measurement runs 3 times (interleaved) after one uncounted warm-up write per path; the chart
shows the median and every run. The time is the one `dd` prints itself, so the cost of
`docker exec` is not in it. The cell takes about 15 seconds; `size_mib` and `repeats` are
parameters if you want bigger or more runs.
""")

code("""
# NBVAL_IGNORE_OUTPUT
bench = lh.mounts.run_throughput(size_mib=256, repeats=3)
""")

code("""
# NBVAL_IGNORE_OUTPUT
bench
""")

code("""
# NBVAL_IGNORE_OUTPUT
print(bench.summary())
""")

code("""
lh.mounts.plot_throughput(bench)
""")

md("""
What these numbers say, and what they do not:

* **The filesystem column explains most of it.** A named volume and a bind mount are plain
  directories on the disk that holds the Engine's data root, so they should write at about the
  same speed. The writable layer is overlay on top of that same disk: every new file also goes
  through overlay2's bookkeeping. The last line printed above puts a number on that cost on
  your machine, as the writable layer's speed divided by the named volume's; runs of the
  writable layer also spread more (the dots).
* **Buffered is a memory speed.** Without `fsync`, the disk-backed kinds report how fast the
  kernel copies into the page cache. The data may not have reached the disk when `dd` finishes,
  so a crash could still lose it.
* **The mount flags column**: Docker mounts a tmpfs `noexec` (programs stored there cannot be
  started), `nosuid` and `nodev` by default, which suits scratch data and secrets.
* **tmpfs hardly changes with fsync**: there is no disk to wait for. It is memory of the
  Engine's machine, taken from what your containers could otherwise use (and swappable).
  Buffered, it was not faster than the page cache when this notebook was recorded: both are
  memory copies, and the tmpfs has its own bookkeeping.
* **What this does not measure**: files that come from the image and are changed in the
  container (overlay2 first copies the whole file up into the writable layer), many small files,
  reads, or several containers writing at once. Zeros from `/dev/zero` are easy data; a
  filesystem that compresses would look better than it is.
* **Runs vary.** A single run far from its bar (a dot well below it) is why the chart uses the
  median of three and not the mean.
* **This machine only.** Other disks, kernels and loads give other numbers. On Docker Desktop
  (macOS, Windows) a bind mount goes through the file-sharing layer between your computer and
  the Linux VM, which is usually much slower than a volume inside the VM: run this cell there
  to see by how much.

## 7. Bind mounts: a file keeps its numeric owner

A container writes into a bind-mounted folder with its own user id. The host's filesystem stores
that number as it is; it does not know the container's user names. The next cell bind-mounts a
fresh folder, `workspace/owners`, at `/shared` and creates a file there as different users, then
reads each file's owner on the host.
""")

code("""
lh.mounts.ownership()
""")

md("""
What the four rows show:

1. A container runs as **root** unless told otherwise, so its files belong to root (uid 0) on
   the host. On a Linux desktop where you are, say, uid 1000, you can delete such a file from
   your folder but not edit it without `sudo`. (This notebook ran as root, so "you may edit it"
   says yes in every row here.)
2. A container user with **another uid** (1234) cannot even create a file in your folder: the
   folder's permissions are checked against the number 1234, which is neither its owner nor in
   its group.
3. `--user "$(id -u):$(id -g)"` runs the container as **you**, so the file is yours. This is
   the usual fix for development containers.
4. Once the folder lets everybody write (`chmod 777`), uid 1234 can create its file, and the
   host shows it owned by uid 1234, a number that belongs to no user on this machine.

On **Docker Desktop** (macOS, Windows) this looks different: folders shared from your computer
go through Docker Desktop's file sharing, which shows files created by any container user as
yours on the host. Inside WSL 2 (a path such as `~/project` in your Linux distribution) the
Linux rules above apply. This notebook ran on native Linux, so only the Linux behaviour was
measured.

## 8. A host path that does not exist

A typo in a bind mount's host path is easy to make. Here are three ways of asking for a bind mount
of `workspace/no-such-folder`, which does not exist:
""")

code("""
lh.mounts.missing_host_path()
""")

md("""
* The lab's `lh.bind_mount(...)` refuses before anything runs, and says why.
* `docker run --mount type=bind,...` makes the Engine refuse too: `bind source path does not
  exist`.
* `docker run -v` does **not** refuse: the Engine creates the missing folder, owned by root,
  and mounts it empty. The container starts happily with no data, which is harder to notice than
  an error. (The helper removed that empty folder again.)

So in scripts, prefer `--mount` for bind mounts: a wrong path then fails loudly.

## 9. macOS and Windows

* **Paths.** On macOS: `-v /Users/you/project:/data`. In Windows PowerShell:
  `-v C:\\Users\\you\\project:/data`. In a WSL 2 shell, use Linux paths such as
  `-v ~/project:/data`; Windows drives appear there as `/mnt/c/...`, and files on them are
  slower to reach from containers than files in the Linux filesystem.
* **File sharing.** On macOS (and on Windows with the older Hyper-V backend), Docker Desktop
  lets containers see only the folders listed under Settings → Resources → File sharing (your
  home folder is in it by default); a bind mount of a folder outside that list is refused with
  a "Mounts denied" error. With the WSL 2 backend there is no such list.
* **Where tmpfs and volumes live.** Inside Docker Desktop's Linux VM: a tmpfs mount uses the
  VM's memory, a volume its virtual disk. The grid above comes out the same there.
""")

md("""
## Quiz
""")

code("""
lh.quiz(
    [
        lh.Question(
            "A container wrote /data/marker.txt into its writable layer (no mount). You run "
            "`docker stop`, then `docker start`. Is the file there?",
            ("Yes", "No, stopping clears the writable layer", "Only if it was synced"),
            0,
            "The grid kept it: a stopped container keeps its layer. Only `docker rm` deletes it.",
        ),
        lh.Question(
            "Which kinds of storage lost the marker on a plain `docker restart`?",
            ("None", "tmpfs only", "tmpfs and the writable layer"),
            1,
            "A restart is a stop and a start; a tmpfs is unmounted at the stop.",
        ),
        lh.Question(
            "You replace a container that used `-v /data` with a new one that uses `-v /data` "
            "too. What does the new container find in /data?",
            ("The old data", "An empty volume", "An error"),
            1,
            "Each `-v /data` makes a new anonymous volume. The old one still exists, unused: "
            "`docker volume ls -f dangling=true` lists it.",
        ),
        lh.Question(
            "A container running as root creates a file in a bind-mounted folder on a Linux "
            "host. Who owns the file on the host?",
            ("You", "root (uid 0)", "nobody"),
            1,
            'The uid is stored as it is. `--user "$(id -u):$(id -g)"` makes the container '
            "write as you instead.",
        ),
        lh.Question(
            "`docker run -v /home/me/dta:/data ...` with a typo in the host path. What happens?",
            (
                "The Engine refuses to start the container",
                "The Engine creates an empty, root-owned /home/me/dta and mounts it",
                "The container gets a named volume called dta",
            ),
            1,
            "`-v` creates a missing host path; `--mount type=bind` refuses instead.",
        ),
    ]
)
""")

md("""
## Exercise: three mounts, one container

Using only `docker` commands in a JupyterLab terminal, started in this notebook's folder, run a
container named **`ex06-app`** from `my-image` (command `sleep infinity`) that has:

* the named volume **`ex06-data`** at `/data` (for data that must last),
* a **tmpfs** mount at `/cache` (scratch space that should never reach a disk),
* the host folder **`workspace/ex06-config`** bind-mounted **read-only** at `/config`.

Hint: create the folder first (`mkdir -p`), create the volume with `docker volume create`, then
one `docker run -d` with `-v`, `--tmpfs` and `-v ...:ro`. A bind mount needs an absolute path:
`"$PWD/workspace/ex06-config"`. Give the volume and the container the label
`io.labhelpers.managed=true` (`--label` on `docker volume create` and on `docker run`) so that
notebook 99 cleans them up; whatever you create without it stays yours. To see what you got:
`docker inspect -f '{{json .Mounts}} {{json .HostConfig.Tmpfs}}' ex06-app` (a `--tmpfs` mount
is listed under `HostConfig.Tmpfs`, not under `Mounts`).
""")

code("""
# Your commands go in a terminal; or prefix them with ! here, e.g. !mkdir -p workspace/ex06-config
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.mounts.check_mount_mix()
""")

code("""
lh.show_solution("solutions/06-volume-vs-bind-vs-tmpfs.sh")
""")

md("""
## What you measured

* Data in a container's **writable layer** survives restarts and stop + start, and is lost on
  `docker rm`. A **tmpfs** mount loses its data at every stop, restarts included. **Named
  volumes** and **bind mounts** keep it through all three. An **anonymous volume** keeps it too,
  but a replacement container gets a new, empty one.
* A named volume and a bind mount on the same disk wrote at about the same speed; the writable
  layer paid for overlay2's bookkeeping (section 6 printed by how much here). Buffered numbers
  measure memory, not the disk. tmpfs is memory either way.
* Files written into a bind mount carry the container user's numeric uid; root's files are
  root's on the host. `--user "$(id -u):$(id -g)"` writes as you.
* `-v` creates a missing host path (empty, root-owned); `--mount type=bind` and the lab refuse.

Next, notebook 07 shares one volume between several containers.
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
