"""What the stop/start/remove experiments return, and how each shows as a table.

An Observation is the container and its data right after one step; a Timeline is the steps taken
so far, in order (its plot is in views.py). Beside them: `docker stop` timed with and without an
init process, and a container run with `--rm`.
"""

from __future__ import annotations

from ...core.results import result
from ...core.units import si_exact
from ...core.table import Table, TableShown, yes_no
from . import views

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
    writable_layer_bytes: int  # docker ps -s (SizeRw); -1 when the container is removed
    engine_total_bytes: int  # docker system df: images + containers + volumes + build cache
    read_with: str  # how the files were looked for: docker exec, docker cp, or nothing
    engine_change_bytes: int = 0  # the Engine's total minus the step before (set by a timeline)
    images_bytes: int = 0  # docker system df: IMAGES (LayersSize)
    containers_bytes: int = 0  # docker system df: CONTAINERS (every writable layer)
    store: str = "graph driver"  # the image store: "graph driver" or "containerd"
    init_layer_bytes: int = -1  # containerd store: the container's init layer (-1: not measured)
    images_change_bytes: int = 0  # IMAGES minus the step before (set by a timeline)
    containers_change_bytes: int = 0  # CONTAINERS minus the step before (set by a timeline)
    look_changed_bytes: int = 0  # what reading a stopped container's files changed its layer by

    @property
    def delta_there(self) -> bool:
        return self.delta_bytes >= 0

    @property
    def note_there(self) -> bool:
        return self.note == NOTE

    @property
    def tmpfs_note_there(self) -> bool:
        return self.tmpfs_note == TMPFS_NOTE

    def delta_cell(self) -> str:
        return f"there ({self.delta_bytes:,} B)" if self.delta_there else "not there"

    def tmpfs_cell(self) -> str:
        if self.status == "removed":
            return "not there"
        if not self.tmpfs_mounted:
            return "not mounted (stopped)"
        return "there" if self.tmpfs_note_there else "not there (empty tmpfs)"

    def layer_cell(self) -> str:
        if self.writable_layer_bytes < 0:
            return "(no container)"
        return si_exact(self.writable_layer_bytes)

    def __repr__(self) -> str:
        note = f'"{self.note}"' if self.note_there else "not there"
        lines = [
            f"after `{self.command}`: {self.status}"
            + (f" (files read with {self.read_with})" if self.read_with else ""),
            f"  {DELTA_PATH:<18} writable layer: {self.delta_cell()}",
            f"  {NOTE_PATH:<18} writable layer: {note}",
            f"  {TMPFS_NOTE_PATH:<18} tmpfs:          {self.tmpfs_cell()}",
            f"  writable layer (docker ps -s): {self.layer_cell()}",
            f"  Engine total (docker system df): {self.engine_change_bytes:+,} B since the step "
            f"before (images {self.images_change_bytes:+,} B, containers "
            f"{self.containers_change_bytes:+,} B)",
        ]
        if self.look_changed_bytes:
            lines.append(
                f"  then reading the files with docker cp changed the writable layer by "
                f"{self.look_changed_bytes:+,} B: the Engine mounted the stopped container's "
                "filesystem for the copy, with mount points for /etc/hosts, /etc/hostname and "
                "/etc/resolv.conf, which this store counts in whole disk blocks"
            )
        return "\n".join(lines)


