"""What stop, start, restart and remove do to a container's data (notebook 03), measured.

The lecture says a *stopped* container loses the data in its writable layer. The experiment here
tests that on the Engine: `my-cont-2` writes 10 MiB into its writable layer and a note into a tmpfs
mount, then goes through `docker stop`, `start`, `restart`, `rm` and a new `docker run`; after
each step the data is looked for and the writable layer and the Engine's total are measured.
Beside it: why `docker stop` takes 10 s without an init process, and a container run with `--rm`,
which is removed (data and all) as soon as it stops.

Plain functions return @result dataclasses; the timeline keeps the steps taken in this session;
the widget only calls the functions.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import io
import os
import shlex
import tarfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._display import Table, announce, cli
from ._engine import client, engine_step
from ._errors import BadInput, LabError
from ._labels import MANAGED, is_lab_owned, lab_labels
from ._ownership import claim_container_name, find_container
from ._results import result
from ._units import si, si_exact
from .containers import (
    STOP_TIMEOUT_S,
    container_sizes,
    exec_in,
    remove_container,
    restart_container,
    run_container,
    start_container,
    stop_container,
    tmpfs_mount,
    write_data,
)
from .system import disk_usage
from .teaching import CheckResult, exercise_check, not_yet, passed

LESSON_IMAGE = "my-image"
CONTAINER = "my-cont-2"  # the lecture's "Container 2", with its 10 MB of delta data
DELTA_MIB = 10
DELTA_PATH = "/app/delta.bin"
NOTE_PATH = "/app/note.txt"
NOTE = "This is my delta data"
TMPFS_AT = "/scratch"
TMPFS_NOTE_PATH = f"{TMPFS_AT}/note.txt"
TMPFS_NOTE = "This is in memory"
ACTIONS = ("run", "write", "stop", "start", "restart", "remove", "recreate")
WIDGET_SEQUENCE = ("recreate", "write", "restart")
MISSING = "missing"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


# --- looking at the container's data --------------------------------------------------------------


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
    engine_change_bytes: int = 0  # the Engine's total minus the step before (set by `step`)

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
            "before",
        ]
        return "\n".join(lines)


def _read_running(name: str) -> tuple[int, str, str]:
    script = (
        f"stat -c %s {DELTA_PATH} 2>/dev/null || echo {MISSING}; "
        f"cat {NOTE_PATH} 2>/dev/null || echo {MISSING}; "
        f"cat {TMPFS_NOTE_PATH} 2>/dev/null || echo {MISSING}"
    )
    lines = exec_in.__wrapped_step__(name, script).output.splitlines()
    size, note, tmpfs_note = (lines + [MISSING] * 3)[:3]
    return (
        -1 if size == MISSING else int(size),
        "" if note == MISSING else note,
        "" if tmpfs_note == MISSING else tmpfs_note,
    )


def _copy_out(container, path: str) -> tuple[int, bytes] | None:
    """`docker cp CONTAINER:PATH -`: the file's size and bytes, or None when it is not there
    (works on a stopped container: the Engine mounts its filesystem for the copy)."""
    import docker

    try:
        stream, _stat = container.get_archive(path)
        archive = io.BytesIO(b"".join(stream))
    except docker.errors.NotFound:
        return None
    with tarfile.open(fileobj=archive) as tar:
        member = tar.getmembers()[0]
        data = tar.extractfile(member).read() if member.isfile() else b""  # type: ignore[union-attr]
    return member.size, data


def _read_stopped(container, name: str) -> tuple[int, str, str]:
    announce(cli("cp", f"{name}:{DELTA_PATH}", "-") + " | tar -tv")
    delta = _copy_out(container, DELTA_PATH)
    announce(cli("cp", f"{name}:{NOTE_PATH}", "-") + " | tar -xO")
    note = _copy_out(container, NOTE_PATH)
    return (
        -1 if delta is None else delta[0],
        "" if note is None else note[1].decode(errors="replace").strip(),
        "",
    )


@engine_step("look at the container's data")
def observe(name: str = CONTAINER, step: str = "look", command: str = "") -> Observation:
    """Look for the experiment's files in NAME (with `docker exec` when it runs, `docker cp` when
    it is stopped) and measure its writable layer (`docker ps -s`) and the Engine's total
    (`docker system df`)."""
    container = find_container(name)
    total = disk_usage.__wrapped_step__().total_bytes
    if container is None:
        return Observation(name, step, command, "removed", -1, "", False, "", -1, total, "")
    if not is_lab_owned(container.labels):
        raise BadInput(
            f"The container '{name}' is not the lab's.",
            "it has no lab labels, so it is yours and the lab leaves it alone.",
            "use another name for the experiment.",
        )
    status = container.status
    if status == "running":
        delta, note, tmpfs_note = _read_running(name)
        how = "docker exec"
    else:
        delta, note, tmpfs_note = _read_stopped(container, name)
        how = "docker cp"
    layer = container_sizes.__wrapped_step__([name])[0].writable_layer_bytes
    running = status == "running"
    return Observation(
        name, step, command, status, delta, note, running, tmpfs_note, layer, total, how
    )


# --- the steps ----------------------------------------------------------------------------------


def _run(name: str, image: str) -> str:
    return run_container.__wrapped_step__(name, image, [tmpfs_mount(TMPFS_AT)]).command


def _write(name: str) -> str:
    write_data.__wrapped_step__(name, DELTA_MIB, DELTA_PATH)
    exec_in.__wrapped_step__(name, f"echo {shlex.quote(NOTE)} > {NOTE_PATH}")
    exec_in.__wrapped_step__(name, f"echo {shlex.quote(TMPFS_NOTE)} > {TMPFS_NOTE_PATH}")
    return f"write {DELTA_MIB} MiB + 2 notes"


@engine_step("carry out the step")
def lifecycle_step(action: str, name: str = CONTAINER, image: str = LESSON_IMAGE) -> Observation:
    """Do one step to NAME, then `observe` it.

    Steps: run / recreate (`docker run -d --init --tmpfs /scratch ...`, replacing an earlier
    container of that name), write (10 MiB to /app/delta.bin, a note to /app/note.txt and one to
    the tmpfs), stop, start, restart, remove (`docker rm -f`).

    Raises:
        BadInput: an unknown step, or one the container's state does not allow (start a removed
            container, write into a stopped one, ...).
    """
    if action not in ACTIONS:
        raise BadInput(
            f"Unknown step '{action}'.",
            f"the steps are {', '.join(ACTIONS)}.",
            "pick one of them.",
        )
    if action in ("run", "recreate"):
        command = _run(name, image)
    elif action == "write":
        command = _write(name)
    elif action == "remove":
        command = remove_container.__wrapped_step__(name)
    else:
        verb = {"stop": stop_container, "start": start_container, "restart": restart_container}
        if find_container(name) is None:
            raise BadInput(
                f"Cannot {action} '{name}': it was removed.",
                "a removed container is gone, writable layer and all.",
                "press recreate to run a new container of that name.",
            )
        command = verb[action].__wrapped_step__(name).command
    return observe.__wrapped_step__(name, action, command)


_timeline: list[Observation] = []


def step(action: str, name: str = CONTAINER, image: str = LESSON_IMAGE) -> Observation:
    """Do one step and add it to this session's timeline ("run" starts a new timeline).

    Returns the Observation, with the Engine's total change since the step before.
    """
    seen = lifecycle_step(action, name, image)
    if action == "run":
        _timeline.clear()
    before = _timeline[-1].engine_total_bytes if _timeline else seen.engine_total_bytes
    seen = dataclasses.replace(seen, engine_change_bytes=seen.engine_total_bytes - before)
    _timeline.append(seen)
    return seen


@result
class Timeline:
    """The steps taken so far, in order."""

    steps: tuple

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
                    _yes(o.delta_there) if delta_before and not writes else "",
                    o.tmpfs_cell(),
                    _yes(o.tmpfs_note_there) if tmpfs_before and not writes else "",
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

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def timeline() -> Timeline:
    """This session's steps so far (the explicit cells' and the widget's)."""
    return Timeline(tuple(_timeline))


