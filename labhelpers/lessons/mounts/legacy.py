"""Named volume vs bind mount vs tmpfs (notebook 06), measured rather than claimed.

The survival grid writes a marker file into each kind of storage (the container's own writable
layer as the baseline, a named volume, a bind mount, a tmpfs mount, an anonymous volume), puts the
container through `docker restart`, `docker stop` + `docker start`, and `docker rm` + `docker run`
again, and records whether the marker was still there. Then: write throughput measured with dd,
who owns the files a container writes into a bind mount, and what a missing host path does.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import shlex
import shutil
import statistics
from collections.abc import Callable
from pathlib import Path

from ._display import Table, announce, cli
from ._engine import client, engine_step
from ._errors import BadInput, CommandFailed, LabError, NotEnoughSpace
from ._labels import MANAGED, lab_labels
from ._ownership import find_container, find_volume
from ._results import result
from ._units import MIB, si
from .containers import (
    ContainerInfo,
    anonymous_volume,
    bind_mount,
    exec_in,
    free_bytes,
    remove_container,
    restart_container,
    run_container,
    start_container,
    stop_container,
    tmpfs_mount,
    volume_mount,
)
from .teaching import CheckResult, exercise_check, not_yet, passed

LESSON_IMAGE = "my-image"
WORKSPACE = "workspace"
DATA = "/data"
MARKER = f"{DATA}/marker.txt"

LAYER = "writable layer"
NAMED = "named volume"
BIND = "bind mount"
TMPFS = "tmpfs mount"
ANONYMOUS = "anonymous volume"
KINDS = (LAYER, NAMED, BIND, TMPFS, ANONYMOUS)

RESTART = "docker restart"
STOP_START = "docker stop + start"
RECREATE = "docker rm + run again"
EVENTS = (RESTART, STOP_START, RECREATE)

# the `docker run` option that gives each kind (the writable layer needs none)
RUN_OPTIONS = {
    LAYER: "(none: /data is a plain directory in the container)",
    NAMED: "-v grid-vol:/data",
    BIND: '-v "$PWD/workspace/grid-bind:/data"',
    TMPFS: "--tmpfs /data",
    ANONYMOUS: "-v /data",
}
_SLUG = {LAYER: "layer", NAMED: "volume", BIND: "bind", TMPFS: "tmpfs", ANONYMOUS: "anon"}


# --- small pieces -------------------------------------------------------------------------------


@contextlib.contextmanager
def _echo_off():
    """Run foundation helpers without their own command echo (we show a shorter one)."""
    from ._display import _settings

    was = _settings["echo_commands"]
    _settings["echo_commands"] = False
    try:
        yield
    finally:
        _settings["echo_commands"] = was


def here(command: str) -> str:
    """A command as a learner types it in the notebooks folder: absolute paths under the current
    folder become "$PWD/..." (the same on every machine, and what the shell expands)."""
    cwd = os.getcwd().rstrip("/") + "/"
    parts = []
    for part in shlex.split(command):
        if cwd in part and part.index(cwd) == part.find("/"):
            head, _, tail = part.partition(cwd)
            tail, comma, rest = tail.partition(",")  # --mount type=bind,src=PATH,dst=...
            parts.append(f'{shlex.quote(head) if head else ""}"$PWD/{tail}"{comma}{rest}')
        else:
            parts.append(shlex.quote(part))
    return " ".join(parts)


def _start(name: str, image: str, mounts: list, user: str | None = None) -> ContainerInfo:
    """`docker run -d --init --name NAME ... IMAGE sleep infinity`, shown with $PWD paths."""
    with _echo_off():
        info = run_container.__wrapped_step__(name, image, mounts, "sleep infinity", True, user)
    announce(here(info.command))
    return info


def _mounts_for(kind: str, volume: str, host_dir: str | os.PathLike) -> list:
    if kind == LAYER:
        return []
    if kind == NAMED:
        return [volume_mount(volume, DATA)]
    if kind == BIND:
        Path(host_dir).mkdir(parents=True, exist_ok=True)
        return [bind_mount(host_dir, DATA)]
    if kind == TMPFS:
        return [tmpfs_mount(DATA)]
    if kind == ANONYMOUS:
        return [anonymous_volume(DATA)]
    raise BadInput(
        f"Unknown kind of storage '{kind}'.",
        f"the grid knows: {', '.join(KINDS)}.",
        "pick one of those.",
    )


def _anonymous_volume_of(info: ContainerInfo) -> str:
    return next((m.volume_name for m in info.mounts if m.destination == DATA), "")


def _remove_volume_quietly(name: str, why: str) -> None:
    volume = find_volume(name)
    if volume is not None:
        announce(cli("volume", "rm", name) + f"   # {why}")
        volume.remove(force=True)


# --- the survival grid --------------------------------------------------------------------------


@result
class Trial:
    """One kind of storage put through one event: was the marker still there afterwards?"""

    kind: str
    event: str
    written: str
    read_back: str
    survived: bool
    note: str = ""


def _run_kind(
    kind: str,
    events: tuple,
    name: str,
    volume: str,
    host_dir: str | os.PathLike,
    image: str,
    tell: Callable[[str], None] | None = None,
) -> list[Trial]:
    """Start NAME with KIND at /data; before each event write the marker, after it read it."""
    mounts = _mounts_for(kind, volume, host_dir)
    if kind == NAMED:
        from .volumes import create_volume

        with _echo_off():
            create_volume.__wrapped_step__(volume)
        announce(cli("volume", "create", "--label", "io.labhelpers.managed=true", volume))
    info = _start(name, image, mounts)
    trials = []
    try:
        for event in events:
            text = f"written before {event}"
            exec_in.__wrapped_step__(
                name, f"mkdir -p {DATA} && echo {shlex.quote(text)} > {MARKER}", echo=False
            )
            note = ""
            if event == RESTART:
                restart_container.__wrapped_step__(name)
            elif event == STOP_START:
                stop_container.__wrapped_step__(name)
                start_container.__wrapped_step__(name)
            elif event == RECREATE:
                old = _anonymous_volume_of(info) if kind == ANONYMOUS else ""
                remove_container.__wrapped_step__(name)
                info = _start(name, image, mounts)
                if old:
                    kept = find_volume(old) is not None
                    still = "was still there, unused (the grid removed it)" if kept else "was gone"
                    note = (
                        f"the new container got a new, empty anonymous volume; the old one {still}"
                    )
                    _remove_volume_quietly(old, "the old anonymous volume, left by docker rm")
            else:
                raise BadInput(
                    f"Unknown event '{event}'.",
                    f"the grid knows: {', '.join(EVENTS)}.",
                    "pick one of those.",
                )
            back = exec_in.__wrapped_step__(name, f"cat {MARKER}", check=False, echo=False)
            read = back.output.strip() if back.exit_code == 0 else ""
            trials.append(Trial(kind, event, text, read, read == text, note))
            if tell:
                tell(f"{kind}: {event}")
    finally:
        remove_container.__wrapped_step__(name, volumes=True)
        if kind == NAMED:
            _remove_volume_quietly(volume, "the grid's volume")
        if kind == BIND:
            (Path(host_dir) / Path(MARKER).name).unlink(missing_ok=True)
    return trials


@result
class SurvivalGrid:
    """What survived what: one Trial per kind of storage and event."""

    trials: tuple

    def survived(self, kind: str, event: str) -> bool:
        return next(t.survived for t in self.trials if t.kind == kind and t.event == event)

    @property
    def kinds(self) -> tuple:
        return tuple(dict.fromkeys(t.kind for t in self.trials))

    @property
    def events(self) -> tuple:
        return tuple(dict.fromkeys(t.event for t in self.trials))

    def table(self) -> Table:
        def cell(kind: str, event: str) -> str:
            trial = next(t for t in self.trials if t.kind == kind and t.event == event)
            return ("kept" if trial.survived else "lost") + (" *" if trial.note else "")

        return Table(
            ["/data is a ...", *self.events],
            [(k, *(cell(k, e) for e in self.events)) for k in self.kinds],
        )

    @property
    def footnote(self) -> str:
        notes = [t.note for t in self.trials if t.note]
        return f"* {notes[0]}" if notes else ""

    def __repr__(self) -> str:
        return repr(self.table()) + (f"\n{self.footnote}" if self.footnote else "")

    def _repr_html_(self) -> str:
        note = f"<p><small>{html.escape(self.footnote)}</small></p>" if self.footnote else ""
        return self.table()._repr_html_() + note


@engine_step("run the survival grid")
def survival_grid(
    kinds: tuple | list = KINDS,
    events: tuple | list = EVENTS,
    image: str = LESSON_IMAGE,
    host_dir: str | os.PathLike = f"{WORKSPACE}/grid-bind",
    prefix: str = "grid",
    on_progress: Callable[[int, str], None] | None = None,
) -> SurvivalGrid:
    """For each kind of storage at /data: start PREFIX-KIND, and for each event write
    /data/marker.txt, do the event, read the marker back. Everything the grid creates is removed
    at the end (containers with `docker rm -f -v`, the volume PREFIX-vol, the marker on the host).

    `on_progress(done, text)` is called after each trial (for a progress bar).
    """
    trials: list[Trial] = []
    done = [0]

    def tell(text: str) -> None:
        done[0] += 1
        if on_progress:
            on_progress(done[0], text)

    print(
        '# each step: docker exec NAME sh -c \'mkdir -p /data && echo "written before EVENT" '
        "> /data/marker.txt', then the event, then docker exec NAME cat /data/marker.txt"
    )
    for kind in kinds:
        print(f"# {kind}: {RUN_OPTIONS.get(kind, '')}")
        name = f"{prefix}-{_SLUG.get(kind, 'x')}"
        trials += _run_kind(kind, tuple(events), name, f"{prefix}-vol", host_dir, image, tell)
    return SurvivalGrid(tuple(trials))


def run_survival_grid(**kwargs) -> SurvivalGrid:
    """`survival_grid` with a progress bar (one step per trial)."""
    from .teaching import Progress

    kinds = kwargs.get("kinds", KINDS)
    events = kwargs.get("events", EVENTS)
    bar = Progress(len(kinds) * len(events), "Trials")
    return survival_grid(on_progress=lambda done, text: bar.update(done, text), **kwargs)


@engine_step("try one event on one kind of storage")
def trial(
    kind: str = TMPFS,
    event: str = RESTART,
    image: str = LESSON_IMAGE,
    host_dir: str | os.PathLike = f"{WORKSPACE}/trial-bind",
) -> Trial:
    """One cell of the grid on its own: the container `mount-trial`, volume `trial-vol`."""
    if event not in EVENTS:
        raise BadInput(
            f"Unknown event '{event}'.",
            f"the grid knows: {', '.join(EVENTS)}.",
            "pick one of those.",
        )
    _mounts_for(kind, "trial-vol", host_dir)  # checks the kind before anything starts
    return _run_kind(kind, (event,), "mount-trial", "trial-vol", host_dir, image)[0]


def plot_grid(grid: SurvivalGrid):
    """A heatmap of the grid: green = the marker was still there, red = it was gone."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    kinds, events = grid.kinds, grid.events
    values = [[1 if grid.survived(k, e) else 0 for e in events] for k in kinds]
    fig, ax = plt.subplots(figsize=(7.6, 0.6 + 0.62 * len(kinds)))
    ax.imshow(values, cmap=ListedColormap(["#f4b6b0", "#a8dbb0"]), vmin=0, vmax=1, aspect="auto")
    for i, kind in enumerate(kinds):
        for j, event in enumerate(events):
            t = next(t for t in grid.trials if t.kind == kind and t.event == event)
            word = ("kept" if t.survived else "lost") + (" *" if t.note else "")
            ax.text(j, i, word, ha="center", va="center", fontsize=11, weight="bold")
    ax.set_xticks(range(len(events)), events)
    ax.set_yticks(range(len(kinds)), [f"{k}" for k in kinds])
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for edge in ("top", "right", "bottom", "left"):
        ax.spines[edge].set_visible(False)
    ax.set_xticks([x - 0.5 for x in range(1, len(events))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(kinds))], minor=True)
    ax.grid(which="minor", color="white", linewidth=3)
    ax.tick_params(which="minor", length=0)
    if any(t.note for t in grid.trials):
        fig.text(
            0.01,
            0.01,
            "* the data still exists, in the old anonymous volume no container uses any more",
            fontsize=8,
            color="#555555",
        )
    ax.set_title("Was /data/marker.txt still there afterwards? (measured)", pad=28, fontsize=11)
    fig.tight_layout()
    plt.close(fig)
    return fig


