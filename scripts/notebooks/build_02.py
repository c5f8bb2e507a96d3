"""Write notebooks/02-writable-layer.ipynb (without outputs).

Run it, then execute the notebook in place so it holds real outputs from the Engine:

    .venv/bin/python scripts/notebooks/build_02.py
    cd notebooks && flock /tmp/lab-engine.lock ../.venv/bin/jupyter nbconvert --to notebook \
        --execute --inplace 02-writable-layer.ipynb
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NAME = "02-writable-layer"
OUT = Path(__file__).resolve().parents[2] / "notebooks" / f"{NAME}.ipynb"

cells: list = []


def md(text: str) -> None:
    cells.append(new_markdown_cell(text.strip()))


def code(text: str) -> None:
    cells.append(new_code_cell(text.strip()))


md("""
# 02 · The writable layer, and what three containers really cost

Notebook 01 took an image apart: a stack of read-only layers. A container puts one more layer on
top of that stack, a **writable** one, which belongs to that container alone. Whatever the
container creates, modifies or deletes is recorded there and nowhere else; the lecture calls it
the container's *delta*.

The lecture then does some storage arithmetic. One image of 50 MB, three containers that write
4, 10 and 6 MB: the disk holds 50 + 4 + 10 + 6 = 70 MB, because the three containers share the
image's layers instead of copying them. In this notebook you check that arithmetic on your own
Engine:

1. start `my-cont-1`, `my-cont-2` and `my-cont-3` from `my-image` and write the lecture's
   deltas into them;
2. put real numbers into the equation, check them against `docker system df -v`, and set them
   beside the naive figure ("every container has its own copy of the image");
3. repeat with up to 20 containers and watch the two figures drift apart;
4. look inside a writable layer: `docker diff`, copy-on-write, and the storage driver's own
   directories.
""")

code("""
# NBVAL_IGNORE_OUTPUT
import labhelpers as lh

lh.start_lesson("02-writable-layer")
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.ensure_lesson_image()
""")

md("""
### Units, once

The Engine counts **bytes**. The `docker` CLI turns them into SI units, where 1 MB is 1,000,000
bytes, and keeps three significant digits. The lab writes data with `dd bs=1M`, and for `dd`
"1M" is one **mebibyte** (MiB), 1,048,576 bytes. So where the lecture says "4 MB", this notebook
writes 4 MiB: 4,194,304 bytes, which `docker ps -s` prints as **4.19MB**. The tables below show the
CLI's figure and the exact bytes side by side.
""")

code("""
lh.writable.units_table()
""")

md("""
## 1. Three containers from one image

To measure what the containers add, first measure the Engine without them. The next cell removes
`my-cont-1` to `my-cont-3` if an earlier run left them behind (only the lab's own containers:
a container of yours with one of these names stops the cell instead), and the one after takes a
snapshot of the Engine's storage: `docker system df -v`, plus the image's size.
""")

code("""
lh.writable.clear_stage()
""")

code("""
before = lh.writable.snapshot("before the containers")
""")

md("""
Now start the three containers. The lab runs them with `--init`, a tiny init process that makes
`docker stop` quick (notebook 03 shows why that matters).
""")

code("""
started = lh.writable.start_containers()
""")

code("""
lh.writable.sizes_table()
""")

md("""
Three running containers, and their writable layers hold **0 bytes**. Starting a container copies
nothing from the image; the writable layer starts empty.

## 2. Write the deltas

One slider per container. The button writes that many MiB of zeros into `/app/delta.bin` inside
each container (`docker exec ... dd`), replacing what the previous press wrote, and then measures
every writable layer. The defaults are the lecture's 4, 10 and 6. A size that would not fit on
the Engine's disk is refused with a message before anything is written. The cell writes the
defaults once by itself.
""")

code("""
lh.writable.deltas_widget()
""")

md("""
The same measurement as a table (after pressing the button, run this cell again):
""")

code("""
lh.writable.sizes_table()
""")

md("""
`SIZE` in `docker ps -s` is the writable layer, and it is exactly what was written: 4 MiB shows up
as 4,194,304 bytes, not a byte more. That the data is zeros does not matter; a layer is charged
for the bytes in its files, whatever they contain.