def reclaimed(history: Timeline | None = None) -> str:
    """What the last `remove` step gave back, set beside the writable layer it removed."""
    steps = (history or timeline()).steps
    for index in range(len(steps) - 1, 0, -1):
        if steps[index].step == "remove":
            gone, before = steps[index], steps[index - 1]
            freed = before.engine_total_bytes - gone.engine_total_bytes
            layer = max(before.writable_layer_bytes, 0)
            return (
                f"`{gone.command}` gave back {si_exact(freed)} (docker system df's total);\n"
                f"the writable layer held {si_exact(layer)} just before: "
                f"the same bytes: {_yes(freed == layer)}"
            )
    return "No remove step yet."


def plot_timeline(history: Timeline | None = None):
    """Two panels over the steps: the writable layer (docker ps -s) and the Engine's total
    (docker system df), with a marker where the 10 MiB file was there and where it was gone."""
    import matplotlib.pyplot as plt

    steps = (history or timeline()).steps
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8.4, 5.4), sharex=True)
    xs = list(range(1, len(steps) + 1))
    layer = [max(o.writable_layer_bytes, 0) / 1e6 for o in steps]
    colours = [
        "#bbbbbb" if o.status == "removed" else ("#2f6db5" if o.status == "running" else "#e07b39")
        for o in steps
    ]
    top.bar(xs, layer, color=colours, width=0.6)
    for x, o in zip(xs, steps, strict=True):
        if o.status == "removed":
            top.annotate("removed", (x, 0), ha="center", va="bottom", fontsize=8, color="#777777")
        else:
            top.annotate(
                si(o.writable_layer_bytes), (x, layer[x - 1]), ha="center", va="bottom", fontsize=8
            )
    top.set_ylabel("writable layer\nMB (docker ps -s)")
    top.set_ylim(0, max([*layer, 1.0]) * 1.3)
    top.set_title(
        f"{steps[0].container if steps else CONTAINER}: blue = running, orange = stopped "
        "(no bar: removed)",
        fontsize=10,
    )
    # The change since step 1, on an axis from 0: the Engine's absolute total includes
    # everything else it stores, and a cut axis would make 10 MB look like all of it.
    first = steps[0].engine_total_bytes if steps else 0
    totals = [(o.engine_total_bytes - first) / 1e6 for o in steps]
    bottom.plot(xs, totals, "o-", color="#444444")
    for x, o in zip(xs, steps, strict=True):
        marker = "#3a9a5b" if o.delta_there else "#c44e52"
        bottom.plot([x], [totals[x - 1]], "o", color=marker, markersize=9)
    bottom.axhline(0, color="#999999", linewidth=0.8)
    bottom.set_ylabel("Engine total, change\nsince 1. in MB (system df)")
    if totals:
        bottom.set_ylim(min([*totals, 0.0]) - 1, max([*totals, 1.0]) * 1.3)
    bottom.set_xticks(xs, [f"{x}. {o.step}" for x, o in zip(xs, steps, strict=True)])
    bottom.set_title(
        f"green dot = {DELTA_PATH} is there, red = it is not", fontsize=10, color="#555555"
    )
    fig.tight_layout()
    plt.close(fig)
    return fig


