"""The writable layer and the storage arithmetic (notebook 02), measured.

Three containers from `my-image` each get a writable layer of their own; the image's layers are
stored once. Here that is checked with the Engine's own figures: the writable-layer size `docker
ps -s` shows (SizeRw), `docker system df -v` before and after, the naive "every container copies
the image" figure beside it, a scaling run with 1 to 20 containers, and what a writable layer holds
(`docker diff`, and overlay2's upper directory, read on the Engine's machine or through a helper
container).

Plain functions return @result dataclasses; the widgets at the end only call them.
"""

from __future__ import annotations

import contextlib
import html
import io
import os
import shlex
import stat
import time
from collections.abc import Callable
from typing import Any

from ._display import Table, announce, cli
from ._engine import client, engine_step
from ._errors import BadInput, LabError
from ._labels import MANAGED, is_lab_owned, lab_labels
from ._ownership import find_container
from ._results import result
from ._units import MIB, si, si_exact
from .containers import (
    container_sizes,
    diff,
    exec_in,
    remove_container,
    run_container,
    storage_layout,
    write_data,
)
from .images import image_info
from .system import disk_usage
from .teaching import CheckResult, exercise_check, not_yet, passed

LESSON_IMAGE = "my-image"
CONTAINERS = ("my-cont-1", "my-cont-2", "my-cont-3")
LESSON_DELTAS_MIB = (4, 10, 6)  # the lecture's 4, 10 and 6 "MB", written as MiB (dd bs=1M)
DELTA_PATH = "/app/delta.bin"
SCALE_PREFIX = "my-scale-"
MAX_SCALE = 20
COW_CONTAINER = "my-cont-cow"
PEEK_AT = "/upper"  # where a helper container mounts an upper directory (read-only)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _signed(size_bytes: int) -> str:
    return f"{size_bytes:+,} B"


# --- units ------------------------------------------------------------------------------------


def units_table(sizes_mib: tuple = LESSON_DELTAS_MIB) -> Table:
    """What the lab writes (MiB, as `dd bs=1M` counts), the bytes the Engine counts, and what
    the docker CLI prints (SI: 1 MB = 1,000,000 bytes, three significant digits)."""
    rows = [(f"{m} MiB", f"{m} x 1,048,576", f"{m * MIB:,}", si(m * MIB)) for m in sizes_mib]
    rows.append(("4 MB (SI)", "4 x 1,000,000", "4,000,000", si(4_000_000)))
    return Table(["written", "is", "bytes the Engine counts", "docker prints"], rows)


# --- three containers and their writable layers -----------------------------------------------


@engine_step("remove the lesson's containers")
def clear_stage(names: tuple | list = CONTAINERS) -> None:
    """`docker rm -f NAME` for each lesson container the lab left (a learner's is refused), so a
    measurement can start from no containers at all."""
    for name in names:
        remove_container.__wrapped_step__(name)


@engine_step("start the containers")
def start_containers(names: tuple | list = CONTAINERS, image: str = LESSON_IMAGE) -> tuple:
    """`docker run -d --init --name NAME IMAGE` for each name; returns their ContainerInfo."""
    return tuple(run_container.__wrapped_step__(name, image) for name in names)


@result
class Snapshot:
    """The Engine's storage at one moment: `docker system df -v` totals, the image's size, and
    `docker ps -s` for the lesson's containers that exist."""

    moment: str
    layers_bytes: int  # LayersSize: every image layer in the Engine, counted once
    containers_bytes: int  # the sum of every container's writable layer
    total_bytes: int  # images + containers + volumes + build cache
    image: str
    image_bytes: int
    containers: tuple  # ContainerSize per lesson container (docker ps -s)
    df_writable: tuple  # (name, SizeRw as docker system df -v lists it)

    def __repr__(self) -> str:
        return (
            f"{self.moment}: Engine total {si(self.total_bytes)} (image layers "
            f"{si(self.layers_bytes)}, writable layers {si(self.containers_bytes)}); "
            f"{len(self.containers)} lesson container(s)"
        )


@engine_step("measure the Engine's storage")
def snapshot(moment: str, names: tuple | list = CONTAINERS, image: str = LESSON_IMAGE) -> Snapshot:
    """`docker system df -v`, `docker image inspect IMAGE` and `docker ps -a -s`, at one moment."""
    usage = disk_usage.__wrapped_step__()
    image_bytes = image_info.__wrapped_step__(image).size_bytes
    listed = {r.name: r.size_bytes for r in usage.rows if r.kind == "container"}
    present = [n for n in names if n in listed]
    sizes = container_sizes.__wrapped_step__(present) if present else ()
    return Snapshot(
        moment,
        usage.layers_bytes,
        usage.containers_bytes,
        usage.total_bytes,
        image,
        image_bytes,
        tuple(sizes),
        tuple((n, listed[n]) for n in present),
    )


