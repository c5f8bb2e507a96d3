"""Write notebooks/99-clean-up.ipynb (without outputs).

Run it, then execute the notebook in place so it holds real outputs from the Engine (always with
the Engine lock held: this notebook removes every lab resource, of every session):

    .venv/bin/python scripts/notebooks/build_99.py
    cd notebooks && flock /tmp/lab-engine.lock ../.venv/bin/jupyter nbconvert --to notebook \
        --execute --inplace 99-clean-up.ipynb
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NAME = "99-clean-up"
OUT = Path(__file__).resolve().parents[2] / "notebooks" / f"{NAME}.ipynb"

cells: list = []


def md(text: str) -> None:
    cells.append(new_markdown_cell(text.strip()))


def code(text: str) -> None:
    cells.append(new_code_cell(text.strip()))


md("""
# 99 · Clean up

The course created images, containers and volumes in your Docker Engine. This notebook lists
them with their sizes, removes them, reports the space that came back, and checks that nothing
else changed.

How it tells them apart: every container, volume and network the lab creates carries the label
`io.labhelpers.managed=true`, and every image it builds `io.labhelpers.managed=image:TAG`
(section 2 says why). The cleanup selects **by that label only**, never by name. Your
own containers, volumes and images have no such label, so they are not selected, whatever they
are called. The base image that `make provision` built (`labhelpers/python-base:bookworm`) has a
label of its own and is kept as well, so that the next run of the course does not have to
build it again.
""")

code("""
# NBVAL_IGNORE_OUTPUT
import labhelpers as lh

lh.start_lesson("99-clean-up")
""")

md("""
## 1. What the lab has in the Engine