# --- why docker stop takes 10 s without an init process -------------------------------------------


@result
class StopRun:
    """One `docker stop`, timed."""

    container: str
    init: bool
    pid1: str  # /proc/1/cmdline inside the container
    seconds: float
    exit_code: int

    @property
    def waited_for_timeout(self) -> bool:
        return self.seconds >= STOP_TIMEOUT_S - 0.5

    def meaning(self) -> str:
        if self.exit_code == 143:
            return "143 = 128 + 15: the app ended on SIGTERM"
        if self.exit_code == 137:
            return "137 = 128 + 9: the app was killed with SIGKILL"
        return f"{self.exit_code}"


@result
class StopTiming:
    """`docker stop` of the same image with and without `--init`."""

    runs: tuple

    def table(self) -> Table:
        return Table(
            ["container", "--init", "PID 1 in the container", "docker stop took", "exit code"],
            [
                (
                    r.container,
                    _yes(r.init),
                    r.pid1,
                    f"{r.seconds:.1f} s",
                    r.exit_code,
                )
                for r in self.runs
            ],
        )

    def verdict(self) -> str:
        return "\n".join(
            f"{'with' if r.init else 'without'} --init: PID 1 is `{r.pid1}`; docker stop waited "
            f"for the {STOP_TIMEOUT_S} s timeout: {_yes(r.waited_for_timeout)}; exit code "
            f"{r.meaning()}"
            for r in self.runs
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


@engine_step("time docker stop with and without an init process")
def stop_timing(image: str = LESSON_IMAGE) -> StopTiming:
    """Run the image's own app twice, with and without `--init`, and time `docker stop` of each
    (the containers are removed afterwards). Takes about STOP_TIMEOUT_S seconds."""
    runs = []
    for name, init in (("my-stop-init", True), ("my-stop-no-init", False)):
        run_container.__wrapped_step__(name, image, init=init)
        pid1 = exec_in.__wrapped_step__(name, "tr '\\0' ' ' < /proc/1/cmdline").output.strip()
        started = time.perf_counter()
        stop_container.__wrapped_step__(name)
        seconds = time.perf_counter() - started
        container = find_container(name)
        exit_code = int(container.attrs.get("State", {}).get("ExitCode", -1)) if container else -1
        runs.append(StopRun(name, init, pid1, seconds, exit_code))
        remove_container.__wrapped_step__(name)
    return StopTiming(tuple(runs))


# --- docker run --rm: removed as soon as it stops -------------------------------------------------


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
            f"{_yes(self.exists_after_stop)}"
        )