@engine_step("write the deltas")
def write_deltas(
    sizes_mib: tuple | list = LESSON_DELTAS_MIB,
    names: tuple | list = CONTAINERS,
    path: str = DELTA_PATH,
) -> tuple:
    """Write `sizes_mib[i]` MiB of new data to PATH in container `names[i]` (dd, replacing what an
    earlier press wrote there), then measure every writable layer (`docker ps -s`).

    Raises:
        BadInput: sizes and names do not pair up, or a size is not a number >= 0.
        NotEnoughSpace: a size would not fit on the Engine's disk (nothing is written for it).
    """
    if len(sizes_mib) != len(names):
        raise BadInput(
            f"Got {len(sizes_mib)} sizes for {len(names)} containers.",
            "each container needs one size.",
            "pass one size (MiB) per container.",
        )
    for name, size in zip(names, sizes_mib, strict=True):
        write_data.__wrapped_step__(name, size, path)
    return tuple(container_sizes.__wrapped_step__(list(names)))


def sizes_table(names: tuple | list = CONTAINERS) -> Table:
    """`docker ps -a -s` for the lesson's containers: the writable layer, as the CLI prints it
    and in exact bytes."""
    return _sizes_table(container_sizes(list(names)))


def _sizes_table(sizes: tuple | list) -> Table:
    return Table(
        ["container", "status", "SIZE (docker ps -s)", "exact bytes (SizeRw)"],
        [
            (s.name, s.status, si(s.writable_layer_bytes), f"{s.writable_layer_bytes:,}")
            for s in sizes
        ],
    )


# --- the lesson's equation ----------------------------------------------------------------------


