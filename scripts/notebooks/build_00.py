"""Write notebooks/00-check-your-lab.ipynb (without outputs).

Run it, then execute the notebook in place so it holds real outputs from the Engine:

    .venv/bin/python scripts/notebooks/build_00.py
    cd notebooks && flock /tmp/lab-engine.lock ../.venv/bin/jupyter nbconvert --to notebook \
        --execute --inplace 00-check-your-lab.ipynb
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NAME = "00-check-your-lab"
OUT = Path(__file__).resolve().parents[2] / "notebooks" / f"{NAME}.ipynb"

cells: list = []


def md(text: str) -> None:
    cells.append(new_markdown_cell(text.strip()))


def code(text: str) -> None:
    cells.append(new_code_cell(text.strip()))


md("""
# 00 · Check your lab

Every notebook in this course talks to a real Docker Engine and measures what it does: sizes of
layers, what survives `docker rm`, where a volume keeps its files. This first notebook makes sure
that Engine is there and ready, and tells you what kind of machine it runs on, because that
decides where your containers' data really sits.

You will:

1. run the lab's doctor and read what each line means;
2. find out whether your Engine runs natively on Linux or inside a virtual machine, and what that
   means for `/var/lib/docker`;
3. meet the two kinds of drivers that store data: the storage driver and volume drivers;
4. prepare what the later notebooks need, with a progress bar;
5. do a first exercise in a terminal, and a short quiz.

Each code cell runs one step. Run them in order with **Shift+Enter**.
""")

code("""
# NBVAL_IGNORE_OUTPUT
import labhelpers as lh

lh.start_lesson("00-check-your-lab")
""")

md("""
## 1. The doctor

The doctor asks the Engine the same questions `docker version` and `docker info` answer, and
checks that the course's base image is available. In a terminal, `make doctor` prints the same
report.

`OK` means fine, `WARN` means the lessons run but some figures may differ from the text, and
`FAIL` means something must be fixed first: its advice says what to do.
""")

code("""
# NBVAL_IGNORE_OUTPUT
report = lh.check()
report
""")

md("""
Versions and free disk space change from machine to machine, so the table above is yours alone.
Here is what each line means on **your** platform:
""")

code("""
# REPLAY_IGNORE_OUTPUT (in a replay the Mode line says "replay")
lh.lab_check.explain(report)
""")

md("""
If something blocks the course, the next cell stops here and says what to do. Otherwise it says
you are ready.
""")

code("""
lh.lab_check.require_ready(report)
""")

md("""
## 2. Native Linux, or a virtual machine?

Containers are Linux processes: they share the kernel of the machine they run on, and rely on
Linux features (namespaces, cgroups, overlay filesystems) to stay apart. So a Docker Engine
always runs on a Linux kernel:

* on **Linux**, the Engine runs directly on your machine's kernel. Its files are ordinary
  directories on your disk;
* on **macOS and Windows**, which have no Linux kernel, **Docker Desktop** starts a small Linux
  virtual machine and runs the Engine in there: on macOS with Apple's Virtualization framework
  (older versions used HyperKit), on Windows with WSL 2. The `docker` command on your laptop is a
  client that talks to the Engine inside that VM.

(Docker Desktop also exists for Linux, and it too runs the Engine in a VM. A plain Docker Engine
is the lighter choice there.)

The Engine reports which operating system *it* runs on, which is not necessarily yours:
""")

code("""
facts = report.facts
facts.platform_kind, facts.os_name, facts.docker_root_dir
""")

md("""
`platform_kind` is the doctor's verdict: `native-linux`, `docker-desktop`, `wsl2` or `rootless`.
`os_name` is `docker info`'s *Operating System* line: on Docker Desktop it names Desktop's VM, not
macOS or Windows. `docker_root_dir` is the Engine's data root, where it keeps everything it
stores.

### Where does `/var/lib/docker` live?

On native Linux the data root is a directory on this machine's disk, readable by root. On Docker
Desktop it is on the VM's own disk: Finder, Explorer or a terminal on your laptop cannot list it,
however hard you look. You reach that data through Docker itself instead: `docker volume inspect`,
a container that mounts the volume (`docker run -v my-vol:/data ...`), or `docker cp`. Later
notebooks do exactly that.