@engine_step("show what --rm does on stop")
def removed_on_stop(name: str = "my-cont-rm", image: str = LESSON_IMAGE) -> RemovedOnStop:
    """`docker run -d --rm --init ...`, write 1 MiB, `docker stop`: the Engine removes the
    container as soon as it exits, and its writable layer with it."""
    claim_container_name(name)
    argv = ["run", "-d", "--rm", "--init", "--name", name, "--label", f"{MANAGED}=true", image]
    shown = cli(*argv)
    announce(shown)
    container = client().containers.run(
        image, name=name, detach=True, auto_remove=True, init=True, labels=lab_labels()
    )
    written = write_data.__wrapped_step__(name, 1, "/app/data.bin").size_bytes
    announce(cli("stop", name))
    container.stop(timeout=STOP_TIMEOUT_S)
    deadline = time.monotonic() + 10
    while find_container(name) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    announce(cli("ps", "-a", "--filter", f"name={name}"))
    return RemovedOnStop(name, written, find_container(name) is not None, shown)


# --- the widget ---------------------------------------------------------------------------------


def _run_quietly(action: Callable[..., Any], *args: Any) -> tuple[Any, str]:
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            value = action(*args)
    except LabError as exc:
        return None, f"{printed.getvalue()}{type(exc).__name__}: {exc}\n"
    return value, printed.getvalue()