## 3. The lecture's equation, measured

Take a second snapshot, now that the deltas are written, and put the two together:
""")

code("""
after = lh.writable.snapshot("after writing the deltas")
""")

code("""
# NBVAL_IGNORE_OUTPUT
equation = lh.writable.storage_equation(before, after)
equation
""")

md("""
The first rows are the lecture's equation with this Engine's numbers: `my-image`'s layers
(193MB when this notebook was recorded; yours depends on the base image and the Flask version
pip installed), counted **once**, plus the three deltas. The naive row counts the image three
times. The last rows are what `docker system df` reported between the two snapshots.

Are the figures consistent? Each line below is a comparison of measured numbers:
""")

code("""
print(equation.verdict())
""")

md("""
So the lecture's arithmetic holds to the byte. Three containers and their data added exactly the
20,971,520 bytes they wrote, and not one byte of image layers: the Engine stores the image once,
however many containers use it.
""")

code("""
lh.writable.plot_equation(equation)
""")

md("""
### Where the naive figure hides: `docker ps -s`

`docker ps -s` prints two sizes per container: `SIZE`, the writable layer, and in brackets a
**virtual** size, which is the writable layer plus all of the image's layers. The virtual size
answers "how much data does this container see?", not "how much disk does it use". Add up the
virtual sizes of all containers and you count the shared image once per container: exactly the
naive figure (the last check above said so).
""")

code("""
# NBVAL_IGNORE_OUTPUT
equation.virtual_table()
""")

md("""
`docker system df` is the command that counts shared layers once: its `Images` line, `SIZE`
(the `LayersSize` field in the API), sums every layer in the Engine a single time, even when
several images share it. `docker system df -v` also lists each image's `SHARED SIZE`: the part of
it other images use too, such as the base image's layers.

## 4. More containers

Does it hold for 20 containers? Pick a number and a delta and press **Run**: the helper starts
containers `my-scale-01`, `my-scale-02`, ... one at a time, writes the delta into each, measures
after each one (`docker system df -v` and `docker ps -s`), and removes them all at the end. The
plot grows as it goes. The default run (8 containers of 4 MiB each) happens once by itself; each
container takes about a second here, so 20 take about 20 seconds.
""")

code("""
lh.writable.scaling_widget()
""")

md("""
The figures of the last run that do not depend on the image's size (run this cell again after a
run of your own):
""")

code("""
lh.writable.scaling_table()
""")

md("""
Every container added its own delta and nothing else: the image layers grew by 0 B at each step,
and the Engine's total grew by exactly the sum of the writable layers. In the plot, the measured
line (blue) sits on the lecture's equation (dashed) and barely rises, while the naive line (red)
climbs by a whole image per container.

## 5. What a writable layer holds

`docker diff` lists what a container's writable layer holds compared with its image: `A` for a file
or directory **added**, `C` for one **changed**, `D` for one **deleted**.
""")

code("""
lh.writable.changes("my-cont-1")
""")

md("""
`/app/delta.bin` is the file the widget wrote; `/app` is marked as changed because a new entry
appeared in it. The other three lines are not yours. With `--init`, the Engine mounts its
`docker-init` program into the container at `/sbin/docker-init`, and a mount needs an empty file to
sit on; in this image `/sbin` is a link to `/usr/sbin`, so the empty file is
`/usr/sbin/docker-init`, and its directories count as changed. It is 0 bytes, which is why the
writable layer is exactly 4,194,304 bytes.

### Adding, changing and deleting, one at a time

A fresh container, `my-cont-cow`, makes three changes, with `docker diff` and `docker ps -s`
after each:
""")

code("""
lh.writable.change_demo()
""")

md("""
* **Add** a file: the layer grows by the file's size (`hello` and a newline: 6 bytes).
* **Change** a file of the image: appending 10 bytes to the image's 182-byte `app.py` made the
  layer grow by 192 bytes. The image's layers are read-only, so before the first write the storage
  driver copies the **whole file** up into the writable layer, and changes the copy. This is
  **copy-on-write**.