def trial_widget(kind: str = TMPFS, event: str = RESTART, image: str = LESSON_IMAGE):
    """Pick a kind of storage and an event, press the button: one trial, its commands and verdict.
    The default pair runs once when the widget is made. Results show in an HTML pane (so the
    notebook's stored output does not change from run to run)."""
    import io

    import ipywidgets as w

    kinds = w.Dropdown(options=list(KINDS), value=kind, description="/data is a")
    events = w.Dropdown(options=list(EVENTS), value=event, description="then")
    button = w.Button(description="Write, do it, read back", button_style="info")
    shown = w.HTML()

    def go(*_: object) -> None:
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                outcome = trial(kinds.value, events.value, image)
        except LabError as exc:
            text = f"{printed.getvalue()}{type(exc).__name__}: {exc}"
        else:
            verdict = "KEPT" if outcome.survived else "LOST"
            read = outcome.read_back or "(no such file)"
            text = (
                f"{printed.getvalue()}\nwrote: {outcome.written}\nread back: {read}\n"
                f"{verdict}" + (f" ({outcome.note})" if outcome.note else "")
            )
        shown.value = f"<pre>{html.escape(text)}</pre>"

    button.on_click(go)
    go()
    return w.VBox([w.HBox([kinds, events, button]), shown])