def lifecycle_widget(sequence: tuple = WIDGET_SEQUENCE, name: str = CONTAINER):
    """One button per step (write, stop, start, restart, remove, recreate); each press does the
    step, adds a row to the timeline table and redraws the timeline plot. The steps in
    `sequence` are done once at once, so the widget has something to show.

    Commands and the table are in an HTML pane and the plot in an Output area, so a notebook run
    unattended stores the same cell outputs every time; `timeline()` shows the table again."""
    import ipywidgets as w
    from IPython.display import display

    buttons = [
        w.Button(description=action, layout=w.Layout(width="92px"))
        for action in ("write", "stop", "start", "restart", "remove", "recreate")
    ]
    commands = w.HTML()
    table = w.HTML()
    chart = w.Output()
    display(w.VBox([w.HBox(buttons), commands, table, chart]))

    def press(action: str) -> None:
        commands.value = f"<i>{html.escape(action)} ...</i>"
        _seen, printed = _run_quietly(step, action, name)
        commands.value = (
            f"<pre style='max-height:12em;overflow:auto;font-size:85%'>{html.escape(printed)}</pre>"
        )
        table.value = timeline()._repr_html_()
        chart.outputs = ()
        if _timeline:
            chart.append_display_data(plot_timeline())

    for button in buttons:
        button.on_click(lambda b: press(b.description))
    for action in sequence:
        press(action)


# --- the exercise: rescue a file from a stopped container -----------------------------------------

RESCUE_CONTAINER = "ex03-box"
RESCUE_PATH = "/app/report.txt"
RESCUE_TEXT = "Quarterly report: 42 containers, 0 volumes. Keep this file!"
RESCUE_COPY = "workspace/rescued/report.txt"
RESCUE_TITLE = "Rescue report.txt from a stopped container, then remove it"


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


@engine_step("prepare the exercise's container")
def prepare_rescue(name: str = RESCUE_CONTAINER, image: str = LESSON_IMAGE) -> RescueStart:
    """Run NAME, write /app/report.txt in its writable layer, and stop it (the exercise's start)."""
    run_container.__wrapped_step__(name, image)
    exec_in.__wrapped_step__(name, f"echo {shlex.quote(RESCUE_TEXT)} > {RESCUE_PATH}")
    status = stop_container.__wrapped_step__(name).status
    layer = container_sizes.__wrapped_step__([name])[0].writable_layer_bytes
    return RescueStart(name, status, RESCUE_PATH, layer)


@exercise_check(RESCUE_TITLE)
def check_rescue(
    copy: str | os.PathLike = RESCUE_COPY, name: str = RESCUE_CONTAINER
) -> CheckResult:
    """Exercise 03: is report.txt copied out of the stopped container to COPY (on this machine,
    relative to the notebooks folder), and is the container removed afterwards?"""
    target = Path(copy)
    rescue = f"`mkdir -p {target.parent}` and `docker cp {name}:{RESCUE_PATH} {target}`"
    container = find_container(name)
    announce(cli("ps", "-a", "--filter", f"name={name}"))
    if not target.is_file():
        if container is None:
            return not_yet(
                RESCUE_TITLE,
                f"{target} does not exist, and '{name}' is gone: its writable layer, "
                "report.txt included, went with it.",
                "re-run the cell with prepare_rescue() to start again; this time copy the file "
                "out before you remove the container.",
            )
        return not_yet(
            RESCUE_TITLE,
            f"there is no {target} on this machine yet; '{name}' is {container.status} and "
            "still holds report.txt in its writable layer.",
            f"`docker cp` works on a stopped container: {rescue}.",
        )
    text = target.read_text(errors="replace").strip()
    if text != RESCUE_TEXT:
        return not_yet(
            RESCUE_TITLE,
            f"{target} exists but does not hold the report ({len(text)} characters).",
            f"copy the container's file, not a new one: {rescue}.",
        )
    if container is not None:
        return not_yet(
            RESCUE_TITLE,
            f"{target} holds the report; '{name}' still exists ({container.status}).",
            f"now remove it (`docker rm {name}`): the copy is all that will be left.",
        )
    return passed(
        RESCUE_TITLE,
        f"{target} holds the report, and '{name}' is removed, writable layer and all.",
    )


__all__ = [
    "ACTIONS",
    "CONTAINER",
    "Observation",
    "RescueStart",
    "Timeline",
    "check_rescue",
    "lifecycle_step",
    "lifecycle_widget",
    "observe",
    "plot_timeline",
    "prepare_rescue",
    "reclaimed",
    "removed_on_stop",
    "step",
    "stop_timing",
    "timeline",
]
