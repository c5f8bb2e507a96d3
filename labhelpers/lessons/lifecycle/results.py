"""What the stop/start/remove experiments return, and how each shows as a table. A Timeline's
`claims` are data (`labhelpers.lessons.writable.results.Claim`)."""

from __future__ import annotations

import itertools

from ...core.results import result
from ...core.table import Table, TableShown, yes_no
from ...core.units import si
from ..writable.results import CONTAINERD, Verdict, claim

__all__ = [
    "CONTAINER",
    "DELTA_MIB",
    "DELTA_PATH",
    "NOTE",
    "NOTE_PATH",
    "TMPFS_AT",
    "TMPFS_NOTE",
    "TMPFS_NOTE_PATH",
    "Observation",
    "RemovedOnStop",
    "RescueStart",
    "StopRun",
    "StopTiming",
    "Timeline",
    "timeline",
]

CONTAINER = "my-cont-life"  # plays the lecture's "Container 2" (10 MB of delta); not 02's my-cont-2
DELTA_MIB = 10
DELTA_PATH = "/app/delta.bin"
NOTE_PATH = "/app/note.txt"
NOTE = "This is my delta data"
TMPFS_AT = "/scratch"
TMPFS_NOTE_PATH = f"{TMPFS_AT}/note.txt"
TMPFS_NOTE = "This is in memory"


@result
class Observation:
    """The container and its data right after one step of the experiment."""

    container: str
    step: str  # the action: run, write, stop, ...
    command: str  # the docker command the step stands for
    status: str  # running, exited, created, ... or "removed"
    delta_bytes: int  # size of /app/delta.bin, -1 when it is not there
    note: str  # /app/note.txt's text, "" when it is not there
    tmpfs_mounted: bool
    tmpfs_note: str  # /scratch/note.txt's text, "" when it is not there
    writable_layer_bytes: int  # docker ps -s (SizeRw), before the files were read; -1: removed
    images_bytes: int  # docker system df: IMAGES (LayersSize)
    containers_bytes: int  # docker system df: CONTAINERS (every writable layer)
    total_bytes: int  # docker system df: the Engine's total
    store: str  # the image store: "graph driver" or "containerd"
    init_layer_bytes: int = -1  # containerd store: the container's init layer (-1: not measured)
    total_change_bytes: int = 0  # the total minus the step before's (set by the Experiment)

    @property
    def delta_there(self) -> bool:
        return self.delta_bytes >= 0

    @property
    def tmpfs_note_there(self) -> bool:
        return self.tmpfs_note == TMPFS_NOTE

    def delta_cell(self) -> str:
        return f"{self.delta_bytes:,} B" if self.delta_there else "missing"

    def note_cell(self) -> str:
        return "there" if self.note == NOTE else "missing"

    def tmpfs_cell(self) -> str:
        if self.status != "removed" and not self.tmpfs_mounted:
            return "unmounted"
        return "there" if self.tmpfs_note_there else "missing"

    def layer_cell(self) -> str:
        return "(removed)" if self.writable_layer_bytes < 0 else si(self.writable_layer_bytes)

    def __repr__(self) -> str:
        return (
            f"{self.status}: delta.bin {self.delta_cell()}, note.txt {self.note_cell()}, "
            f"tmpfs note {self.tmpfs_cell()}; layer {self.layer_cell()}, Engine total "
            f"{self.total_change_bytes:+,} B"
        )


@result
class Timeline(TableShown):
    """The steps taken so far, in order, and the lecture's questions they answer."""

    steps: tuple  # Observation per step
    claims: tuple  # Claim

    def verdict(self) -> Verdict:
        return Verdict(self.claims)

    def table(self) -> Table:
        first = self.steps[0].total_bytes if self.steps else 0
        rows = []
        for number, o in enumerate(self.steps, 1):
            cells = (o.delta_cell(), o.tmpfs_cell(), o.layer_cell())
            rows.append((number, o.step, o.status, *cells, f"{o.total_bytes - first:+,} B"))
        files = [f"{DELTA_PATH} (writable layer)", f"{TMPFS_NOTE_PATH} (tmpfs)"]
        return Table(
            ["#", "step", "status", *files, "writable layer", "Engine total since #1"], rows
        )