The helper runs the four list commands below with the label as a filter, and takes the sizes from
`docker system df -v`: for a container, its writable layer; for a volume, its data; for an image,
the bytes it does not share with another image. A `?` means the Engine reports no size: it leaves
volumes made with driver options (such as notebook 04's tmpfs-backed ones) out of
`docker system df`. What you see depends on which notebooks you ran, so this list differs from
machine to machine.
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.cleanup_view.inventory()
""")

md("""
## 2. A catch: labels are inherited

A label on an image is copied to every container created from it, and to every image built on
top of it. So if `my-image` simply carried `io.labhelpers.managed=true`, a container you start
yourself with `docker run my-image` would look like the lab's, and this cleanup would remove it.
The lab avoids that: images it builds carry `io.labhelpers.managed=image:TAG` (the tag it built),
and only `true` marks a lab container. The next cell creates a container from `my-image`
**without** any `--label`, looks at its labels, and removes it again:
""")

code("""
lh.cleanup_view.label_inheritance()
""")

md("""
The inherited value is `image:my-image:latest`, not `true`: the container stays yours. An image
you build `FROM my-image` inherits the same value under a tag of its own (`mine:latest`, say),
and a tag that differs from the one in the label marks it as yours too. Only an image with no
tag left at all (superseded by a rebuild) counts as the lab's when its label says so. In the
exercises you add `--label io.labhelpers.managed=true` on purpose, so that this notebook cleans
up after them.

## 3. Exercise: clean up one notebook with the plain CLI

Before the lab cleans up everything, do part of it yourself, the way you would on the exam: with
`docker` commands and label filters, in a JupyterLab terminal. Remove every container and every
volume that notebook 07 created. Each of them carries the label
`io.labhelpers.notebook=07-sharing-data`.

Hint: `docker ps -a -q --filter label=...` prints only the ids of the matching containers, and
`docker rm -f -v` takes several ids at once; then do the same for volumes with
`docker volume ls -q --filter label=...` and `docker volume rm`. Remove the containers first: a
volume that a container still uses cannot be removed.
""")

code("""
# Your commands go in a terminal; or prefix them with ! here, e.g. !docker ps -a --filter label=...
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.cleanup_view.check_cli_cleanup()
""")

code("""
lh.show_solution("solutions/99-clean-up.sh")
""")

md("""
## 4. Before removing anything: a snapshot of everything else

To show afterwards that the cleanup touched nothing of yours, first note every container, volume,
image and network that does **not** carry the lab's label: its id, name and, for containers,
state. And measure the Engine's disk use, split into the lab's share and the rest.
""")

code("""
others_before = lh.cleanup_view.unlabelled_snapshot()
""")

code("""
# NBVAL_IGNORE_OUTPUT
others_before
""")

code("""
space_before = lh.cleanup_view.space("before")
""")

md("""
## 5. Remove everything the lab made

`REMOVE_NOW = True` removes at once when you run the next cell (so "Run All" cleans up). Set it
to `False` to see first what would go; the panel then waits for you to press its button.

The removal order matters: containers first (`docker rm -f -v`, which takes their anonymous
volumes along), then networks, then volumes, then images.
""")

code("""
REMOVE_NOW = True  # False: only list what would go, and wait for the button
""")

code("""
lh.cleanup_view.cleanup_panel(remove_now=REMOVE_NOW)
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.cleanup_view.last_cleanup()
""")

md("""
The space reclaimed is measured, not added up: `docker system df` before and after, compared.
It need not match the inventory's total. An image's size there leaves out the layers it shares
with other images; layers shared only among the lab's images are freed when the last of them
goes, while the base image's layers stay with the base image.

## 6. After

Everything with the lab's label is gone:
""")

code("""
lh.cleanup_view.inventory()
""")

code("""
space_after = lh.cleanup_view.space("after")
""")

code("""
lh.cleanup_view.plot_space(space_before, space_after)
""")

md("""
## 7. The proof: nothing else changed

Take the same snapshot of everything without the lab's label again and compare it with the one
from before the removal, resource by resource.
""")

code("""
# NBVAL_IGNORE_OUTPUT
proof = lh.cleanup_view.compare(others_before, lh.cleanup_view.unlabelled_snapshot())
proof
""")

code("""
print(proof.verdict())
""")

md("""
## 8. What is left for you to do

* The lab's files on this machine are not Docker resources, so the cleanup leaves them: the
  folders `my-app/` and `workspace/` next to the notebooks (build contexts, bind-mount
  demos, your backups). Delete them with `rm -rf my-app workspace` when you no longer need them.
* From a terminal, `make cleanup` (or `python -m labhelpers cleanup`) does what this notebook
  did; `python -m labhelpers cleanup --include-base-image` removes
  `labhelpers/python-base:bookworm` as well.
* `docker system prune` is a different tool: it removes *every* stopped container, unused
  network and dangling image, and unused build cache, whoever made them (and, with `--volumes`,
  unused volumes). It knows nothing about labels unless you give it a `--filter`.

On Docker Desktop (macOS, Windows) all of this happens inside the Linux VM. Removing resources
frees space on the VM's virtual disk; the disk image file on your computer may not shrink at
once.
""")

md("""
## Quiz
""")

code("""
lh.quiz(
    [
        lh.Question(
            "Why does the lab select what to remove by label, not by name?",
            (
                "Labels are faster to look up",
                "A name can belong to something of yours; the label is only on what the lab made",
                "Names cannot be used as filters",
            ),
            1,
            "Names are chosen by people and can clash; the lab refuses to touch a name it did "
            "not label, and cleans up only what carries its label.",
        ),
        lh.Question(
            "You built `mine` with `FROM my-image`, without any --label. Will the lab's cleanup "
            "remove it?",
            (
                "No: it inherits the label, but with my-image's tag in it, not its own",
                "Yes: it inherits my-image's labels",
                "Only with --all",
            ),
            0,
            "Labels are inherited (section 2 measured it), which is why the lab's images carry "
            "managed=image:TAG, naming the tag the lab built. `mine` has another tag, so the "
            "lab leaves it alone.",
        ),
        lh.Question(
            "Which command removes a stopped container of yours together with its anonymous "
            "volumes?",
            ("docker rm -v NAME", "docker volume prune NAME", "docker stop -v NAME"),
            0,
            "`-v` on `docker rm` removes the container's anonymous volumes (not named ones).",
        ),
        lh.Question(
            "What does `docker system prune` remove?",
            (
                "Only what a label selects",
                "Stopped containers, unused networks and dangling images, whoever made them",
                "Everything, including running containers",
            ),
            1,
            "Add `--filter label=...` to limit it; `--volumes` adds unused volumes.",
        ),
    ]
)
""")

md("""
## What you did

* Listed everything carrying the lab's `io.labhelpers.managed` label, with sizes, using label
  filters.
* Saw that labels are inherited, and how the lab's label values keep what you start from its
  images yours.
* Removed the lab's resources (containers first, with `-v`), and measured the space reclaimed.
* Compared a snapshot of everything else before and after: untouched.

That is the end of the course's Docker part. The next lesson moves these ideas to Kubernetes:
PersistentVolumes, PersistentVolumeClaims and CSI drivers (notebook 04 showed the first YAML).
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