def choice_table(grid: SurvivalGrid) -> Table:
    """The lecture's pros/cons table, redone: the first two columns come from the grid."""

    def kept(kind: str, *events: str) -> str:
        present = [e for e in events if any(t.kind == kind and t.event == e for t in grid.trials)]
        if not present:
            return "?"
        return "yes" if all(grid.survived(kind, e) for e in present) else "no"

    facts = {
        NAMED: (
            "a directory the Engine manages (under its data root; inside the VM on Docker Desktop)",
            "data that must outlive containers: databases, uploads",
            "reach it through a container or docker cp; backing up is a step of its own",
        ),
        BIND: (
            "the host folder you name",
            "your own files: source code in development, config",
            "the path must exist on the host; files carry numeric uids (section 7)",
        ),
        TMPFS: (
            "memory of the Engine's machine (the VM on Docker Desktop)",
            "scratch and secrets that must never reach a disk",
            "gone at every stop; counts against memory; mounted noexec (mount flags, section 6)",
        ),
        LAYER: (
            "the container's upper layer (overlay2) in the Engine's data root",
            "nothing you want to keep",
            "removed with the container; invisible to other containers",
        ),
        ANONYMOUS: (
            "like a named volume, under a random 64-hex name",
            "data an image marks with VOLUME",
            "a new container gets a new one; docker rm leaves the old behind (notebook 07)",
        ),
    }
    rows = []
    for kind in (NAMED, BIND, TMPFS, LAYER, ANONYMOUS):
        if kind not in grid.kinds:
            continue
        where, good, watch = facts[kind]
        rows.append(
            (kind, kept(kind, RESTART, STOP_START), kept(kind, RECREATE), where, good, watch)
        )
    return Table(
        [
            "kind",
            "kept through restart and stop",
            "kept through rm + run",
            "where the bytes live",
            "good for",
            "watch out for",
        ],
        rows,
    )