@result
class Timeline(TableShown):
    """The steps taken so far, in order."""

    steps: tuple  # Observation per step

    def table(self) -> Table:
        """One row per step; "survived?" says whether what was there before the step still is
        (blank when there was nothing to survive, or the step wrote it)."""
        first = self.steps[0].engine_total_bytes if self.steps else 0
        rows = []
        previous: Observation | None = None
        for number, o in enumerate(self.steps, 1):
            delta_before = previous is not None and previous.delta_there
            tmpfs_before = previous is not None and previous.tmpfs_note_there
            writes = o.step == "write"
            rows.append(
                (
                    number,
                    o.step,
                    o.status,
                    o.delta_cell(),
                    yes_no(o.delta_there) if delta_before and not writes else "",
                    o.tmpfs_cell(),
                    yes_no(o.tmpfs_note_there) if tmpfs_before and not writes else "",
                    o.layer_cell(),
                    f"{o.engine_total_bytes - first:+,} B",
                )
            )
            previous = o
        return Table(
            [
                "#",
                "step",
                "status",
                f"{DELTA_PATH} (writable layer)",
                "survived?",
                f"{TMPFS_NOTE_PATH} (tmpfs)",
                "survived?",
                "writable layer (docker ps -s)",
                "Engine total since #1",
            ],
            rows,
        )

    def reclaimed(self) -> str:
        """What the last `remove` step gave back, set beside the writable layer it removed; where
        the two differ, docker system df's IMAGES and CONTAINERS lines say why."""
        for index in range(len(self.steps) - 1, 0, -1):
            if self.steps[index].step == "remove":
                gone, before = self.steps[index], self.steps[index - 1]
                freed = before.engine_total_bytes - gone.engine_total_bytes
                layer = max(before.writable_layer_bytes, 0)
                lines = [
                    f"`{gone.command}` gave back {si_exact(freed)} (docker system df's total);",
                    f"the writable layer held {si_exact(layer)} just before: "
                    f"the same bytes: {yes_no(freed == layer)}",
                ]
                if freed != layer:
                    lines += _why_twice(before, gone, layer)
                return "\n".join(lines)
        return "No remove step yet."

    def plot(self):
        """The writable layer and the Engine's total over the steps."""
        return views.plot_timeline(self)


def _why_twice(before: Observation, gone: Observation, layer: int) -> list[str]:
    """Where `docker rm` gave back more than the writable layer: the df lines, explained."""
    images = before.images_bytes - gone.images_bytes
    containers = before.containers_bytes - gone.containers_bytes
    lines = [
        f"  CONTAINERS fell by {containers:,} B: the writable layer: {yes_no(containers == layer)}",
        f"  IMAGES fell by {images:,} B",
    ]
    init = before.init_layer_bytes
    if before.store == "containerd" and init >= 0:
        lines[-1] += (
            f" = the writable layer again + its init layer ({init:,} B, measured when it "
            f"started): {yes_no(images == layer + init)}"
        )
        lines.append(
            "  With the containerd image store, docker system df's IMAGES line adds up every "
            "snapshot containerd keeps, this container's writable and init layers included, so "
            "its total counts the writable layer twice; the disk held it once."
        )
    return lines


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

    def meaning(self) -> str:
        if self.exit_code == 143:
            return "143 = 128 + 15: the app ended on SIGTERM"
        if self.exit_code == 137:
            return "137 = 128 + 9: the app was killed with SIGKILL"
        return f"{self.exit_code}"


@result
class StopTiming(TableShown):
    """`docker stop` of the same image with and without `--init`."""

    runs: tuple  # StopRun per container

    def table(self) -> Table:
        return Table(
            ["container", "--init", "PID 1 in the container", "docker stop took", "exit code"],
            [
                (r.container, yes_no(r.init), r.pid1, f"{r.seconds:.1f} s", r.exit_code)
                for r in self.runs
            ],
        )

    def verdict(self) -> str:
        return "\n".join(
            f"{'with' if r.init else 'without'} --init: PID 1 is `{r.pid1}`; docker stop waited "
            f"for the {r.timeout_s} s timeout: {yes_no(r.waited_for_timeout)}; exit code "
            f"{r.meaning()}"
            for r in self.runs
        )


@result
class RemovedOnStop:
    """A container run with `--rm`: written into, stopped, and looked for again."""

    container: str
    written_bytes: int
    exists_after_stop: bool
    command: str

    def __repr__(self) -> str:
        return (
            f"{self.container} (run with --rm) held {si_exact(self.written_bytes)} in its "
            f"writable layer; after docker stop it still exists: "
            f"{yes_no(self.exists_after_stop)}"
        )


@result
class RescueStart:
    """The exercise's starting point: a stopped container holding a file in its writable layer."""

    container: str
    status: str
    path: str
    writable_layer_bytes: int

    def __repr__(self) -> str:
        return (
            f"{self.container} is {self.status}; its writable layer holds {self.path} "
            f"({self.writable_layer_bytes:,} B)"
        )
