"""Write notebooks/04-storage-and-volume-drivers.ipynb (without outputs).

Run it, then execute the notebook in place so it holds real outputs from the Engine:

    .venv/bin/python scripts/notebooks/build_04.py
    cd notebooks && flock /tmp/lab-engine.lock ../.venv/bin/jupyter nbconvert --to notebook \
        --execute --inplace 04-storage-and-volume-drivers.ipynb
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NAME = "04-storage-and-volume-drivers"
OUT = Path(__file__).resolve().parents[2] / "notebooks" / f"{NAME}.ipynb"

cells: list = []


def md(text: str) -> None:
    cells.append(new_markdown_cell(text.strip()))


def code(text: str) -> None:
    cells.append(new_code_cell(text.strip()))


md("""
# 04 · Storage drivers and volume drivers

A container's files are looked after by two different parts of the Engine:

* the **storage driver** builds each container's root filesystem out of the image's read-only
  layers plus one writable layer of its own. Whatever lands only there disappears with
  `docker rm`;
* a **volume driver** provides the storage that is meant to outlive containers. The built-in one
  is called `local`; plugins can add others (network shares, cloud disks).

In this notebook you will read both from your own Engine, see which filesystem answers for
each path inside a running container, run the `local` driver with options (a volume held in
memory) and follow what happens to its files, look at drivers that need a server or a cloud
account (shown, **not run**), and map it all to Kubernetes, which the next lecture (Day 25) is
about.

Sizes are printed the way `docker` prints them: SI units, so 1 MB is 1,000,000 bytes.
""")

code("""
# NBVAL_IGNORE_OUTPUT
import labhelpers as lh

lh.start_lesson("04-storage-and-volume-drivers")
""")

md("""
This notebook does not need notebook 01 to have run: the next cell builds the lesson's image
`my-image` if your Engine does not have it yet (that takes a minute the first time).
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.ensure_lesson_image()
""")

md("""
## 1. Which storage driver does your Engine use?

`docker info` answers under `Storage Driver:`, followed by a few indented lines that depend on the
driver. The helper runs the same query and says what each line means.
""")

code("""
lh.drivers.storage_driver()
""")

md("""
`overlay2` is the Linux kernel's OverlayFS: it stacks directories on top of each other and shows
the stack as one tree. It needs a backing filesystem that records file types in its directory
entries (`Supports d_type: true`); ext4 and xfs do.

If you use Docker Desktop, or a fresh Docker Engine 29 or newer, you may see `overlayfs` with a
`driver-type` line of `io.containerd.snapshotter.v1` instead. That means containerd keeps the
images (the *containerd image store*). Underneath it is still OverlayFS, and everything in this
notebook applies the same way.

The lecture lists a few drivers; here is where each stands today:
""")

code("""
lh.drivers.STORAGE_DRIVERS
""")

md("""
## 2. The storage driver at work, and the volume driver beside it

To compare the two in one place, start a container with two volumes:

* `disk-vol`: a plain `local` volume (a directory on the Engine's disk);
* `ram-vol`: a `local` volume with driver options that make it a tmpfs, held in memory
  (`--opt type=tmpfs --opt device=tmpfs --opt o=size=64m`).
""")

code("""
lh.create_volume("disk-vol")
""")

code("""
lh.drivers.create_tmpfs_volume("ram-vol")
""")

code("""
demo = lh.run_container(
    "drivers-demo",
    mounts=[lh.volume_mount("disk-vol", "/data"), lh.volume_mount("ram-vol", "/scratch")],
)
""")

md("""
`docker inspect` shows the storage driver's side under `GraphDriver`: the read-only lower
directories, the writable upper directory, and the merged directory the container sees as `/`.
""")

code("""
stack = lh.drivers.layer_stack("drivers-demo")
stack
""")

md("""
There is one lower directory more than the image has layers. The extra one is the container's
*init layer*: the Engine puts placeholders for `/etc/hosts`, `/etc/hostname` and
`/etc/resolv.conf` in it. Everything the container writes goes into the single upper directory:
that is the writable layer of notebooks 01 to 03.

Now ask the container itself which filesystem answers for `/`, `/data` and `/scratch`
(`df -T` prints the filesystem type):
""")

code("""
paths = lh.drivers.filesystems("drivers-demo")
paths
""")

md("""
Three paths in one directory tree, three different filesystems:

* `/` is `overlay`: the storage driver's merged view of the layers;
* `/data` is the disk that holds the Engine's data root. The `local` driver did nothing clever:
  it made a directory under `/var/lib/docker/volumes/disk-vol/_data` and mounted that directory
  into the container. Its capacity is the whole disk's;
* `/scratch` is `tmpfs`, capped at 64 MiB (67.1MB in SI), because that is what the driver
  options asked `mount` for.

The same thing as a picture, drawn from the numbers above:
""")

code("""
lh.drivers.plot_storage(stack, paths)
""")

md("""
## 3. Which volume drivers are installed?

`docker info` lists the built-in volume drivers under `Plugins: Volume:`; drivers added with
`docker plugin install` show up in `docker plugin ls`.
""")

code("""
lh.drivers.volume_drivers()
""")

md("""
On a fresh Engine that is just `local`. Every volume records the driver that made it, and
`docker volume inspect` shows it together with the options it was created with:
""")

code("""
lh.inspect_volume("ram-vol")
""")

md("""
## 4. A volume held in memory: how long does it keep your files?

The `local` driver hands `type`, `device` and `o` straight to the kernel's `mount`. With
`type=tmpfs` the volume lives in RAM. The question is *when* that memory is emptied. The
lecture's table says tmpfs data is lost on restart, but that table is about `--tmpfs` mounts
(notebook 06 measures those); a tmpfs-backed *volume* is a different thing. So the next cell
measures it: it writes `note.txt` into a fresh tmpfs-backed volume `ram-life`, then shares it
between two containers, removes one, stops and starts the other, and checks after each step
whether the file is there and whether the host has the tmpfs mounted.
""")

code("""
lh.drivers.tmpfs_volume_lifetime()
""")

md("""
What the table shows:

* while containers that use the volume are **running**, they share its files, like any volume;
  removing one of them changes nothing for the others;
* the Engine mounts the tmpfs on the host (at the volume's mountpoint under
  `/var/lib/docker/volumes/`) when the first container using it starts, and unmounts it when
  the last one stops. Unmounting a tmpfs throws its content away;
* so a plain `docker stop` of the last user empties it, even though the container and the volume
  both still exist. Anything that stops that container (a crash, a reboot of the host) does the
  same. Compare: a normal volume, and even a container's writable layer, survive `docker stop`.

Good uses: scratch space shared by cooperating containers, or data that should not be written
to the disk (though the kernel may still swap tmpfs pages out).

One more difference you can measure: `docker system df -v` leaves volumes created with driver
options out altogether, so their size is not reported:
""")

code("""
lh.named_volumes.volume_usage(["disk-vol", "ram-vol"])
""")

md("""
## 5. Drivers that need a server or a cloud account (not run here)

The lecture names NFS, AWS EBS and Azure Disks. None of them can run in this lab (there is no NFS
server and no cloud account), so here they are as the exact commands you would type, clearly
marked as **not run**, with what each needs and its Kubernetes counterpart.
""")

code("""
lh.drivers.driver_examples_table()
""")

md("""
Pick a driver to see its commands:
""")

code("""
lh.drivers.driver_explorer()
""")

md("""
Two things worth knowing before you reach for them:

* NFS and SMB/CIFS shares need no plugin at all: the `local` driver mounts them with
  `--opt type=nfs` or `--opt type=cifs`, exactly as it mounted the tmpfs above. The mount happens
  on the Engine's host when a container first uses the volume (on Docker Desktop: inside its VM).
* The cloud-storage plugins for plain Docker (REX-Ray for EBS; Docker's own cloudstor, which
  served Azure File Storage and AWS EFS/EBS in Docker for Azure/AWS) are no longer developed.
  Today cloud disks are mostly used from Kubernetes, through CSI drivers (see section 7).
""")

md("""
## 6. macOS, Windows and WSL 2

Containers need a Linux kernel, so on macOS and Windows, Docker Desktop runs the Engine in a small
Linux VM (Apple's Virtualization framework on macOS, WSL 2 on Windows). Everything above happens
inside that VM: `overlay2`, the volume directories under `/var/lib/docker/volumes`, the tmpfs
mounts. None of it is on your Mac's or PC's own disk. On macOS you cannot reach those paths from
Finder at all; on Windows, Explorer can browse the WSL 2 distribution's files through a
`\\\\wsl$\\...` or `\\\\wsl.localhost\\...` share, whose exact path depends on the Docker Desktop
version. A container or `docker cp`, as notebook 05 shows, works everywhere. Docker Desktop on
Linux runs such a VM too, which is why the plain Engine is the usual choice there.

What does change per platform is how you name a **host** folder in a bind mount:

| where you type it | example |
|---|---|
| macOS terminal | `docker run -v /Users/you/data:/app/data my-image` |
| Windows PowerShell or cmd | `docker run -v C:\\Users\\you\\data:/app/data my-image` |
| a WSL 2 distribution's shell | `docker run -v ~/data:/app/data my-image` |

From WSL 2, keep the files inside the distribution (`~/data`): a Windows folder reached as
`/mnt/c/Users/you/data` works too, but file access across that boundary is much slower.

Your Engine reports what kind of platform it runs on:
""")

code("""
lh.drivers.storage_driver().platform_kind
""")

md("""
## 7. From Docker to Kubernetes

The next lecture (Day 25) moves this to Kubernetes. The roles stay the same, only the names change:
""")

code("""
lh.drivers.CONCEPTS
""")

md("""
Notebook 05 creates the named volume `my-vol` and runs `my-cont-1` with it at `/app`. In
Kubernetes the volume becomes a PersistentVolumeClaim, and the container a Pod that mounts the
claim. (Shown, not applied: this lab has no cluster.)
""")

code("""
print(lh.drivers.kubernetes_manifests(volume="my-vol", container="my-cont-1", mount_path="/app"))
""")

md("""
Read the comment on `mountPath`. In notebook 05 you will see Docker copy the image's `/app`
(with `app.py`) into the empty `my-vol` the first time it is mounted there. Kubernetes never
does that: the claim would hide `app.py` and `python app.py` would fail to start. In Pods, mount
volumes on data directories, not over the application's code.
""")

md("""
## Quiz
""")

code("""
lh.quiz(
    [
        lh.Question(
            "A container writes a file to a path that is not a mount. Who stores it?",
            (
                "The local volume driver",
                "The storage driver, in the container's writable layer",
                "The image",
            ),
            1,
            "Paths that are not mounts belong to the container's root filesystem, which the "
            "storage driver (overlay2 here) assembles: the file goes to the upper directory.",
        ),
        lh.Question(
            "The only container using a tmpfs-backed local volume is stopped, then started. "
            "What is in the volume?",
            ("The files from before", "Nothing: it starts empty", "Only files under 64 MB"),
            1,
            "The Engine unmounts the tmpfs when its last user stops, and an unmounted tmpfs "
            "keeps nothing (section 4 measured it).",
        ),
        lh.Question(
            "Which needs a plugin installed with `docker plugin install`?",
            ("An NFS share", "An SMB/CIFS share", "An AWS EBS disk"),
            2,
            "The local driver mounts NFS and CIFS shares through mount options; a cloud disk "
            "must be created and attached through the cloud's API, which a plugin does.",
        ),
        lh.Question(
            "In Kubernetes, what plays the part of `docker volume create my-vol`?",
            ("A PersistentVolumeClaim", "An emptyDir", "The container runtime's snapshotter"),
            0,
            "The claim asks for storage by name; a StorageClass and its CSI driver provision "
            "the PersistentVolume behind it.",
        ),
    ]
)
""")

md("""
## Exercise: a RAM volume, with the plain CLI

In a JupyterLab terminal (File → New → Terminal), using only `docker` commands:

1. create a volume named **`ex04-ram`** with the `local` driver, held in tmpfs, with a size
   limit of **32m**;
2. run a container named **`ex04-box`** from `my-image` that mounts it at **`/scratch`** and keeps
   running (`sleep infinity` as its command);
3. look at it from inside with `docker exec ex04-box df -h /scratch`.

Hint: section 2 printed the `docker volume create` command with its three `--opt` flags. Add
`--label io.labhelpers.managed=true` to both commands if you want notebook 99 to clean them up.
""")

code("""
# Your commands go in a terminal; or prefix them with ! here, e.g. !docker volume ls
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.drivers.check_ram_volume()
""")

code("""
lh.show_solution("solutions/04-storage-and-volume-drivers.sh")
""")

md("""
## What you measured

* The storage driver (`overlay2` here) assembles each container's `/` from read-only layers plus
  one writable upper directory; volume mounts sit on top of that tree and bypass it.
* A plain `local` volume is a directory on the Engine's disk; with `--opt type=tmpfs` it is
  memory that is emptied whenever its last running user stops.
* Drivers for network shares and cloud disks follow the same `docker volume create --driver ...
  --opt ...` pattern; in Kubernetes their role goes to CSI drivers, and a named volume becomes
  a PersistentVolumeClaim.

Next, notebook 05 runs the lecture's named-volume demo end to end.
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