* **Delete** a file of the image: the layer grows by 0 bytes, and the image still holds the file.
  The writable layer only records a marker, "this file is gone", that hides it. Deleting files in
  a container never frees space in its image.

Copy-on-write has a cost worth seeing: the copy is made even when only a file's metadata changes.
The next cell `touch`es the biggest file under `/usr` (only its timestamp changes):
""")

code("""
# NBVAL_IGNORE_OUTPUT
big = lh.writable.touch_biggest_file()
big
""")

code("""
print(big.verdict())
""")

md("""
A timestamp changed, and megabytes moved into the writable layer. A container that writes into
large files from its image (a database file, say) pays for a full copy of each one it touches,
and the I/O to make it. That is one more reason why data that a container writes a lot belongs in a
volume (notebooks 04 to 06).

## 6. The storage driver's view

Where is the writable layer on disk? The storage driver knows; `docker inspect` shows its
directories in the `GraphDriver` section.
""")

code("""
view = lh.writable.storage_view("my-cont-1")
print(view.explanation())
""")

code("""
# NBVAL_IGNORE_OUTPUT
view
""")

md("""
With **overlay2** the kernel's overlay filesystem stacks directories:

* **LowerDir**: read-only directories, one per layer of the image, and on top of them a small
  *init* layer the Engine makes for each container (empty `/etc/hosts`, `/etc/hostname`,
  `/etc/resolv.conf`, ... to mount the real ones on). Every container of `my-image` uses the same
  image directories: this is the sharing the equation relies on.
* **UpperDir**: the writable layer, this container's own directory.
* **MergedDir**: the union the container sees as `/`; a file in the upper directory hides the
  same path below it.
* **WorkDir**: scratch space overlayfs needs to make its copies safely.

Newer Engines can keep images in **containerd's image store** instead: it is the default for a
clean install of Docker Desktop 4.34 or later, and of Docker Engine 29 or later. Then the driver
is called `overlayfs` (a containerd *snapshotter*), `docker inspect` lists no directories, and
the layers live under containerd's own data directory. The line printed two cells up
(`storage driver ...`) says which one your Engine uses; `docker diff`, `docker ps -s` and the
equation work the same with both.

### The delta file in the upper directory

The file the widget wrote should be an ordinary file in `my-cont-1`'s upper directory. When the
notebook runs on the Engine's own machine (native Linux) with root rights, the helper reads that
directory directly (as `sudo find ...` would); otherwise (Docker Desktop, a remote Engine, no
root) it uses the other way, shown after it. The table's caption says which way it took.
""")

code("""
listing = lh.writable.upper_dir("my-cont-1")
listing
""")

code("""
print(listing.verdict())
""")

md("""
There it is: `app/delta.bin`, 4,194,304 bytes, plus the empty mount point of `docker-init`.
`docker ps -s` measures exactly this directory.

The other way needs no access to the Engine's files from where the notebook runs: bind-mount that
one directory, read-only, into a throw-away container (`docker run --rm -v UPPER:/upper:ro ...`).
The path is resolved where the Engine runs, so this should also work inside Docker Desktop's VM
(only tried on native Linux here).
""")

code("""
lh.writable.upper_dir("my-cont-1", via="container")
""")

md("""
And `my-cont-cow`'s upper directory, after its add, change, delete and touch: the changed files
are whole copies, and the deleted one is a **whiteout**, a character device with device number 0/0
that tells overlayfs to hide the file below.
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.writable.upper_dir("my-cont-cow")
""")

md("""
### macOS and Windows

With Docker Desktop all of this happens inside its Linux VM: the layers sit on the VM's virtual
disk, and `/var/lib/docker` does not exist on your Mac or PC. `docker ps -s`, `docker system df
-v` and `docker diff` report the same figures as on Linux, so sections 1 to 5 run unchanged.
Only reading the upper directory from your own machine (section 6) is impossible, because the path
is inside the VM. The helper-container way should reach it there (not tried on Docker Desktop
for this course).