# --- write throughput ---------------------------------------------------------------------------

BENCH_TARGETS = (
    (LAYER, "/bench/layer"),
    (NAMED, "/bench/volume"),
    (BIND, "/bench/bind"),
    (TMPFS, "/bench/tmpfs"),
)
_DD_SECONDS = re.compile(r"copied, ([0-9.]+(?:e-?\d+)?) s")


@result
class WriteTiming:
    """One dd run: `size_bytes` of zeros written to a new file in `kind`, timed by dd itself."""

    kind: str
    fsync: bool
    repeat: int
    size_bytes: int
    seconds: float

    @property
    def mb_per_s(self) -> float:
        return self.size_bytes / self.seconds / 1e6 if self.seconds > 0 else float("inf")


@result
class Filesystem:
    """What a path inside the container is, from /proc/mounts."""

    kind: str
    path: str
    fstype: str
    options: str


@result
class Throughput:
    """Write throughput per kind of storage, buffered and with fsync, repeated."""

    size_bytes: int
    repeats: int
    timings: tuple
    filesystems: tuple

    def runs(self, kind: str, fsync: bool) -> list:
        return [t for t in self.timings if t.kind == kind and t.fsync == fsync]

    def median_mb_per_s(self, kind: str, fsync: bool) -> float:
        return statistics.median(t.mb_per_s for t in self.runs(kind, fsync))

    @property
    def kinds(self) -> tuple:
        return tuple(dict.fromkeys(t.kind for t in self.timings))

    def filesystem(self, kind: str) -> str:
        found = next((f for f in self.filesystems if f.kind == kind), None)
        return found.fstype if found else "?"

    def flags(self, kind: str) -> str:
        """The mount options worth knowing about (read-only, no programs, no setuid, no devices)."""
        found = next((f for f in self.filesystems if f.kind == kind), None)
        notable = ("ro", "noexec", "nosuid", "nodev")
        options = found.options.split(",") if found else []
        return ",".join(o for o in options if o in notable) or "-"

    def table(self) -> Table:
        rows = []
        for kind in self.kinds:
            for fsync in (False, True):
                runs = self.runs(kind, fsync)
                if not runs:
                    continue
                rows.append(
                    (
                        kind,
                        self.filesystem(kind),
                        self.flags(kind),
                        "dd conv=fsync" if fsync else "dd (buffered)",
                        "  ".join(f"{t.mb_per_s:,.0f}" for t in runs),
                        f"{self.median_mb_per_s(kind, fsync):,.0f}",
                    )
                )
        return Table(
            ["kind", "filesystem", "mount flags", "how", "each run, MB/s", "median MB/s"],
            rows,
            caption=f"{si(self.size_bytes)} ({self.size_bytes // MIB} MiB) of zeros per run, "
            f"{self.repeats} runs each",
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def summary(self) -> str:
        """The medians in one paragraph, for the prose next to the chart."""
        parts = []
        for fsync in (False, True):
            medians = ", ".join(
                f"{kind} {self.median_mb_per_s(kind, fsync):,.0f}"
                for kind in self.kinds
                if self.runs(kind, fsync)
            )
            parts.append(f"{'with fsync' if fsync else 'buffered'}: {medians} MB/s")
        return "Medians on this machine, " + "; ".join(parts) + "." + self.comparison()

    def comparison(self) -> str:
        """The writable layer's median as a share of the named volume's, buffered and with fsync:
        overlay2's cost for a new file, as this machine measured it."""
        ratios = []
        for fsync in (False, True):
            if self.runs(LAYER, fsync) and self.runs(NAMED, fsync):
                volume = self.median_mb_per_s(NAMED, fsync)
                if volume > 0:
                    ratio = self.median_mb_per_s(LAYER, fsync) / volume
                    ratios.append(f"{ratio:.2f}x {'with fsync' if fsync else 'buffered'}")
        if not ratios:
            return ""
        return (
            "\nThe writable layer wrote at " + " and ".join(ratios) + " the named volume's speed "
            "(1.00x = just as fast)."
        )


def _filesystems(name: str) -> tuple:
    """The filesystem behind each bench path, from the container's /proc/mounts."""
    text = exec_in.__wrapped_step__(name, "cat /proc/mounts", echo=False).output
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 4:
            mounts.append((fields[1], fields[2], fields[3]))
    found = []
    for kind, path in BENCH_TARGETS:
        best = max(
            (m for m in mounts if path == m[0] or path.startswith(m[0].rstrip("/") + "/")),
            key=lambda m: len(m[0]),
            default=("", "?", ""),
        )
        found.append(Filesystem(kind, path, best[1], best[2]))
    return tuple(found)


def _dd(name: str, path: str, size_mib: int, fsync: bool) -> float:
    sync = " conv=fsync" if fsync else ""
    script = (
        f"dd if=/dev/zero of={path}/bench.bin bs=1M count={size_mib}{sync} 2>&1; "
        f"status=$?; rm -f {path}/bench.bin; exit $status"
    )
    out = exec_in.__wrapped_step__(name, script, echo=False).output
    found = _DD_SECONDS.search(out)
    if not found:
        raise CommandFailed(
            f"Could not read dd's timing for {path}.",
            f"dd printed: {out.strip()[-200:] or '(nothing)'}",
            "check that the image has GNU dd (Debian-based images do).",
            0,
            out,
        )
    return float(found.group(1))


@engine_step("measure write throughput")
def throughput(
    size_mib: int = 256,
    repeats: int = 3,
    image: str = LESSON_IMAGE,
    host_dir: str | os.PathLike = f"{WORKSPACE}/bench-bind",
    on_progress: Callable[[int, str], None] | None = None,
) -> Throughput:
    """Write `size_mib` MiB of zeros with dd into the writable layer, a named volume, a bind mount
    and a tmpfs mount of one container `bench-box`, `repeats` times each, buffered and with
    conv=fsync, interleaved. dd's own timing is kept (no `docker exec` overhead). One warm-up
    write per path (buffered, same size) is not counted. `bench-box` and `bench-vol` are removed
    at the end.

    Raises:
        BadInput: a size or repeat count out of range.
        NotEnoughSpace: a path cannot hold `size_mib` (plus a margin); nothing is written.
    """
    if not isinstance(size_mib, int) or not 1 <= size_mib <= 4096:
        raise BadInput(
            f"Cannot write {size_mib!r} MiB per run.",
            "the benchmark takes a whole number of MiB from 1 to 4096.",
            "pass size_mib=256, for example.",
        )
    if not isinstance(repeats, int) or not 1 <= repeats <= 20:
        raise BadInput(
            f"Cannot repeat {repeats!r} times.",
            "the benchmark takes 1 to 20 repeats.",
            "pass repeats=3, for example.",
        )
    Path(host_dir).mkdir(parents=True, exist_ok=True)
    mounts = [
        volume_mount("bench-vol", "/bench/volume"),
        bind_mount(host_dir, "/bench/bind"),
        tmpfs_mount("/bench/tmpfs"),
    ]
    _start("bench-box", image, mounts)
    timings = []
    try:
        exec_in.__wrapped_step__("bench-box", "mkdir -p /bench/layer", echo=False)
        wanted = size_mib * MIB
        for kind, path in BENCH_TARGETS:
            free = free_bytes.__wrapped_step__("bench-box", path)
            if wanted + 64 * MIB > free:
                raise NotEnoughSpace(
                    f"Not running the benchmark: {kind} ({path}) cannot hold {si(wanted)}.",
                    f"it has {si(free)} free (and the lab keeps 67.1MB spare).",
                    "pass a smaller size_mib, or free space (`docker system df`).",
                    wanted,
                    free,
                )
        filesystems = _filesystems("bench-box")
        for _, path in BENCH_TARGETS:  # not counted: the first write to a path is often slower
            _dd("bench-box", path, size_mib, False)
        for _, path in BENCH_TARGETS:
            for fsync in (False, True):
                sync = " conv=fsync" if fsync else ""
                announce(
                    cli(
                        "exec",
                        "bench-box",
                        "sh",
                        "-c",
                        f"dd if=/dev/zero of={path}/bench.bin bs=1M count={size_mib}{sync}; "
                        f"rm {path}/bench.bin",
                    )
                    + f"   # x{repeats}"
                )
        total = repeats * 2 * len(BENCH_TARGETS)
        for repeat in range(1, repeats + 1):
            for fsync in (False, True):
                for kind, path in BENCH_TARGETS:
                    seconds = _dd("bench-box", path, size_mib, fsync)
                    timings.append(WriteTiming(kind, fsync, repeat, wanted, seconds))
                    if on_progress:
                        on_progress(len(timings), f"{kind}{' fsync' if fsync else ''} ({total})")
    finally:
        remove_container.__wrapped_step__("bench-box", volumes=True)
        _remove_volume_quietly("bench-vol", "the benchmark's volume")
    return Throughput(wanted, repeats, tuple(timings), filesystems)


def run_throughput(size_mib: int = 256, repeats: int = 3, **kwargs) -> Throughput:
    """`throughput` with a progress bar."""
    from .teaching import Progress

    bar = Progress(repeats * 2 * len(BENCH_TARGETS), "dd runs")
    return throughput(
        size_mib, repeats, on_progress=lambda done, text: bar.update(done, text), **kwargs
    )


def plot_throughput(bench: Throughput):
    """Bars: median MB/s per kind, buffered and with fsync; dots: each run."""
    import matplotlib.pyplot as plt

    kinds = bench.kinds
    fig, ax = plt.subplots(figsize=(7.6, 3.9))
    colours = {False: "#9db4d0", True: "#2f6db5"}
    width = 0.38
    for offset, fsync in ((-width / 2, False), (width / 2, True)):
        xs = [i + offset for i in range(len(kinds))]
        medians = [bench.median_mb_per_s(k, fsync) for k in kinds]
        ax.bar(
            xs,
            medians,
            width=width,
            color=colours[fsync],
            label="with conv=fsync" if fsync else "buffered (page cache)",
        )
        for x, kind, median in zip(xs, kinds, medians, strict=True):
            runs = [t.mb_per_s for t in bench.runs(kind, fsync)]
            ax.scatter([x] * len(runs), runs, s=12, color="#222222", zorder=3)
            ax.annotate(
                f"{median:,.0f}",
                (x, max([median, *runs])),
                ha="center",
                va="bottom",
                fontsize=8,
                xytext=(0, 4),
                textcoords="offset points",
            )
    ax.set_xticks(range(len(kinds)), [f"{k}\n({bench.filesystem(k)})" for k in kinds], fontsize=9)
    ax.set_ylabel("MB/s (median; dots = each run)")
    ax.set_title(
        f"dd of {bench.size_bytes // MIB} MiB of zeros, {bench.repeats} runs each "
        "(this machine only)",
        fontsize=10,
    )
    top = max(t.mb_per_s for t in bench.timings)
    ax.set_ylim(0, top * 1.18)
    ax.legend(frameon=False, fontsize=9, loc="upper right")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    plt.close(fig)
    return fig


# --- bind mounts: who owns the files, and a missing host path -----------------------------------


@result
class OwnershipRow:
    """A container user tried to create a file in a bind-mounted host folder."""

    user: str
    folder_mode: str
    command: str
    created: bool
    error: str
    host_uid: int
    host_gid: int
    host_owner: str
    you_may_edit: bool


@result
class OwnershipReport:
    """Who owns, on the host, the files containers create in a bind mount."""

    folder: str
    your_uid: int
    rows: tuple

    def table(self) -> Table:
        return Table(
            ["container user", "host folder", "created?", "owner on the host", "you may edit it"],
            [
                (
                    r.user,
                    r.folder_mode,
                    "yes" if r.created else f"no: {r.error}",
                    f"uid {r.host_uid} ({r.host_owner})" if r.created else "",
                    ("yes" if r.you_may_edit else "no") if r.created else "",
                )
                for r in self.rows
            ],
            caption=f"files created in {self.folder} (you are uid {self.your_uid} here)",
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def _owner_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return "no such user on this machine"


def _run_throwaway(image: str, command: list[str], mounts: list, user: str | None, shown: str):
    """`docker run --rm ...` that reports (exit code, output) instead of raising."""
    import docker

    announce(shown)
    try:
        out = client().containers.run(
            image, command, remove=True, mounts=mounts, user=user, labels=lab_labels(), stderr=True
        )
    except docker.errors.ContainerError as exc:
        return exc.exit_status, (exc.stderr or b"").decode(errors="replace").strip()
    return 0, out.decode(errors="replace").strip()


@engine_step("show who owns files written into a bind mount")
def ownership(
    host_dir: str | os.PathLike = f"{WORKSPACE}/owners",
    image: str = LESSON_IMAGE,
    other_uid: int = 1234,
) -> OwnershipReport:
    """Bind-mount a fresh host folder at /shared and create a file there as different container
    users: root (the default), uid OTHER_UID, and you (`--user $(id -u):$(id -g)`); then open the
    folder to everyone (chmod 777) and try uid OTHER_UID again. Each file's owner is read on the
    host. The folder is emptied first and its files are left for you to look at.
    """
    import docker

    folder = Path(host_dir)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    get_uid = getattr(os, "getuid", None)  # None on Windows: no uids there
    me = f"{get_uid()}:{os.getgid()}" if get_uid else ""  # type: ignore[attr-defined]
    mount = docker.types.Mount("/shared", str(folder.resolve()), type="bind")
    other = f"{other_uid}:{other_uid}"
    rows = []

    def attempt(label: str, user: str | None, filename: str, mode: str) -> None:
        argv = ["run", "--rm", *(["--user", user] if user else [])]
        argv += ["-v", f"{folder.resolve()}:/shared", image, "touch", f"/shared/{filename}"]
        shown = here(cli(*argv))
        if user and user == me:
            shown = shown.replace(f"--user {me}", '--user "$(id -u):$(id -g)"')
        code, out = _run_throwaway(image, ["touch", f"/shared/{filename}"], [mount], user, shown)
        path = folder / filename
        if code != 0 or not path.exists():
            error = out.splitlines()[-1] if out else f"exit status {code}"
            rows.append(
                OwnershipRow(label, mode, shown, False, error.split(": ")[-1], -1, -1, "", False)
            )
            return
        st = path.stat()
        rows.append(
            OwnershipRow(
                label,
                mode,
                shown,
                True,
                "",
                st.st_uid,
                st.st_gid,
                _owner_name(st.st_uid),
                os.access(path, os.W_OK),
            )
        )

    attempt("root (the default)", None, "by-root.txt", "yours, mode 755")
    attempt(f"uid {other_uid}", other, f"by-{other_uid}.txt", "yours, mode 755")
    if me:
        attempt(f"you ({me}): --user $(id -u):$(id -g)", me, "by-you.txt", "yours, mode 755")
    announce(f"chmod 777 {here(str(folder.resolve()))}   # let every uid write into it")
    folder.chmod(0o777)
    attempt(f"uid {other_uid}", other, f"by-{other_uid}.txt", "mode 777")
    return OwnershipReport(folder.as_posix(), get_uid() if get_uid else -1, tuple(rows))


@result
class MissingPathCase:
    """One way of asking for a bind mount of a host path that does not exist."""

    way: str
    command: str
    outcome: str
    path_exists_afterwards: bool


@result
class MissingPathReport:
    """Three ways of bind-mounting a missing host path, and the lab's own message."""

    path: str
    cases: tuple
    lab_message: str

    def table(self) -> Table:
        return Table(
            ["asked with", "what happened", "path exists afterwards"],
            [(c.way, c.outcome, "yes" if c.path_exists_afterwards else "no") for c in self.cases],
            caption=f"bind-mounting {self.path}, which did not exist",
        )

    def __repr__(self) -> str:
        return f"{self.table()!r}\n\nThe lab's message:\n{self.lab_message}"

    def _repr_html_(self) -> str:
        message = html.escape(self.lab_message)
        return f"{self.table()._repr_html_()}<p>The lab's message:</p><pre>{message}</pre>"


@engine_step("bind-mount a host path that does not exist")
def missing_host_path(
    path: str | os.PathLike = f"{WORKSPACE}/no-such-folder", image: str = LESSON_IMAGE
) -> MissingPathReport:
    """Ask for a bind mount of a missing host path three ways: the lab's `bind_mount`,
    `docker run --mount type=bind,...` and `docker run -v ...`. The last one makes the Engine create
    the folder (owned by root); it is removed again (it is empty) once looked at."""
    import docker

    target = Path(path)
    absolute = str(target.resolve())
    if target.exists():
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()  # an empty folder an earlier run (or `docker run -v`) left behind
        else:
            raise BadInput(
                f"{target} exists and is not an empty folder.",
                "this demo needs a host path that does not exist.",
                "pass another path, or remove that one yourself.",
            )
    shown_path = here(absolute)
    cases = []

    cwd = os.getcwd().rstrip("/") + "/"
    lab_message = ""
    try:
        bind_mount(target, DATA)
        outcome = "accepted (unexpected)"
    except BadInput as exc:
        outcome = "the lab refused before anything ran (BadInput, message below)"
        lab_message = f"BadInput: {exc}".replace(cwd, "$PWD/")
    cases.append(
        MissingPathCase(
            "lh.bind_mount(...)", f"lh.bind_mount({target.as_posix()!r}, '/data')", outcome, False
        )
    )

    shown = here(
        cli("run", "--rm", "--mount", f"type=bind,src={absolute},dst=/data", image, "true")
    )
    announce(shown)
    try:
        client().containers.run(
            image,
            ["true"],
            remove=True,
            labels=lab_labels(),
            mounts=[docker.types.Mount(DATA, absolute, type="bind")],
        )
        outcome = "ran (unexpected)"
    except docker.errors.APIError as exc:
        said = exc.explanation or str(exc)
        said = said.decode(errors="replace") if isinstance(said, bytes) else str(said)
        outcome = "the Engine refused: " + said.replace(cwd, "$PWD/")
    cases.append(MissingPathCase("docker run --mount type=bind", shown, outcome, target.exists()))

    shown = here(cli("run", "--rm", "-v", f"{absolute}:/data", image, "ls", "-A", "/data"))
    announce(shown)
    client().containers.run(
        image,
        ["ls", "-A", "/data"],
        remove=True,
        labels=lab_labels(),
        volumes={absolute: {"bind": DATA, "mode": "rw"}},
    )
    if target.is_dir():
        st = target.stat()
        outcome = (
            f"ran: the Engine created an empty folder there, owned by uid {st.st_uid} "
            f"({_owner_name(st.st_uid)})"
        )
    else:
        outcome = "ran; no folder was created on this machine"
    cases.append(MissingPathCase("docker run -v", shown, outcome, target.exists()))
    if target.is_dir() and not any(target.iterdir()):
        announce(f"rmdir {shown_path}   # the empty folder docker run -v made")
        target.rmdir()
    return MissingPathReport(target.as_posix(), tuple(cases), lab_message)


# --- the exercise -------------------------------------------------------------------------------

MIX_TITLE = "Three mounts, one container"


def _mount_of(container, destination: str) -> dict | None:
    for m in container.attrs.get("Mounts") or []:
        if m.get("Destination") == destination:
            return m
    tmpfs = (container.attrs.get("HostConfig") or {}).get("Tmpfs") or {}
    if destination in tmpfs:  # `--tmpfs` shows here, not under Mounts
        return {"Type": "tmpfs", "Destination": destination, "RW": True}
    return None


@exercise_check(MIX_TITLE)
def check_mount_mix(
    container: str = "ex06-app",
    volume: str = "ex06-data",
    host_dir: str | os.PathLike = f"{WORKSPACE}/ex06-config",
) -> CheckResult:
    """Exercise 06: is CONTAINER running with VOLUME at /data, a tmpfs at /cache and HOST_DIR
    bind-mounted read-only at /config? (Reads the container's configuration; changes nothing.)"""
    folder = Path(host_dir)
    run = (
        f"docker volume create --label io.labhelpers.managed=true {volume}; "
        f"docker run -d --name {container} --label io.labhelpers.managed=true "
        f"-v {volume}:/data --tmpfs /cache "
        f'-v "$PWD/{folder.as_posix()}:/config:ro" my-image sleep infinity'
    )
    found = find_container(container)
    if found is None:
        return not_yet(
            MIX_TITLE,
            f"there is no container '{container}' yet.",
            f"from the notebooks folder: `mkdir -p {folder.as_posix()}`, then {run}",
        )
    announce(cli("inspect", "-f", "{{json .Mounts}} {{json .HostConfig.Tmpfs}}", container))
    found.reload()
    start_over = f"remove it (`docker rm -f {container}`) and run it again: {run}"
    if found.status != "running":
        return not_yet(
            MIX_TITLE,
            f"'{container}' is {found.status}, not running.",
            f"`docker start {container}` (or {start_over})",
        )
    data = _mount_of(found, "/data")
    if data is None or data.get("Type") != "volume" or data.get("Name") != volume:
        seen = "nothing" if data is None else f"a {data.get('Type')} ({data.get('Name', '')})"
        return not_yet(
            MIX_TITLE, f"/data should be the named volume '{volume}'; it is {seen}.", start_over
        )
    cache = _mount_of(found, "/cache")
    if cache is None or cache.get("Type") != "tmpfs":
        seen = "nothing" if cache is None else f"a {cache.get('Type')} mount"
        return not_yet(MIX_TITLE, f"/cache should be a tmpfs mount; it is {seen}.", start_over)
    config = _mount_of(found, "/config")
    wanted = str(folder.resolve())
    if config is None or config.get("Type") != "bind" or config.get("Source") != wanted:
        seen = "nothing" if config is None else f"a {config.get('Type')} of {config.get('Source')}"
        return not_yet(
            MIX_TITLE,
            f"/config should be a bind mount of {folder.as_posix()}; it is {seen}.",
            start_over,
        )
    if config.get("RW", True):
        return not_yet(
            MIX_TITLE, "/config is mounted read-write; it should be read-only.", start_over
        )
    labelled = (find_volume(volume).attrs.get("Labels") or {}).get(MANAGED) == "true"
    note = (
        ""
        if labelled
        else f" The volume has no {MANAGED} label, so notebook 99 will leave it: "
        f"`docker volume rm {volume}` when you are done."
    )
    return passed(
        MIX_TITLE,
        f"'{container}' runs with {volume} at /data, a tmpfs at /cache and "
        f"{folder.as_posix()} read-only at /config.{note}",
    )


__all__ = [
    "EVENTS",
    "KINDS",
    "check_mount_mix",
    "choice_table",
    "here",
    "missing_host_path",
    "ownership",
    "plot_grid",
    "plot_throughput",
    "run_survival_grid",
    "run_throughput",
    "survival_grid",
    "throughput",
    "trial",
    "trial_widget",
]