def _lost_on_stop(pairs: list) -> list:
    kept = next(((a, b) for a, b in pairs if b.step in ("stop", "restart") and a.delta_there), None)
    if kept is None:
        return []
    before, after = kept
    lost = after.delta_bytes != before.delta_bytes
    because = (
        f"{DELTA_PATH} still held {max(after.delta_bytes, 0):,} B; docker ps -s: "
        f"{after.layer_cell()} ({before.layer_cell()} before)"
    )
    question = f"Did `docker {after.step}` lose the writable layer's data?"
    return [claim(question, lost, True, because)]


def _tmpfs_emptied(pairs: list) -> list:
    found = next(
        ((a, b) for a, b in pairs if b.step in ("stop", "restart") and a.tmpfs_note_there), None
    )
    if found is None:
        return []
    after = found[1]
    how = "was not mounted" if not after.tmpfs_mounted else "was mounted again, empty"
    because = f"the tmpfs at {TMPFS_AT} {how}"
    question = f"Did `docker {after.step}` lose what was in the tmpfs mount?"
    return [claim(question, not after.tmpfs_note_there, True, because)]


def _removed(pairs: list) -> list:
    found = next(((a, b) for a, b in pairs if b.step == "remove" and a.status != "removed"), None)
    if found is None:
        return []
    before, gone = found
    layer = before.writable_layer_bytes
    containers = before.containers_bytes - gone.containers_bytes
    images = before.images_bytes - gone.images_bytes
    total = before.total_bytes - gone.total_bytes
    if gone.store == CONTAINERD:
        init = max(before.init_layer_bytes, 0)
        back = containers == layer and images == layer + init
        because = (
            f"CONTAINERS fell by {containers:,} B, the layer; IMAGES by the layer again + the "
            f"init layer ({init:,} B): this store's docker system df counts it twice"
        )
    else:
        back = containers == layer == total
        because = f"docker system df's total fell by {total:,} B; the layer held {layer:,} B"
    deleted = "Did `docker rm` delete the data?"
    gave_back = "Did `docker rm` give back the writable layer's bytes?"
    return [
        claim(deleted, not gone.delta_there, True, "its writable layer went with it"),
        claim(gave_back, back, True, because),
    ]


def timeline(steps: tuple) -> Timeline:
    """A Timeline of STEPS, with the claims its steps decide."""
    pairs = list(itertools.pairwise(steps))
    claims = _lost_on_stop(pairs) + _tmpfs_emptied(pairs) + _removed(pairs)
    return Timeline(tuple(steps), tuple(claims))


@result
class StopRun:
    """One `docker stop`, timed."""

    container: str
    init: bool
    pid1: str  # /proc/1/cmdline inside the container
    seconds: float
    exit_code: int
    timeout_s: int  # how long docker stop waits before SIGKILL

    @property
    def waited_for_timeout(self) -> bool:
        return self.seconds >= self.timeout_s - 0.5


_SIGNALS = {143: "SIGTERM (128 + 15)", 137: "SIGKILL (128 + 9)"}


@result
class StopTiming(TableShown):
    """`docker stop` of the same image with and without `--init`."""

    runs: tuple  # StopRun per container

    def table(self) -> Table:
        rows = []
        for r in self.runs:
            took = f"{r.seconds:.1f} s" + (" (the timeout)" if r.waited_for_timeout else "")
            ended = f"{r.exit_code}: {_SIGNALS.get(r.exit_code, '?')}"
            rows.append((yes_no(r.init), r.pid1, took, ended))
        columns = ["--init", "PID 1 in the container", "docker stop took", "exit code: ended by"]
        return Table(columns, rows)


@result
class RemovedOnStop:
    """A container run with `--rm`: written into, stopped, and looked for again."""

    container: str
    written_bytes: int
    exists_after_stop: bool
    command: str

    def __repr__(self) -> str:
        return (
            f"{self.container} (run with --rm) held {self.written_bytes:,} B in its writable "
            f"layer; after docker stop it still exists: {yes_no(self.exists_after_stop)}"
        )


@result
class RescueStart:
    """The exercise's starting point: a stopped container holding a file in its writable layer."""

    container: str
    status: str
    path: str
    file_bytes: int  # the file's size
    writable_layer_bytes: int  # docker ps -s: the whole layer

    def __repr__(self) -> str:
        blocks = ", whole disk blocks" if self.writable_layer_bytes > self.file_bytes else ""
        return (
            f"{self.container} is {self.status}; {self.path} ({self.file_bytes:,} B) is in its "
            f"writable layer (docker ps -s: {self.writable_layer_bytes:,} B{blocks})"
        )