## Quiz
""")

code("""
lh.quiz(
    [
        lh.Question(
            "Three containers run from a 193MB image and wrote 4, 10 and 6 MiB. About how much "
            "does the Engine store for them?",
            ("193MB + 21MB = 214MB", "3 x 193MB + 21MB = 600MB", "21MB"),
            0,
            "The image's layers are stored once and shared; each container adds only its own "
            "writable layer. The Engine's total grew by exactly the sum of the deltas.",
        ),
        lh.Question(
            "`docker ps -s` shows `4.19MB (virtual 197MB)`. What is the 197MB?",
            (
                "The disk this container uses on its own",
                "The writable layer plus the image's layers it sees",
                "The size of the container's logs",
            ),
            1,
            "Virtual = writable layer + image. Adding up virtual sizes counts the shared image "
            "once per container: the naive figure.",
        ),
        lh.Question(
            "A container appends one line to a 100 MB file that came with its image. How much "
            "does its writable layer grow?",
            ("By the line only", "By about 100 MB", "Not at all: the image changes"),
            1,
            "Copy-on-write: the whole file is copied up into the writable layer before the "
            "first change, even for a one-byte change or a touch.",
        ),
        lh.Question(
            "A container deletes a 50 MB file that is part of its image. What happens to the "
            "disk space?",
            (
                "50 MB are freed",
                "Nothing is freed: the image keeps the file, the layer records a whiteout",
                "The image shrinks by 50 MB",
            ),
            1,
            "Image layers are read-only; the writable layer only hides the file with a whiteout "
            "(a 0/0 character device).",
        ),
        lh.Question(
            "dd wrote 4 MiB into a container. What does `docker ps -s` print as its SIZE?",
            ("4MB", "4.19MB", "4MiB"),
            1,
            "4 MiB = 4,194,304 bytes; the CLI prints SI units (1 MB = 1,000,000 bytes) with "
            "three significant digits.",
        ),
    ]
)
""")

md("""
## Exercise: a writable layer of exactly 3,000,000 bytes

In a JupyterLab terminal, using only `docker` commands, make a container **`ex02-box`** from
`my-image` whose writable layer holds **exactly 3,000,000 bytes**, so that `docker ps -s` prints
its size as `3MB`. Give it the lab's label (`--label io.labhelpers.managed=true`) so that the
lab's cleanup removes it later.

Hint: `docker run -d --init --name ex02-box --label io.labhelpers.managed=true my-image`, then
`docker exec ex02-box dd if=/dev/zero of=/app/data.bin bs=... count=...`, and check with
`docker ps -s --filter name=ex02-box`. Mind the units: for GNU `dd`, `bs=1M` is 1,048,576 bytes
and `bs=1MB` is 1,000,000 bytes.
""")

code("""
# Your commands go in a terminal; or prefix them with ! here, e.g. !docker ps -s
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.writable.check_three_megabytes()
""")

code("""
lh.show_solution("solutions/02-writable-layer.sh")
""")

md("""
## What you measured

* A new container's writable layer is empty; it grows by exactly the bytes the container
  writes (4 MiB = 4,194,304 bytes, printed as 4.19MB).
* The image's layers are stored once. With three containers, the Engine's total grew by the sum
  of the deltas and its image layers by 0 B, to the byte, as the lecture's equation says; the
  naive figure (and the sum of `docker ps -s`'s virtual sizes) counts the image once per
  container; the scaling run shows the two growing apart with every container you add.
* `docker diff` lists what a writable layer holds. Changing an image's file copies the whole file
  into the writable layer; deleting one only hides it.
* With overlay2 the writable layer is the container's `UpperDir`, an ordinary directory on the
  Engine's disk, and `docker ps -s` measures exactly what is in it.

The containers stay (notebook 99 removes them). Notebook 03 tests the lecture's next claim: that
the data in a writable layer is lost when the container **stops**.
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