@result
class StorageEquation:
    """Image layers stored once + the sum of the deltas = the total, measured; with the naive
    figure (every container a full copy of the image) beside it and `docker system df` checks."""

    image: str
    image_bytes: int
    containers: tuple  # ContainerSize after writing (docker ps -s)
    df_writable: tuple  # (name, bytes) as docker system df -v lists them
    layers_change_bytes: int
    containers_change_bytes: int
    total_change_bytes: int

    @property
    def deltas_bytes(self) -> int:
        return sum(c.writable_layer_bytes for c in self.containers)

    @property
    def model_total_bytes(self) -> int:
        """The lecture's equation: the image once, plus every container's delta."""
        return self.image_bytes + self.deltas_bytes

    @property
    def naive_total_bytes(self) -> int:
        """As if every container carried its own copy of the image."""
        return len(self.containers) * self.image_bytes + self.deltas_bytes

    @property
    def virtual_sum_bytes(self) -> int:
        return sum(c.virtual_bytes for c in self.containers)

    def checks(self) -> tuple:
        """(claim, holds) pairs, each measured."""
        ps = {c.name: c.writable_layer_bytes for c in self.containers}
        n = len(self.containers)
        return (
            (
                "docker system df -v lists each writable layer with the bytes docker ps -s shows",
                dict(self.df_writable) == ps,
            ),
            (
                f"the image layers in the Engine did not grow when {n} containers started and "
                "wrote (LayersSize changed by 0 B)",
                self.layers_change_bytes == 0,
            ),
            (
                "the writable layers grew by exactly the sum of the deltas",
                self.containers_change_bytes == self.deltas_bytes,
            ),
            (
                "the Engine's total grew by exactly the sum of the deltas",
                self.total_change_bytes == self.deltas_bytes,
            ),
            (
                "adding up the VIRTUAL sizes of docker ps -s gives the naive figure",
                self.virtual_sum_bytes == self.naive_total_bytes,
            ),
        )

    def verdict(self) -> str:
        """The sum of the deltas in exact bytes, then each check answered yes or no."""
        parts = " + ".join(f"{c.writable_layer_bytes:,}" for c in self.containers)
        lines = [f"sum of the deltas: {parts} = {self.deltas_bytes:,} B ({si(self.deltas_bytes)})"]
        lines += [f"{_yes(holds):>3}  {claim}" for claim, holds in self.checks()]
        return "\n".join(lines)

    def table(self) -> Table:
        n = len(self.containers)
        rows = [(f"{self.image}'s layers, stored once", self.image_bytes)]
        rows += [
            (f"{c.name}'s writable layer (delta)", c.writable_layer_bytes) for c in self.containers
        ]
        rows += [
            ("total: image once + the deltas", self.model_total_bytes),
            (f"naive: {n} copies of the image + the deltas", self.naive_total_bytes),
        ]
        shown = [(what, f"{b:,}", si(b)) for what, b in rows]
        shown += [
            ("docker system df: image layers changed by", _signed(self.layers_change_bytes), ""),
            (
                "docker system df: writable layers changed by",
                _signed(self.containers_change_bytes),
                "",
            ),
            ("docker system df: Engine total changed by", _signed(self.total_change_bytes), ""),
        ]
        return Table(["", "bytes", "docker prints"], shown)

    def virtual_table(self) -> Table:
        """`docker ps -s`: SIZE is the writable layer; "virtual" adds the image's layers."""
        return Table(
            ["container", "SIZE", "virtual", "virtual - SIZE", f"= {self.image}'s size?"],
            [
                (
                    c.name,
                    si(c.writable_layer_bytes),
                    si(c.virtual_bytes),
                    f"{c.virtual_bytes - c.writable_layer_bytes:,}",
                    _yes(c.virtual_bytes - c.writable_layer_bytes == self.image_bytes),
                )
                for c in self.containers
            ],
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def storage_equation(before: Snapshot, after: Snapshot) -> StorageEquation:
    """Put the lecture's equation together from two snapshots: `before` the containers existed,
    `after` they wrote their deltas (plain arithmetic on measured figures; no Engine call)."""
    if not after.containers:
        raise BadInput(
            "The 'after' snapshot has no lesson containers in it.",
            "the equation needs the containers' writable layers.",
            "start the containers and write the deltas first, then take the snapshot.",
        )
    return StorageEquation(
        after.image,
        after.image_bytes,
        after.containers,
        after.df_writable,
        after.layers_bytes - before.layers_bytes,
        after.containers_bytes - before.containers_bytes,
        after.total_bytes - before.total_bytes,
    )


_DELTA_COLOURS = ("#2f6db5", "#e07b39", "#3a9a5b", "#8e5cc2", "#c44e52", "#8c8c3c")
_IMAGE_COLOUR = "#b8b8b8"


def plot_equation(equation: StorageEquation):
    """Left: stacked bars of what the Engine stores (the image once + the deltas) beside the naive
    figure (one image copy per container + the deltas). Right: the deltas, zoomed in. Sizes in
    MB (SI, as docker prints)."""
    import matplotlib.pyplot as plt

    n = len(equation.containers)
    fig, (ax, zoom) = plt.subplots(1, 2, figsize=(8.6, 4.6), gridspec_kw={"width_ratios": [2.2, 1]})
    bars = (("measured:\nimage once + deltas", 1), (f"naive:\n{n} image copies + deltas", n))
    for x, (_label, copies) in enumerate(bars):
        bottom = 0.0
        for copy in range(copies):
            height = equation.image_bytes / 1e6
            ax.bar(
                x,
                height,
                bottom=bottom,
                color=_IMAGE_COLOUR,
                edgecolor="white",
                width=0.55,
                label=f"{equation.image}'s layers" if x == 0 and copy == 0 else None,
            )
            bottom += height
        for i, c in enumerate(equation.containers):
            height = c.writable_layer_bytes / 1e6
            colour = _DELTA_COLOURS[i % len(_DELTA_COLOURS)]
            ax.bar(x, height, bottom=bottom, color=colour, width=0.55)
            bottom += height
        total = equation.model_total_bytes if copies == 1 else equation.naive_total_bytes
        ax.annotate(
            f"{si(total)}\n({total:,} B)", (x, bottom), ha="center", va="bottom", fontsize=9
        )
    ax.set_xticks(range(len(bars)), [label for label, _ in bars])
    ax.set_ylabel("MB (SI, as docker prints)")
    ax.set_ylim(0, equation.naive_total_bytes / 1e6 * 1.18)
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    ax.set_title(f"{n} containers from {equation.image}", fontsize=11)

    bottom = 0.0
    for i, c in enumerate(equation.containers):
        height = c.writable_layer_bytes / 1e6
        colour = _DELTA_COLOURS[i % len(_DELTA_COLOURS)]
        zoom.bar(0, height, bottom=bottom, color=colour, width=0.8)
        zoom.annotate(
            f"{c.name}\n{si(c.writable_layer_bytes)}",
            (0, bottom + height / 2),
            ha="center",
            va="center",
            fontsize=9,
            color="white",
            fontweight="bold",
        )
        bottom += height
    zoom.annotate(
        f"sum: {si(equation.deltas_bytes)}", (0, bottom), ha="center", va="bottom", fontsize=9
    )
    zoom.set_xlim(-0.5, 0.5)
    zoom.set_ylim(0, max(bottom, 1e-6) * 1.15)
    zoom.set_xticks([0], ["the deltas,\nzoomed in"])
    zoom.set_ylabel("MB (SI)")
    zoom.set_title(f"docker system df: total +{si(equation.total_change_bytes)}", fontsize=11)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's result
    return fig


# --- scaling: 1 to 20 containers ------------------------------------------------------------------


@result
class ScalePoint:
    """The Engine after the N-th container of the scaling run started and wrote its delta."""

    containers: int
    writable_bytes: int  # the sum of the run's writable layers (docker ps -s)
    layers_change_bytes: int  # LayersSize now minus before the first container
    total_change_bytes: int  # the Engine's total now minus before the first container


@result
class Scaling:
    """A scaling run: containers started one by one from IMAGE, each writing DELTA bytes."""

    image: str
    image_bytes: int
    delta_bytes: int
    points: tuple
    seconds: float

    def model_bytes(self, point: ScalePoint) -> int:
        return self.image_bytes + point.writable_bytes

    def naive_bytes(self, point: ScalePoint) -> int:
        return point.containers * self.image_bytes + point.writable_bytes

    def measured_bytes(self, point: ScalePoint) -> int:
        """The image plus what the Engine's total grew by: what these containers really cost."""
        return self.image_bytes + point.total_change_bytes

    def table(self) -> Table:
        """Only figures that do not depend on the image's size (the plot shows those)."""
        return Table(
            [
                "containers",
                "sum of writable layers",
                "Engine total grew by",
                "image layers grew by",
                "= image once + deltas?",
            ],
            [
                (
                    p.containers,
                    f"{p.writable_bytes:,} B",
                    _signed(p.total_change_bytes),
                    _signed(p.layers_change_bytes),
                    _yes(p.layers_change_bytes == 0 and p.total_change_bytes == p.writable_bytes),
                )
                for p in self.points
            ],
            caption=f"{len(self.points)} containers from {self.image}, "
            f"{self.delta_bytes:,} B written into each",
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def _scale_name(number: int) -> str:
    return f"{SCALE_PREFIX}{number:02d}"


def _remove_scale_containers(comment: str = "") -> None:
    """Remove the lab's scaling containers (selected by the lab's label and the name prefix)."""
    filters = {"label": [f"{MANAGED}=true"], "name": [SCALE_PREFIX]}
    for container in client().containers.list(all=True, filters=filters):
        if container.name.startswith(SCALE_PREFIX) and is_lab_owned(container.labels):
            announce(cli("rm", "-f", container.name) + comment)
            container.remove(force=True, v=True)


@engine_step("run the scaling experiment")
def scaling_experiment(
    count: int = 8,
    delta_mib: float = 4,
    image: str = LESSON_IMAGE,
    on_progress: Callable[[int, int, Scaling], None] | None = None,
) -> Scaling:
    """Start `count` containers (my-scale-01, ...) from IMAGE one at a time; after each, write
    `delta_mib` MiB into it and measure (`docker system df -v`, `docker ps -s`). The containers
    are removed at the end (also after an error). `on_progress(done, count, so_far)` follows it,
    `so_far` being the run up to that container.

    Raises:
        BadInput: `count` is not a whole number from 1 to MAX_SCALE.
        NotEnoughSpace: the deltas would not fit on the Engine's disk.
    """
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_SCALE:
        raise BadInput(
            f"Cannot run {count!r} containers for the scaling experiment.",
            f"the experiment takes a whole number from 1 to {MAX_SCALE}.",
            "pick a count on the slider.",
        )
    image_bytes = image_info.__wrapped_step__(image).size_bytes
    _remove_scale_containers("   # left by an earlier run")
    started = time.perf_counter()
    baseline = disk_usage.__wrapped_step__()
    names: list[str] = []
    points: list[ScalePoint] = []
    written = 0
    try:
        for number in range(1, count + 1):
            name = _scale_name(number)
            run_container.__wrapped_step__(name, image)
            names.append(name)
            written = write_data.__wrapped_step__(name, delta_mib).size_bytes
            usage = disk_usage.__wrapped_step__()
            sizes = container_sizes.__wrapped_step__(names)
            point = ScalePoint(
                number,
                sum(s.writable_layer_bytes for s in sizes),
                usage.layers_bytes - baseline.layers_bytes,
                usage.total_bytes - baseline.total_bytes,
            )
            points.append(point)
            if on_progress is not None:
                so_far = Scaling(image, image_bytes, written, tuple(points), 0.0)
                on_progress(number, count, so_far)
    finally:
        _remove_scale_containers()
    return Scaling(image, image_bytes, written, tuple(points), time.perf_counter() - started)


def plot_scaling(scaling: Scaling, planned: int | None = None):
    """Line plot: the naive figure and the measured total (image + what the Engine's total grew
    by), against the number of containers; the lecture's equation as a dashed line."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    xs = [p.containers for p in scaling.points]
    naive = [scaling.naive_bytes(p) / 1e6 for p in scaling.points]
    measured = [scaling.measured_bytes(p) / 1e6 for p in scaling.points]
    model = [scaling.model_bytes(p) / 1e6 for p in scaling.points]
    ax.plot(xs, naive, "o-", color="#c44e52", label="naive: one image copy per container + deltas")
    ax.plot(
        xs,
        measured,
        "o-",
        color="#2f6db5",
        markersize=8,
        label="measured: image + growth of docker system df's total",
    )
    ax.plot(
        xs,
        model,
        "--",
        color="black",
        linewidth=1.2,
        zorder=5,
        label="lecture's equation: image once + deltas",
    )
    last = max(planned or 0, xs[-1] if xs else 1)
    ax.set_xlim(0.5, last + 0.5)
    ax.set_xticks(range(1, last + 1, 1 if last <= 10 else 2))
    top = last * (scaling.image_bytes + scaling.delta_bytes) / 1e6
    ax.set_ylim(0, max([*naive, top]) * 1.12)
    ax.set_xlabel("containers from " + scaling.image)
    ax.set_ylabel("MB (SI, as docker prints)")
    if scaling.points:
        end = scaling.points[-1]
        ax.annotate(
            si(scaling.measured_bytes(end)),
            (end.containers, scaling.measured_bytes(end) / 1e6),
            textcoords="offset points",
            xytext=(4, 8),
            ha="right",
            fontsize=9,
            color="#2f6db5",
        )
        ax.annotate(
            si(scaling.naive_bytes(end)),
            (end.containers, scaling.naive_bytes(end) / 1e6),
            textcoords="offset points",
            xytext=(4, 8),
            ha="right",
            fontsize=9,
            color="#c44e52",
        )
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    ax.set_title(
        f"Each container adds its delta ({si(scaling.delta_bytes)}), not a copy of the image"
    )
    fig.tight_layout()
    plt.close(fig)
    return fig


_last: dict[str, Any] = {}


def last_scaling() -> Scaling:
    """The last scaling run of this session (the widget's).

    Raises:
        BadInput: no run yet.
    """
    if "scaling" not in _last:
        raise BadInput(
            "There is no scaling run yet.",
            "the table shows the last run of the scaling widget.",
            "run the widget's cell (it runs once by itself), or press its Run button.",
        )
    return _last["scaling"]


def scaling_table() -> Table:
    """The last scaling run's table (figures that do not depend on the image's size)."""
    return last_scaling().table()


# --- inside a writable layer: docker diff ---------------------------------------------------------

_DIFF_WORDS = {"A": "added", "C": "changed", "D": "deleted"}


def changes(name: str) -> Table:
    """`docker diff NAME` as a table: A added, C changed, D deleted (relative to the image)."""
    entries = sorted(diff(name), key=lambda d: d.path)
    return Table(
        ["", "what", "path"], [(d.kind, _DIFF_WORDS.get(d.kind, "?"), d.path) for d in entries]
    )


@result
class LayerChange:
    """One change made inside a container, with what `docker diff` and `docker ps -s` saw."""

    action: str
    command: str
    file_bytes: int  # the size of the image's file involved (0 for a new file)
    new_diff_lines: tuple  # docker diff lines that appeared ("A /app/new.txt", ...)
    writable_layer_bytes: int
    grew_by_bytes: int

    def verdict(self) -> str:
        """Did the writable layer grow by the whole file (copy-on-write), measured?"""
        return (
            "the writable layer grew by the file's whole size: "
            f"{_yes(self.file_bytes > 0 and self.grew_by_bytes == self.file_bytes)}"
        )

    def __repr__(self) -> str:
        return (
            f"{self.command}\n  docker diff now also shows: {'  '.join(self.new_diff_lines)}\n"
            f"  the file is {si_exact(self.file_bytes)}; the writable layer grew by "
            f"{si_exact(self.grew_by_bytes)}"
        )


@result
class ChangeDemo:
    """Changes made in a fresh container, one at a time, each measured."""

    container: str
    steps: tuple

    def table(self) -> Table:
        return Table(
            ["what", "command", "docker diff now also shows", "writable layer grew by"],
            [
                (s.action, s.command, "  ".join(s.new_diff_lines), _signed(s.grew_by_bytes))
                for s in self.steps
            ],
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def _layer_state(name: str) -> tuple[list[str], int]:
    """`docker diff` and `docker ps -s` of one container."""
    return _diff_lines(name), container_sizes.__wrapped_step__([name])[0].writable_layer_bytes


def _measured_change(
    name: str, action: str, command: str, file_bytes: int, before: tuple[list[str], int]
) -> tuple[LayerChange, tuple[list[str], int]]:
    """Run COMMAND in NAME and compare `docker diff` and `docker ps -s` with `before`."""
    exec_in.__wrapped_step__(name, command)
    after = _layer_state(name)
    new = tuple(line for line in after[0] if line not in before[0])
    return LayerChange(action, command, file_bytes, new, after[1], after[1] - before[1]), after


def _diff_lines(name: str) -> list[str]:
    """`docker diff NAME` as "K /path" lines, sorted by path (the Engine's order may vary)."""
    entries = sorted(diff.__wrapped_step__(name), key=lambda d: d.path)
    return [f"{d.kind} {d.path}" for d in entries]


def _file_size(name: str, path: str) -> int:
    out = exec_in.__wrapped_step__(name, f"stat -c %s {shlex.quote(path)}", echo=False)
    return int(out.output.strip())


@engine_step("add, change and delete files in a container")
def change_demo(name: str = COW_CONTAINER, image: str = LESSON_IMAGE) -> ChangeDemo:
    """In a fresh container: add a file, change a file of the image, delete a file of the image;
    after each, `docker diff` and `docker ps -s` (the container stays, for `upper_dir`)."""
    run_container.__wrapped_step__(name, image)
    changes_ = (
        ("add a new file", "echo hello > /app/new.txt", ""),
        ("change a file of the image", "echo '# changed' >> /app/app.py", "/app/app.py"),
        ("delete a file of the image", "rm /etc/debian_version", "/etc/debian_version"),
    )
    sizes = {path: _file_size(name, path) for _, _, path in changes_ if path}
    state = _layer_state(name)
    steps = []
    for action, command, path in changes_:
        change, state = _measured_change(name, action, command, sizes.get(path, 0), state)
        steps.append(change)
    return ChangeDemo(name, tuple(steps))


@engine_step("touch the biggest file of the image")
def touch_biggest_file(name: str = COW_CONTAINER) -> LayerChange:
    """`touch` the biggest file under /usr in the container: only its timestamp changes, yet
    overlay2 copies the whole file up into the writable layer first (copy-on-write)."""
    found = exec_in.__wrapped_step__(
        name,
        "find /usr -xdev -type f -printf '%s %p\\n' | sort -n | tail -n 1",
        echo=False,
    ).output.split(maxsplit=1)
    size, path = int(found[0]), found[1].strip()
    action = "change only the timestamp of the biggest file"
    command = f"touch {shlex.quote(path)}"
    return _measured_change(name, action, command, size, _layer_state(name))[0]


# --- the storage driver's view: lower, upper, merged ----------------------------------------------


@result
class StorageView:
    """Where the storage driver keeps a container's files (`docker inspect`: GraphDriver)."""

    container: str
    driver: str
    containerd_snapshotter: bool
    lower_dirs: tuple
    upper_dir: str
    merged_dir: str
    work_dir: str
    image_layers: int

    @property
    def init_layer(self) -> str:
        return next((d for d in self.lower_dirs if "-init/" in d), "")

    def explanation(self) -> str:
        if self.containerd_snapshotter:
            return (
                f"This Engine keeps images and containers in containerd's snapshotter "
                f"('{self.driver}'); `docker inspect` does not list its directories. `docker diff`"
                " and `docker ps -s` work the same."
            )
        if not self.upper_dir:
            return (
                f"The storage driver '{self.driver}' does not report lower/upper directories in "
                "`docker inspect`."
            )
        return (
            f"storage driver {self.driver}: {len(self.lower_dirs)} lower directories = "
            f"{self.image_layers} image layers + 1 init layer of this container: "
            f"{_yes(len(self.lower_dirs) == self.image_layers + 1 and bool(self.init_layer))}"
        )

    def table(self) -> Table:
        rows = [
            ("UpperDir", "the writable layer: every change this container makes", self.upper_dir)
        ]
        for number, lower in enumerate(self.lower_dirs, 1):
            if "-init/" in lower:
                what = "the container's init layer: empty /etc/hosts, /etc/resolv.conf, ..."
            else:
                what = "a layer of the image (read-only, shared)"
            rows.append((f"LowerDir {number}", what, lower))
        rows += [
            ("MergedDir", "the union of all of them: the container's /", self.merged_dir),
            ("WorkDir", "scratch space overlayfs needs for its copies", self.work_dir),
        ]
        return Table(["", "what it is", "path on the Engine's machine"], rows)

    def __repr__(self) -> str:
        if not self.upper_dir:
            return self.explanation()
        return repr(self.table())

    def _repr_html_(self) -> str:
        if not self.upper_dir:
            return f"<p>{html.escape(self.explanation())}</p>"
        return self.table()._repr_html_()


@engine_step("inspect the container's storage")
def storage_view(name: str) -> StorageView:
    """`docker inspect -f '{{json .GraphDriver}}' NAME`, explained; and the image's layer count."""
    from .doctor import engine_facts

    layout = storage_layout.__wrapped_step__(name)
    facts = engine_facts.__wrapped_step__()
    container = find_container(name)
    image = (container.attrs.get("Config", {}) if container else {}).get("Image", LESSON_IMAGE)
    layers = image_info.__wrapped_step__(image).layer_count
    data = layout.data
    lower = tuple(d for d in (data.get("LowerDir") or "").split(":") if d)
    return StorageView(
        name,
        layout.driver,
        facts.containerd_snapshotter,
        lower,
        data.get("UpperDir", ""),
        data.get("MergedDir", ""),
        data.get("WorkDir", ""),
        layers,
    )


@result
class UpperEntry:
    """One entry in a container's upper directory."""

    path: str  # relative to the upper directory
    kind: str  # file, directory, symlink, whiteout, other
    size_bytes: int


@result
class UpperDirListing:
    """What a container's upper directory holds, read on the Engine's machine or through a
    helper container (or why it could not be read)."""

    container: str
    upper_dir: str
    how: str
    readable: bool
    reason: str
    entries: tuple
    command: str
    writable_layer_bytes: int  # docker ps -s, measured at the same time

    @property
    def files_bytes(self) -> int:
        return sum(e.size_bytes for e in self.entries if e.kind == "file")

    def verdict(self) -> str:
        """The files in the upper directory against the writable-layer size docker ps -s shows."""
        if not self.readable:
            return repr(self)
        return (
            f"the files in the upper dir add up to {self.files_bytes:,} B; docker ps -s says "
            f"{self.writable_layer_bytes:,} B: the same: "
            f"{_yes(self.files_bytes == self.writable_layer_bytes)}"
        )

    def table(self) -> Table:
        return Table(
            ["in the upper dir", "kind", "size (bytes)"],
            [(e.path, e.kind, f"{e.size_bytes:,}") for e in self.entries],
            caption=f"{self.container}'s upper dir, {self.how}",
        )

    def __repr__(self) -> str:
        if not self.readable:
            return f"{self.container}'s upper dir could not be read ({self.how}): {self.reason}"
        return repr(self.table())

    def _repr_html_(self) -> str:
        if not self.readable:
            return f"<p>{html.escape(repr(self))}</p>"
        return self.table()._repr_html_()


def _engine_is_local() -> bool:
    host = os.environ.get("DOCKER_HOST", "")
    return not host or host.startswith("unix://")


def _kind(mode: int, rdev: int) -> str:
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISCHR(mode) and rdev == 0:
        return "whiteout"
    return "other"


def _walk(top: str) -> tuple:
    entries = []
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for entry in sorted(dirs + files):
            path = os.path.join(root, entry)
            info = os.lstat(path)
            kind = _kind(info.st_mode, info.st_rdev)
            size = info.st_size if kind == "file" else 0
            entries.append(UpperEntry(os.path.relpath(path, top), kind, size))
    return tuple(sorted(entries, key=lambda e: e.path))


_FIND_KINDS = {"f": "file", "d": "directory", "l": "symlink", "c": "whiteout"}


def _through_helper(name: str, upper: str, image: str) -> UpperDirListing:
    import docker

    argv = ["find", PEEK_AT, "-mindepth", "1", "-printf", "%y %s %P\\n"]
    shown = cli("run", "--rm", "-v", f"{upper}:{PEEK_AT}:ro", image, *argv)
    announce(shown)
    output = client().containers.run(
        image,
        argv,
        remove=True,
        labels=lab_labels(),
        mounts=[docker.types.Mount(PEEK_AT, upper, type="bind", read_only=True)],
    )
    entries = []
    for line in output.decode(errors="replace").splitlines():
        kind, size, path = line.split(" ", 2)
        kind = _FIND_KINDS.get(kind, "other")
        entries.append(UpperEntry(path, kind, int(size) if kind == "file" else 0))
    how = "through a helper container"
    ordered = tuple(sorted(entries, key=lambda e: e.path))
    return UpperDirListing(name, upper, how, True, "", ordered, shown, _layer_bytes(name))


def _layer_bytes(name: str) -> int:
    return container_sizes.__wrapped_step__([name])[0].writable_layer_bytes


@engine_step("read the container's upper directory")
def upper_dir(name: str, via: str = "auto", image: str = LESSON_IMAGE) -> UpperDirListing:
    """List what sits in a container's upper directory (overlay2's writable layer).

    via="host" reads it on this machine (native Linux, the notebook on the Engine's machine, as
    root); via="container" bind-mounts just that directory read-only into a throw-away container
    (`docker run --rm -v UPPER:/upper:ro ...`), which needs no access to the Engine's files from
    here; "auto" takes the first that works.
    """
    from .doctor import engine_facts

    if via not in ("auto", "host", "container"):
        raise BadInput(
            f"Unknown way '{via}' to read the upper directory.",
            "the ways are host, container and auto.",
            'pass via="auto".',
        )
    layout = storage_layout.__wrapped_step__(name)
    upper = (layout.data or {}).get("UpperDir", "")
    if not upper:
        return UpperDirListing(
            name,
            "",
            "not available",
            False,
            f"the storage driver '{layout.driver}' does not report an upper directory",
            (),
            "",
            _layer_bytes(name),
        )
    kind = engine_facts.__wrapped_step__().platform_kind
    on_this_machine = _engine_is_local() and kind == "native-linux" and os.path.isdir(upper)
    readable_here = on_this_machine and os.access(upper, os.R_OK | os.X_OK)
    if via == "container" or (via == "auto" and not readable_here):
        return _through_helper(name, upper, image)
    shown = f"sudo find {upper} -mindepth 1 -printf '%y %s %P\\n'"
    announce(shown)
    if not readable_here:
        reason = (
            "only root may read the Engine's data root (run the notebook as root, or use sudo "
            "in a terminal)"
            if on_this_machine
            else "the Engine's files are not on this machine (a VM, or a remote Engine)"
        )
        return UpperDirListing(
            name, upper, "read on this machine", False, reason, (), shown, _layer_bytes(name)
        )
    entries = _walk(upper)
    return UpperDirListing(
        name, upper, "read on this machine", True, "", entries, shown, _layer_bytes(name)
    )


# --- widgets ----------------------------------------------------------------------------------


def _run_quietly(action: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, str]:
    """Run a helper, keeping what it prints (its docker commands) and any lab error as text."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            value = action(*args, **kwargs)
    except LabError as exc:
        return None, f"{printed.getvalue()}{type(exc).__name__}: {exc}\n"
    return value, printed.getvalue()


def _pre(text: str, max_height: str = "14em") -> str:
    return (
        f"<pre style='max-height:{max_height};overflow:auto;font-size:85%'>"
        f"{html.escape(text)}</pre>"
    )


def deltas_widget(
    defaults: tuple = LESSON_DELTAS_MIB, names: tuple = CONTAINERS, max_mib: int = 500
):
    """One slider per container and a button: each press writes that many MiB into each container
    (replacing what the last press wrote) and shows every writable layer as `docker ps -s` does.
    The default sizes are written once at once.

    Shown in an HTML pane, not an Output area, so a notebook run unattended stores the same
    outputs every time."""
    import ipywidgets as w

    sliders = [
        w.IntSlider(
            value=size,
            min=0,
            max=max_mib,
            description=f"{name} (MiB)",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=w.Layout(width="420px"),
        )
        for name, size in zip(names, defaults, strict=True)
    ]
    button = w.Button(
        description="Write into each container", button_style="primary", icon="pencil"
    )
    shown = w.HTML()

    def write(*_: object) -> None:
        shown.value = "<i>writing ...</i>"
        sizes, printed = _run_quietly(write_deltas, tuple(s.value for s in sliders), names)
        table = _sizes_table(sizes)._repr_html_() if sizes is not None else ""
        shown.value = _pre(printed) + table

    button.on_click(write)
    write()
    return w.VBox([*sliders, button, shown])


def scaling_widget(count: int = 8, delta_mib: int = 4, max_count: int = MAX_SCALE):
    """A slider for the number of containers (1 to MAX_SCALE), one for the delta each writes, and
    a Run button: containers start one by one, the plot grows after each, and they are removed at
    the end. The default run happens once at once; `scaling_table()` shows the last run."""
    import ipywidgets as w
    from IPython.display import display

    how_many = w.IntSlider(
        value=count, min=1, max=max_count, description="containers", continuous_update=False
    )
    each = w.IntSlider(
        value=delta_mib, min=0, max=64, description="MiB each", continuous_update=False
    )
    button = w.Button(description="Run", button_style="primary", icon="play")
    bar = w.IntProgress(value=0, min=0, max=count, description="started")
    status = w.Label()
    chart = w.Output()
    commands = w.HTML()
    log = w.Accordion(children=[commands], titles=("docker commands (click to open)",))
    log.selected_index = None
    display(w.VBox([w.HBox([how_many, each, button]), w.HBox([bar, status]), chart, log]))

    def draw(scaling: Scaling, planned: int) -> None:
        chart.outputs = ()
        chart.append_display_data(plot_scaling(scaling, planned))

    def run(*_: object) -> None:
        planned, mib = how_many.value, each.value
        bar.max, bar.value, bar.bar_style = planned, 0, "info"
        status.value = "starting ..."

        def on_progress(done: int, total: int, so_far: Scaling) -> None:
            bar.value = done
            grew = so_far.points[-1].total_change_bytes
            status.value = f"{done}/{total} containers: Engine total {_signed(grew)}"
            draw(so_far, planned)

        scaling, printed = _run_quietly(scaling_experiment, planned, mib, on_progress=on_progress)
        commands.value = _pre(printed, "24em")
        if scaling is None:
            bar.bar_style = "danger"
            status.value = printed.strip().splitlines()[-3] if printed.strip() else "failed"
            return
        _last["scaling"] = scaling
        bar.bar_style = "success"
        status.value = (
            f"{planned} containers in {scaling.seconds:.1f} s; removed again. "
            "The table below the widget: re-run its cell."
        )
        draw(scaling, planned)

    button.on_click(run)
    run()


# --- the exercise -------------------------------------------------------------------------------

EXERCISE_TITLE = "A writable layer of exactly 3,000,000 bytes"
EXERCISE_CONTAINER = "ex02-box"
EXERCISE_BYTES = 3_000_000


@exercise_check(EXERCISE_TITLE)
def check_three_megabytes(name: str = EXERCISE_CONTAINER) -> CheckResult:
    """Exercise 02: is there a lab-labelled container NAME whose writable layer holds exactly
    3,000,000 bytes (so `docker ps -s` prints 3MB)?"""
    create = (
        f"docker run -d --init --name {name} --label {MANAGED}=true {LESSON_IMAGE}, then "
        f"`docker exec {name} dd if=/dev/zero of=/app/data.bin bs=<a block size> count=<n>` and "
        f"`docker ps -s --filter name={name}`"
    )
    container = find_container(name)
    if container is None:
        return not_yet(EXERCISE_TITLE, f"there is no container '{name}' yet.", create)
    if not is_lab_owned(container.labels):
        return not_yet(
            EXERCISE_TITLE,
            f"'{name}' has no {MANAGED}=true label, so the lab's cleanup would leave it behind "
            "(labels cannot be added to a container later).",
            f"remove it (`docker rm -f {name}`) and start it again: {create}",
        )
    size = container_sizes([name])[0].writable_layer_bytes
    if size == EXERCISE_BYTES:
        return passed(
            EXERCISE_TITLE,
            f"'{name}' holds {si_exact(size)} in its writable layer: docker ps -s prints "
            f"{si(size)}.",
        )
    if size and size % MIB == 0:
        why = (
            f"'{name}' holds {si_exact(size)}: that is {size // MIB} MiB (dd's bs=1M means "
            "1,048,576 bytes), which docker prints as " + si(size) + "."
        )
        hint = (
            "the CLI counts 1 MB as 1,000,000 bytes: write 3,000,000 bytes instead "
            "(GNU dd's bs=1MB is 1,000,000 bytes; `head -c 3000000 /dev/zero` works too). "
            "Overwrite the same file, or remove the extra one, so nothing else stays in the layer."
        )
        return not_yet(EXERCISE_TITLE, why, hint)
    return not_yet(
        EXERCISE_TITLE,
        f"'{name}' holds {si_exact(size)} in its writable layer, not {EXERCISE_BYTES:,} B.",
        "`docker diff " + name + "` lists what the layer holds; remove what should not be there "
        "(or start over with `docker rm -f " + name + "`), then write 3,000,000 bytes.",
    )


__all__ = [
    "CONTAINERS",
    "LESSON_DELTAS_MIB",
    "change_demo",
    "changes",
    "check_three_megabytes",
    "clear_stage",
    "deltas_widget",
    "last_scaling",
    "plot_equation",
    "plot_scaling",
    "scaling_experiment",
    "scaling_table",
    "scaling_widget",
    "sizes_table",
    "snapshot",
    "start_containers",
    "storage_equation",
    "storage_view",
    "touch_biggest_file",
    "units_table",
    "upper_dir",
    "write_deltas",
]
