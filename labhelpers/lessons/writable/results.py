"""What the writable-layer experiments return, and how each shows as a table.

Snapshots of the Engine's storage, the lecture's equation put together from two of them, the
scaling run, what a writable layer holds (`docker diff`, copy-on-write) and where the storage
driver keeps it. Plots of these are in views.py (`equation.plot()` calls into it).
"""

from __future__ import annotations

import html

from ...core.errors import BadInput
from ...core.results import result
from ...core.units import si, si_exact, signed_bytes
from ...views import Table, TableShown, yes_no
from . import views

__all__ = [
    "ChangeDemo",
    "Changes",
    "LayerChange",
    "LayerSizes",
    "ScalePoint",
    "Scaling",
    "Snapshot",
    "StorageEquation",
    "StorageView",
    "UpperDirListing",
    "UpperEntry",
    "storage_equation",
]


# --- three containers and their writable layers -----------------------------------------------


@result
class LayerSizes(TableShown):
    """`docker ps -a -s` for some containers: each writable layer, as the CLI prints it and in
    exact bytes."""

    sizes: tuple  # ContainerSize per container

    def table(self) -> Table:
        return Table(
            ["container", "status", "SIZE (docker ps -s)", "exact bytes (SizeRw)"],
            [
                (s.name, s.status, si(s.writable_layer_bytes), f"{s.writable_layer_bytes:,}")
                for s in self.sizes
            ],
        )


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


# --- the lesson's equation ----------------------------------------------------------------------


@result
class StorageEquation(TableShown):
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
        lines += [f"{yes_no(holds):>3}  {claim}" for claim, holds in self.checks()]
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
        changes = (
            ("image layers", self.layers_change_bytes),
            ("writable layers", self.containers_change_bytes),
            ("Engine total", self.total_change_bytes),
        )
        shown += [(f"docker system df: {w} changed by", signed_bytes(b), "") for w, b in changes]
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
                    yes_no(c.virtual_bytes - c.writable_layer_bytes == self.image_bytes),
                )
                for c in self.containers
            ],
        )

    def plot(self):
        """The image once + the deltas beside the naive figure, and the deltas zoomed in."""
        return views.plot_equation(self)


def storage_equation(before: Snapshot, after: Snapshot) -> StorageEquation:
    """Put the lecture's equation together from two snapshots: `before` the containers existed,
    `after` they wrote their deltas (plain arithmetic on measured figures; no Engine call).

    Raises:
        BadInput: the `after` snapshot holds no lesson containers.
    """
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


# --- scaling: 1 to 20 containers ------------------------------------------------------------------


@result
class ScalePoint:
    """The Engine after the N-th container of the scaling run started and wrote its delta."""

    containers: int
    writable_bytes: int  # the sum of the run's writable layers (docker ps -s)
    layers_change_bytes: int  # LayersSize now minus before the first container
    total_change_bytes: int  # the Engine's total now minus before the first container


@result
class Scaling(TableShown):
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
                    signed_bytes(p.total_change_bytes),
                    signed_bytes(p.layers_change_bytes),
                    yes_no(p.layers_change_bytes == 0 and p.total_change_bytes == p.writable_bytes),
                )
                for p in self.points
            ],
            caption=f"{len(self.points)} containers from {self.image}, "
            f"{self.delta_bytes:,} B written into each",
        )

    def plot(self, planned: int | None = None):
        """The naive figure and the measured total against the number of containers (the x axis
        reaches `planned` while a run is under way)."""
        return views.plot_scaling(self, planned)


# --- inside a writable layer: docker diff ---------------------------------------------------------

_DIFF_WORDS = {"A": "added", "C": "changed", "D": "deleted"}


@result
class Changes(TableShown):
    """`docker diff NAME`: A added, C changed, D deleted (relative to the image), by path."""

    container: str
    entries: tuple  # DiffEntry per path

    def table(self) -> Table:
        return Table(
            ["", "what", "path"],
            [(d.kind, _DIFF_WORDS.get(d.kind, "?"), d.path) for d in self.entries],
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
            f"{yes_no(self.file_bytes > 0 and self.grew_by_bytes == self.file_bytes)}"
        )

    def __repr__(self) -> str:
        return (
            f"{self.command}\n  docker diff now also shows: {'  '.join(self.new_diff_lines)}\n"
            f"  the file is {si_exact(self.file_bytes)}; the writable layer grew by "
            f"{si_exact(self.grew_by_bytes)}"
        )


@result
class ChangeDemo(TableShown):
    """Changes made in a fresh container, one at a time, each measured."""

    container: str
    steps: tuple  # LayerChange per change

    def table(self) -> Table:
        return Table(
            ["what", "command", "docker diff now also shows", "writable layer grew by"],
            [
                (s.action, s.command, "  ".join(s.new_diff_lines), signed_bytes(s.grew_by_bytes))
                for s in self.steps
            ],
        )


# --- the storage driver's view: lower, upper, merged ----------------------------------------------


@result
class StorageView(TableShown):
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
            f"{yes_no(len(self.lower_dirs) == self.image_layers + 1 and bool(self.init_layer))}"
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
        return super().__repr__() if self.upper_dir else self.explanation()

    def _repr_html_(self) -> str:
        if self.upper_dir:
            return super()._repr_html_()
        return f"<p>{html.escape(self.explanation())}</p>"


@result
class UpperEntry:
    """One entry in a container's upper directory."""

    path: str  # relative to the upper directory
    kind: str  # file, directory, symlink, whiteout, other
    size_bytes: int


@result
class UpperDirListing(TableShown):
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
            return self._unreadable()
        return (
            f"the files in the upper dir add up to {self.files_bytes:,} B; docker ps -s says "
            f"{self.writable_layer_bytes:,} B: the same: "
            f"{yes_no(self.files_bytes == self.writable_layer_bytes)}"
        )

    def table(self) -> Table:
        return Table(
            ["in the upper dir", "kind", "size (bytes)"],
            [(e.path, e.kind, f"{e.size_bytes:,}") for e in self.entries],
            caption=f"{self.container}'s upper dir, {self.how}",
        )

    def _unreadable(self) -> str:
        return f"{self.container}'s upper dir could not be read ({self.how}): {self.reason}"

    def __repr__(self) -> str:
        return super().__repr__() if self.readable else self._unreadable()

    def _repr_html_(self) -> str:
        if self.readable:
            return super()._repr_html_()
        return f"<p>{html.escape(self._unreadable())}</p>"
