"""Write notebooks/03-stop-start-remove.ipynb (without outputs).

Run it, then execute the notebook in place so it holds real outputs from the Engine:

    .venv/bin/python scripts/notebooks/build_03.py
    cd notebooks && flock /tmp/lab-engine.lock ../.venv/bin/jupyter nbconvert --to notebook \
        --execute --inplace 03-stop-start-remove.ipynb
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NAME = "03-stop-start-remove"
OUT = Path(__file__).resolve().parents[2] / "notebooks" / f"{NAME}.ipynb"

cells: list = []


def md(text: str) -> None:
    cells.append(new_markdown_cell(text.strip()))


def code(text: str) -> None:
    cells.append(new_code_cell(text.strip()))


md("""
# 03 · Stop, start, remove: when is a container's data really lost?

Notebook 02 measured the writable layer: each container's own delta on top of the shared image.
The lecture goes on to warn that this delta is fragile. Its example: if Container 2 **stops**, the
10 MB in its writable layer are gone, and that is why volumes exist.

For `docker stop` the claim is wrong; it is right for `docker rm`, and for a tmpfs mount even a
stop empties it. The difference matters in practice. This notebook tests it on your
Engine with `my-cont-2`, the lecture's Container 2: it writes 10 MiB into its writable layer and a
note into a **tmpfs** mount (a directory held in memory), then goes through `docker stop`,
`docker start`, `docker restart`, `docker rm` and a new `docker run`. After every step the helper
looks for the data and measures the writable layer (`docker ps -s`) and the Engine's total
(`docker system df`).
""")

code("""
# NBVAL_IGNORE_OUTPUT
import labhelpers as lh

lh.start_lesson("03-stop-start-remove")
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.ensure_lesson_image()
""")

md("""
## 1. First: why the lab's containers stop at once

`docker stop` sends the container's main process (PID 1) the signal **SIGTERM**, waits up to
10 seconds for it to exit, and then sends **SIGKILL**, which cannot be refused. In `my-image`
the main process is `python app.py`, and Python installs no handler for SIGTERM. In an ordinary
process that is fine: with no handler, SIGTERM's default action ends the process. But the
first process of a container is the *init* process of its PID namespace, and the kernel does not
apply default actions to an init process: a signal it has no handler for is simply ignored. So
the app ignores the polite request, and `docker stop` sits out its 10 seconds.

The fix the lab uses is `docker run --init`: the Engine starts a tiny init program
(`docker-init`, which is *tini*) as PID 1, and it starts the app as its child. The init program
passes SIGTERM on to the app, which is no longer PID 1, so the default action applies and it
exits at once. (Other fixes: the app handles SIGTERM itself, or the image says `STOPSIGNAL` with a
signal the app handles.)

The next cell measures both: the same image, with and without `--init`. It takes about 10
seconds.
""")

code("""
# NBVAL_IGNORE_OUTPUT
timing = lh.lifecycle.stop_timing()
timing
""")

code("""
print(timing.verdict())
""")

md("""
The exit codes tell the story: a process ended by a signal exits with 128 + the signal's number,
so 143 is SIGTERM (15) and 137 is SIGKILL (9). Every container in the course runs with `--init`,
so a `docker stop` below takes a fraction of a second. (Kubernetes has the same two-step stop,
with a 30-second grace period by default.)

## 2. Write, stop, measure, start, read back

`step("run")` starts `my-cont-2` with a tmpfs mount at `/scratch`, and begins a new timeline of
steps. The tmpfs is a filesystem in memory: what is written there never touches the writable
layer or the disk.
""")

code("""
lh.lifecycle.step("run")
""")

md("""
Now write: 10 MiB of data to `/app/delta.bin` and the lecture's sentence to `/app/note.txt`, both
in the writable layer, and a line to `/scratch/note.txt` in the tmpfs.
""")

code("""
lh.lifecycle.step("write")
""")

md("""
The writable layer holds 10,485,782 bytes: the 10,485,760 of `delta.bin` plus 22 for the note
(21 characters and a newline). The tmpfs note is not counted: it is in memory, not in the layer.
The Engine's total grew by exactly as much as the layer.