Here is what the data root holds, if this notebook can see it:
""")

code("""
lh.lab_check.list_data_root(facts)
""")

md("""
Three of these directories are the heart of this course: `overlay2` (image layers and each
container's writable layer), `image` (which layers make up which image) and `volumes` (the
`local` driver's volumes). On macOS or Windows the cell above explains why it cannot list them.

## 3. Two kinds of drivers

The Engine stores data through two kinds of pluggable parts:

* the **storage driver** builds each container's filesystem: the image's read-only layers,
  stacked, with one thin writable layer on top that belongs to that container alone. Whatever a
  container writes outside a mount lands in that writable layer, and `docker rm` deletes it.
  `overlay2` (the kernel's OverlayFS) is the default on current Linux systems; older or special
  setups used `aufs`, `btrfs`, `zfs` or `devicemapper`;
* **volume drivers** provide storage that lives apart from any one container and outlasts it.
  The built-in driver is `local` (a directory under the data root, or a mount it makes for you);
  plugins add network shares and cloud disks.

`docker info` shows the storage driver under *Storage Driver* and the volume drivers under
*Plugins > Volume*. Yours:
""")

code("""
facts.storage_driver, facts.volume_drivers
""")

md("""
The lines `docker info` prints under *Storage Driver* add details: which filesystem holds the
layers (*Backing Filesystem*; `extfs` is the ext2/3/4 family) and whether it supports what
overlay2 needs.
Notebook 04 looks at both kinds of drivers in depth.
""")

code("""
facts.driver_status
""")

md("""
## 4. Prepare the lab

The later notebooks need three things:

1. a **base image** for the lesson's Dockerfile. The lecture uses an official `python` image;
   where no registry can be reached, the lab uses an equivalent built from Debian packages by
   `scripts/provision-engine`;
2. the lesson's **build context**: a `Dockerfile` and `app.py`, written into the folder
   `my-app/` next to this notebook, where you can open and edit them (the lab keeps your edits);
3. the lesson's image **`my-image`**, built from that folder. The first build runs
   `pip install flask`, which downloads Flask from the Python package index (reachable even
   where no Docker registry is); later builds reuse the builder's cache.

The next cell does all three with a progress bar. If a line of its table says `MISSING`, do what
its last column says, then run the cell again.
""")

code("""
preparation = lh.lab_check.prepare_with_progress("my-app", tag="my-image")
preparation
""")

code("""
preparation.ready
""")

md("""
Every container and volume the lab creates carries the label `io.labhelpers.managed=true`; an
image it builds carries `io.labhelpers.managed=image:REPO:TAG` (the build command above shows it;
notebook 99 explains why). The lab's cleanup (`make cleanup`, or notebook 99) removes only what
has that label, and a container, volume or
image of yours with a name the lab wants makes the lab stop with a message instead of touching it.

## 5. Exercise: a volume of your own

Open a terminal (**File > New > Terminal** in JupyterLab) and use the plain `docker` command:

1. Find your Engine's storage driver with `docker info`.
2. Create a volume named **`my-first-volume`**, made by the **`local`** driver, with two labels:
   the lab's `io.labhelpers.managed=true` (so the lab's cleanup removes it later), and
   `storage-driver=<the driver you found>`.
3. Ask Docker where the volume keeps its data, with `docker volume inspect`.

*Hint:* `docker info --format '{{.Driver}}'` prints only the driver; `docker volume create --help`
lists the `--driver` and `--label` options (`--label` can be given more than once). A volume's
labels cannot be changed later: if you get one wrong, `docker volume rm my-first-volume` and
create it again.

Use the empty cell below for notes (or run commands from it by starting a line with `!`). Then
run the check cell after it.
""")

code("")

code("""
lh.lab_check.check_first_volume()
""")

code("""
lh.show_solution("solutions/00-check-your-lab.sh")
""")

md("""
## 6. Check your understanding

Pick an answer and press **Check**.
""")

code("""
lh.quiz(
    [
        lh.Question(
            "On a Mac with Docker Desktop, where is the directory /var/lib/docker?",
            (
                "In the Mac's own /var/lib/docker",
                "On the disk of the Linux VM that Docker Desktop runs",
                "In the cloud, at Docker Hub",
            ),
            1,
            "The Engine needs a Linux kernel, so Docker Desktop runs it inside a Linux VM, and "
            "its data root lives on that VM's disk. Reach it through docker commands.",
        ),
        lh.Question(
            "A container writes a log file to a path that is not a mount. Which part of the "
            "Engine keeps that file?",
            ("The storage driver, in the container's writable layer", "The local volume driver"),
            0,
            "Writes outside mounts go to the container's own writable layer, which the storage "
            "driver (overlay2 here) manages. Volume drivers only see mounted volumes.",
        ),
        lh.Question(
            "The lab's cleanup finds a volume called my-vol without the io.labhelpers.managed "
            "label. What does it do?",
            ("Removes it: the name is the lecture's", "Leaves it alone: it is yours"),
            1,
            "Cleanup selects by label only, never by name, so your own resources are never "
            "touched even when their names match the lecture's.",
        ),
    ]
)
""")

md("""
## Next

Notebook **01 · Image layers** builds `my-image` step by step with a live progress bar and
measures which Dockerfile instructions add layers, and how much each weighs.
""")


def main() -> None:
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.write(notebook, OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