Now the step the lecture warns about: **stop** the container.
""")

code("""
lh.lifecycle.step("stop")
""")

md("""
The container has exited, and its data is still there:

* `docker exec` does not work on a stopped container, so the helper read the files with
  `docker cp`, which does: the Engine mounts the container's filesystem just for the copy.
  `delta.bin` is there with all its bytes, and the note reads the same.
* `docker ps -s` still reports the same writable layer, to the byte, and `docker system df`'s
  total did not change at all. Stopping a container ends its processes; it does not touch its
  writable layer, which stays on the Engine's disk.
* The tmpfs, on the other hand, is not mounted while the container is stopped. Its memory was
  released when the container stopped.

Start it again and look:
""")

code("""
lh.lifecycle.step("start")
""")

md("""
Everything in the writable layer **survived** the stop and the start: same file, same size,
same note. The tmpfs is mounted again, but **empty**: its note did not survive. So the lecture's
warning holds for tmpfs mounts (and for anything only in the app's memory), not for the writable
layer.

## 3. Remove: now the data is gone, and the space comes back

`docker rm -f` stops the container if it runs, and deletes it, writable layer included.
""")

code("""
lh.lifecycle.step("remove")
""")

code("""
print(lh.lifecycle.reclaimed())
""")

md("""
That is the real end of the delta: `docker rm`. The Engine gave back exactly the bytes the
writable layer held, and nothing can bring them back. A new container of the same name (the
buttons in section 5 do that) gets a new, empty writable layer.

## 4. Where the lecture's warning comes from

"Stopped" and "removed" are easy to confuse, because several everyday tools turn one into the
other:

* `docker run --rm` removes the container as soon as it stops. Measured:
""")

code("""
lh.lifecycle.removed_on_stop()
""")

md("""
* `docker container prune` (and `docker system prune`) delete **every stopped container**, and
  with them their writable layers. `docker system df` lists the space of stopped containers as
  *reclaimable* for that reason.
* Orchestrators replace rather than restart. When a container in a Kubernetes Pod crashes, the
  kubelet starts a **new** container from the image, with a new, empty writable layer, and the
  files the old one wrote are not carried over; a Pod moved to another node gets new containers
  too. In that world, "the container stopped" and "its files are gone" do go together.

So: a stopped container keeps its data, but only as long as nobody removes it, and treating
containers as disposable is exactly the habit the tools encourage.

## 5. Your turn: the buttons

Each button does one step to `my-cont-2` and adds a row to the table; the plot below it follows
the writable layer (`docker ps -s`) and the Engine's total (`docker system df`) over all the
steps of this session, including the ones above. **recreate** is `docker run` again: a new
container with the same name (any old one is removed first). A step the container's state does
not allow (say, start after remove) says why instead.

When the cell runs, it does three steps by itself: recreate, write, restart.
""")

code("""
lh.lifecycle.lifecycle_widget()
""")

md("""
The timeline so far (run this cell again after pressing buttons). "survived?" compares each row
with the one before: was what was there still there after this step?
""")

code("""
lh.lifecycle.timeline()
""")

code("""
lh.lifecycle.plot_timeline()
""")

md("""
What the rows show:

* **stop**, **start** and **restart** never touched `delta.bin`: it survived each one, and the
  writable layer kept its size.
* The tmpfs note was lost at every **stop** and every **restart** (a restart is a stop and a
  start).
* **remove** took the writable layer with it, and the Engine's total fell by its size.
* **recreate** made a new container with the same name and an empty layer: the data did not come
  back.

## 6. Why volumes exist

Data in a writable layer lives exactly as long as the container. That is a poor fit for anything
you want to keep:

* containers are meant to be replaced: a new image version, a new container, and the old writable
  layer is deleted with the old container;
* the data is hard to reach from outside (notebook 02 needed the Engine's data root to see it);
* two containers cannot share it;
* it is written through the storage driver's copy-on-write machinery, which is slower for heavy
  writes than a plain directory.

A **volume** is storage with a lifecycle of its own: the Engine creates it, mounts it into
containers, and keeps it when they are removed, until you delete it yourself. Notebook 04 looks
at the drivers behind volumes, notebook 05 runs the lecture's named-volume demo end to end (a
file that survives `docker rm -f`), and later notebooks compare named volumes, bind mounts and
tmpfs mounts.

On macOS and Windows all of the above happens the same way, inside Docker Desktop's Linux VM: the
writable layers sit on the VM's disk, and `docker stop`, `rm`, `ps -s` and `system df` behave as
they do here.

## Quiz
""")

code("""
lh.quiz(
    [
        lh.Question(
            "A container wrote 10 MiB to its writable layer. You run `docker stop` and then "
            "`docker start`. What is left of the 10 MiB?",
            ("Nothing", "All of it", "Only what was flushed to a volume"),
            1,
            "Stopping ends the processes; the writable layer stays on disk (docker ps -s showed "
            "the same bytes while it was stopped) and is used again on start.",
        ),
        lh.Question(
            "Which command deletes a container's writable layer?",
            ("docker stop", "docker restart", "docker rm"),
            2,
            "Only removing the container deletes its writable layer; `docker system df`'s total "
            "fell by exactly the layer's size.",
        ),
        lh.Question(
            "What happens to the files in a tmpfs mount when the container stops?",
            (
                "They are kept in memory until it starts",
                "They are lost: the tmpfs is empty after start",
                "They are moved to the writable layer",
            ),
            1,
            "A tmpfs lives in memory only while the container runs; after a stop (or restart) "
            "it comes back empty.",
        ),
        lh.Question(
            "`docker stop` of a container whose main process is `python app.py` (no --init) "
            "takes 10 seconds. Why?",
            (
                "Python flushes its buffers for 10 seconds",
                "As PID 1 without a SIGTERM handler, it ignores SIGTERM; Docker waits 10 s, then "
                "sends SIGKILL",
                "The Engine always waits 10 seconds",
            ),
            1,
            "The kernel applies no default signal actions to a namespace's init process. With "
            "--init, docker-init is PID 1 and forwards SIGTERM, so the app exits at once (143).",
        ),
        lh.Question(
            "You started a container with `docker run --rm` and wrote data into it. Then you "
            "stop it. Where is the data?",
            ("In the stopped container", "Gone, with the container", "In a volume"),
            1,
            "--rm removes the container as soon as it exits, writable layer and all.",
        ),
    ]
)
""")

md("""
## Exercise: rescue a file before it is too late

The next cell prepares a stopped container, **`ex03-box`**, with a file `/app/report.txt` in its
writable layer that you need. Using only `docker` commands in a JupyterLab terminal started in this
notebook's folder:

1. copy `report.txt` out of the stopped container to **`workspace/rescued/report.txt`** on this
   machine (the container stays stopped: do not start it);
2. then remove the container, so that the copy is all that is left.

The check passes when the copy holds the report and `ex03-box` is gone. Remove the container
before copying the file, and the report is lost: re-run the preparing cell to try again.

Hint: `docker cp` works on stopped containers: `docker cp CONTAINER:PATH DEST`. Then
`docker rm ex03-box`.
""")

code("""
lh.lifecycle.prepare_rescue()
""")

code("""
# Your commands go in a terminal; or prefix them with ! here, e.g. !docker ps -a
""")

code("""
# NBVAL_IGNORE_OUTPUT
lh.lifecycle.check_rescue()
""")

code("""
lh.show_solution("solutions/03-stop-start-remove.sh")
""")

md("""
## What you measured

* Without an init process, `docker stop` of the Flask app waits out its 10-second timeout and
  kills it (exit code 137); with `--init` it ends at once on SIGTERM (143).
* **Stopping** a container keeps its writable layer: the same files and the same bytes in
  `docker ps -s`, no change in `docker system df`, and everything is there again after `start`
  or `restart`. The lecture's claim that a stopped container loses its delta does not hold.
* A **tmpfs** mount is emptied by every stop and restart.
* **Removing** the container deletes its writable layer and gives its bytes back, exactly; a new
  container of the same name starts empty. `--rm`, `docker container prune` and orchestrators
  that replace containers make that removal routine.
* So data that must outlive its container belongs outside the writable layer: in a volume.

`my-cont-2` and `ex03-box` (if you did not remove it) stay until notebook 99 cleans up.
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
