"""What the writable-layer experiments return, and how each shows as a table.

Snapshots of the Engine's storage, the lecture's equation put together from two of them, the
scaling run, what a writable layer holds (`docker diff`, copy-on-write) and where the storage
driver keeps it. Plots of these are in views.py (`equation.plot()` calls into it).

Each result carries the image store it was measured on (`store`: "graph driver" or
"containerd"), and its sentences explain that store's figures from what was measured:

* the overlay2 graph driver counts a writable layer as the sizes of the files in it, and its
  `docker system df` counts image layers (LayersSize) and writable layers (CONTAINERS) apart;
* the containerd snapshotter counts the disk blocks of every file and directory in a layer, and
  its LayersSize adds up every snapshot containerd keeps: the image's layers and compressed
  content, and each container's writable and init layers too, which CONTAINERS counts again.
"""

from __future__ import annotations

import html

from ...core.errors import BadInput
from ...core.results import result
from ...core.units import si, si_exact, signed_bytes
from ...core.table import Table, TableShown, yes_no
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
    "counting_rule",
    "storage_equation",
]

CONTAINERD = "containerd"


def counting_rule(store: str, block_bytes: int = 0) -> str:
    """How THIS store measures a writable layer, in one clause."""
    if store == CONTAINERD:
        blocks = f" of {block_bytes:,} B" if block_bytes else ""
        return (
            f"the containerd snapshotter counts the disk blocks{blocks} that every file and "
            "directory in a layer takes, the layer's own directory included"
        )
    return (
        "the overlay2 graph driver counts the sizes of the files in a layer, and 0 B for a "
        "directory"
    )


def _same_or_list(values: list[int]) -> str:
    if values and all(v == values[0] for v in values):
        return f"{signed_bytes(values[0])} each"
    return ", ".join(signed_bytes(v) for v in values)


# --- three containers and their writable layers -----------------------------------------------


@result
class LayerSizes(TableShown):
    """`docker ps -a -s` for some containers: each writable layer, as the CLI prints it and in
    exact bytes, beside the data written into it (the delta file's size)."""

    sizes: tuple  # ContainerSize per container
    data: tuple  # (name, bytes in the delta file; -1: not looked at, the container is stopped)
    path: str  # the delta file
    store: str
    block_bytes: int  # the block size under the writable layers (0: unknown)

    def extras(self) -> list[int]:
        """SizeRw minus the data written, per container that could be looked at."""
        data = dict(self.data)
        return [
            s.writable_layer_bytes - data[s.name] for s in self.sizes if data.get(s.name, -1) >= 0
        ]

    def verdict(self) -> str:
        """What the writable layers hold besides the data, and why, for this store."""
        extras = self.extras()
        if not extras:
            return ""
        if all(e == 0 for e in extras):
            return (
                f"Each writable layer holds exactly the bytes of {self.path} (0 B when nothing "
                f"is written yet): {counting_rule(self.store)}."
            )
        return (
            f"Each writable layer holds more than the bytes of {self.path}: "
            f"{_same_or_list(extras)}, because {counting_rule(self.store, self.block_bytes)}. "
            "So even a fresh layer is not 0 B: it holds the directories docker-init's mount point "
            "needed (notebook 02b lists them)."
        )

    def table(self) -> Table:
        data = dict(self.data)
        rows = []
        for s in self.sizes:
            written = data.get(s.name, -1)
            rows.append(
                (
                    s.name,
                    s.status,
                    si(s.writable_layer_bytes),
                    f"{s.writable_layer_bytes:,}",
                    f"{written:,}" if written >= 0 else "?",
                    signed_bytes(s.writable_layer_bytes - written) if written >= 0 else "",
                )
            )
        return Table(
            [
                "container",
                "status",
                "SIZE (docker ps -s)",
                "exact bytes (SizeRw)",
                f"bytes in {self.path}",
                "SizeRw - those",
            ],
            rows,
            caption=self.verdict(),
        )


@result
class Snapshot:
    """The Engine's storage at one moment: `docker system df -v` totals, the image's sizes, and
    `docker ps -s` for the lesson's containers that exist, with the data in each one's delta file
    and (containerd store) each one's init layer."""

    moment: str
    store: str
    layers_bytes: int  # LayersSize: the IMAGES line (see the module's docstring per store)
    containers_bytes: int  # the sum of every container's writable layer (CONTAINERS)
    total_bytes: int  # images + containers + volumes + build cache
    image: str
    image_unpacked_bytes: int  # the image's layers as containers see them
    image_content_bytes: int  # containerd store: its compressed content, kept too (else 0)
    image_listed_bytes: int  # SIZE in docker image ls
    containers: tuple  # ContainerSize per lesson container (docker ps -s)
    df_writable: tuple  # (name, SizeRw as docker system df -v lists it)
    data: tuple  # (name, bytes in the delta file; -1 when not looked at)
    init_layers: tuple  # (name, bytes of its init layer), containerd store only

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
    figure (every container a full copy of the image) beside it and `docker system df` checks.
    The image's size here is its unpacked layers, what every container sees."""

    image: str
    store: str
    image_bytes: int  # the image's unpacked layers
    image_content_bytes: int  # containerd store: its compressed content (0 with a graph driver)
    containers: tuple  # ContainerSize after writing (docker ps -s)
    df_writable: tuple  # (name, bytes) as docker system df -v lists them
    data: tuple  # (name, bytes written into its delta file)
    init_layers: tuple  # (name, bytes), containerd store only
    layers_change_bytes: int
    containers_change_bytes: int
    total_change_bytes: int

    @property
    def deltas_bytes(self) -> int:
        return sum(c.writable_layer_bytes for c in self.containers)

    @property
    def data_bytes(self) -> int:
        return sum(max(b, 0) for _, b in self.data)

    @property
    def init_bytes(self) -> int:
        return sum(b for _, b in self.init_layers)

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
        """(claim, holds, why) triples, each measured; `why` explains a claim that does not hold
        on this store ("" when it holds)."""
        ps = {c.name: c.writable_layer_bytes for c in self.containers}
        n, deltas, inits = len(self.containers), self.deltas_bytes, self.init_bytes
        containerd = self.store == CONTAINERD
        grew = self.layers_change_bytes
        layers_why = total_why = virtual_why = ""
        if containerd and grew:
            layers_why = (
                f"it grew by {grew:,} B = the {n} writable layers again ({deltas:,} B) + the "
                f"containers' {len(self.init_layers)} init layers ({inits:,} B): with the "
                "containerd image store, LayersSize adds up every snapshot containerd keeps, "
                "the containers' own included"
            )
        if containerd and self.total_change_bytes != deltas:
            total_why = (
                f"it grew by {self.total_change_bytes:,} B = 2 x {deltas:,} + {inits:,}: each "
                "writable layer is counted twice (under IMAGES and under CONTAINERS), though the "
                "disk holds it once"
            )
        if containerd and self.virtual_sum_bytes != self.naive_total_bytes:
            virtual_why = (
                f"each virtual size also holds that container's init layer ({inits:,} B in all), "
                "which containerd counts among its parent layers"
            )
        checks = [
            (
                "docker system df -v lists each writable layer with the bytes docker ps -s shows",
                dict(self.df_writable) == ps,
                "",
            ),
            (
                f"the image layers in the Engine did not grow when {n} containers started and "
                "wrote (LayersSize changed by 0 B)",
                grew == 0,
                layers_why,
            ),
        ]
        if containerd:
            checks.append(
                (
                    "no byte of the image's layers was copied: LayersSize grew by exactly the "
                    "containers' own layers (writable + init)",
                    grew == deltas + inits,
                    "",
                )
            )
        checks += [
            (
                "the writable layers grew by exactly the sum of the deltas",
                self.containers_change_bytes == deltas,
                "",
            ),
            (
                "the Engine's total grew by exactly the sum of the deltas",
                self.total_change_bytes == deltas,
                total_why,
            ),
            (
                "adding up the VIRTUAL sizes of docker ps -s gives the naive figure",
                self.virtual_sum_bytes == self.naive_total_bytes,
                virtual_why,
            ),
        ]
        return tuple(checks)

    def summary(self) -> str:
        """One sentence: does the lecture's equation hold on this Engine, and where."""
        checks = self.checks()
        if all(holds for _, holds, _ in checks):
            return (
                "So on this Engine the lecture's equation holds to the byte, as docker system df "
                "counts (it adds up file sizes; the disk itself allocates whole blocks): the "
                "image's layers once, plus the deltas."
            )
        if self.store == CONTAINERD and checks[2][1]:
            return (
                "So on this Engine the disk holds the image's layers once plus the deltas (and a "
                "small init layer per container), as the lecture says; docker system df's total "
                "counts the deltas twice, and docker ps -s counts whole disk blocks."
            )
        return "So on this Engine some figures do not add up: the lines above say which."

    def verdict(self) -> str:
        """The sum of the deltas in exact bytes, then each check answered yes or no (with why,
        where it does not hold), then a one-line summary."""
        parts = " + ".join(f"{c.writable_layer_bytes:,}" for c in self.containers)
        deltas, data = self.deltas_bytes, self.data_bytes
        lines = [f"sum of the deltas: {parts} = {deltas:,} B ({si(deltas)})"]
        if deltas == data:
            lines.append(
                f"data written into them: {data:,} B: the same, as {counting_rule(self.store)}"
            )
        else:
            lines.append(
                f"data written into them: {data:,} B; the other {deltas - data:,} B are there "
                f"because {counting_rule(self.store)}"
            )
        for claim, holds, why in self.checks():
            lines.append(f"{yes_no(holds):>3}  {claim}")
            if why:
                lines.append(f"       why: {why}")
        lines.append(self.summary())
        return "\n".join(lines)

    def table(self) -> Table:
        n = len(self.containers)
        rows = [(f"{self.image}'s layers (unpacked), stored once", self.image_bytes)]
        rows += [
            (f"{c.name}'s writable layer (delta)", c.writable_layer_bytes) for c in self.containers
        ]
        rows += [
            ("total: image once + the deltas", self.model_total_bytes),
            (f"naive: {n} copies of the image + the deltas", self.naive_total_bytes),
        ]
        shown = [(what, f"{b:,}", si(b)) for what, b in rows]
        if self.image_content_bytes:
            shown.append(
                (
                    f"beside the equation: {self.image}'s compressed layers, which the "
                    "containerd store keeps too",
                    f"{self.image_content_bytes:,}",
                    si(self.image_content_bytes),
                )
            )
        changes = (
            ("image layers (IMAGES)", self.layers_change_bytes),
            ("writable layers (CONTAINERS)", self.containers_change_bytes),
            ("Engine total", self.total_change_bytes),
        )
        shown += [(f"docker system df: {w} changed by", signed_bytes(b), "") for w, b in changes]
        return Table(["", "bytes", "docker prints"], shown)

    def virtual_table(self) -> Table:
        """`docker ps -s`: SIZE is the writable layer; "virtual" adds the image's layers (and, on
        the containerd store, the container's init layer)."""
        inits = dict(self.init_layers)
        rows = []
        for c in self.containers:
            rest = c.virtual_bytes - c.writable_layer_bytes - self.image_bytes
            rows.append(
                (
                    c.name,
                    si(c.writable_layer_bytes),
                    si(c.virtual_bytes),
                    f"{c.virtual_bytes - c.writable_layer_bytes:,}",
                    f"{self.image_bytes:,}",
                    signed_bytes(rest),
                    yes_no(rest == inits.get(c.name, 0)),
                )
            )
        caption = (
            "virtual - SIZE: the image's unpacked layers + the container's init layer, which "
            "the containerd store counts among a container's parent layers"
            if self.store == CONTAINERD
            else "virtual - SIZE: exactly the image's layers"
        )
        return Table(
            [
                "container",
                "SIZE",
                "virtual",
                "virtual - SIZE",
                f"{self.image} (unpacked)",
                "the rest",
                "= its init layer?" if self.store == CONTAINERD else "= 0 B?",
            ],
            rows,
            caption=caption,
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
        after.store,
        after.image_unpacked_bytes,
        after.image_content_bytes,
        after.containers,
        after.df_writable,
        after.data,
        after.init_layers,
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
    layers_change_bytes: int  # LayersSize (IMAGES) now minus before the first container
    containers_change_bytes: int  # CONTAINERS now minus before the first container
    total_change_bytes: int  # the Engine's total now minus before the first container


@result
class Scaling(TableShown):
    """A scaling run: containers started one by one from IMAGE, each writing DELTA bytes. The
    image's size is its unpacked layers (what each container sees, and what a copy would take)."""

    image: str
    image_bytes: int
    delta_bytes: int
    points: tuple
    seconds: float
    store: str
    init_layer_bytes: int  # containerd store: one container's init layer (-1: not measured)

    def model_bytes(self, point: ScalePoint) -> int:
        return self.image_bytes + point.writable_bytes

    def naive_bytes(self, point: ScalePoint) -> int:
        return point.containers * self.image_bytes + point.writable_bytes

    def stored_change_bytes(self, point: ScalePoint) -> int:
        """What the Engine's storage grew by, each byte once: docker system df's total, less the
        writable layers it counts a second time on the containerd store."""
        twice = point.containers_change_bytes if self.store == CONTAINERD else 0
        return point.total_change_bytes - twice

    def measured_bytes(self, point: ScalePoint) -> int:
        """The image plus what the Engine's storage grew by: what these containers really cost."""
        return self.image_bytes + self.stored_change_bytes(point)

    def reported_bytes(self, point: ScalePoint) -> int:
        """The image plus what docker system df's total grew by, as it reports it."""
        return self.image_bytes + point.total_change_bytes

    def expected_layers_change(self, point: ScalePoint) -> int:
        """What LayersSize should grow by on this store if no image layer is copied."""
        if self.store != CONTAINERD:
            return 0
        return point.writable_bytes + point.containers * max(self.init_layer_bytes, 0)

    def holds(self, point: ScalePoint) -> bool:
        """Image layers stored once: IMAGES grew only by the containers' own layers (nothing on
        the graph driver) and the total by that plus the writable layers."""
        layers = self.expected_layers_change(point)
        return (
            point.layers_change_bytes == layers
            and point.total_change_bytes == layers + point.writable_bytes
        )

    def caption(self) -> str:
        head = (
            f"{len(self.points)} containers from {self.image}, {self.delta_bytes:,} B written "
            "into each"
        )
        if self.store == CONTAINERD:
            init = f"{self.init_layer_bytes:,} B" if self.init_layer_bytes >= 0 else "?"
            return (
                f"{head}. Expected with the containerd store: IMAGES grows by the writable "
                f"layers + one init layer ({init}) per container, and the total by that + the "
                "writable layers again (counted twice)"
            )
        return f"{head}. Expected: IMAGES +0 B, the total + the writable layers"

    def table(self) -> Table:
        """Only figures that do not depend on the image's size (the plot shows those)."""
        return Table(
            [
                "containers",
                "sum of writable layers",
                "image layers grew by",
                "Engine total grew by",
                "image stored once?",
            ],
            [
                (
                    p.containers,
                    f"{p.writable_bytes:,} B",
                    signed_bytes(p.layers_change_bytes),
                    signed_bytes(p.total_change_bytes),
                    yes_no(self.holds(p)),
                )
                for p in self.points
            ],
            caption=self.caption(),
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


def _entry_text(entry, now: str = "") -> str:
    """An upper-directory entry in a few words: "app/new.txt (6 B; 4,096 B on disk)"; `now`
    ("now ") marks an entry that was there before and changed."""
    if entry.kind == "directory":
        return f"{entry.path}/ ({now}{entry.allocated_bytes:,} B on disk)"
    if entry.kind == "whiteout":
        return f"{entry.path} (whiteout)"
    return f"{entry.path} ({now}{entry.size_bytes:,} B; {entry.allocated_bytes:,} B on disk)"


@result
class LayerChange:
    """One change made inside a container, with what `docker diff`, `docker ps -s` and the upper
    directory (the writable layer's files) saw."""

    action: str
    command: str
    path: str  # the image's file involved ("" for a new file)
    file_bytes: int  # that file's size (0 for a new file)
    new_diff_lines: tuple  # docker diff lines that appeared ("A /app/new.txt", ...)
    writable_layer_bytes: int
    grew_by_bytes: int
    upper_new: tuple  # LayerEntry new in the upper directory
    upper_changed: tuple  # LayerEntry already there that changed (a directory's blocks, ...)
    sizes_grew_bytes: int  # the upper dir's file sizes grew by (-1: it could not be read)
    blocks_grew_bytes: int  # the upper dir's disk blocks grew by (-1: it could not be read)

    @property
    def copy(self):
        """The copy of the image's file in the upper directory (None if there is none)."""
        wanted = self.path.lstrip("/")
        entries = self.upper_new + self.upper_changed
        return next((e for e in entries if e.path == wanted and e.kind == "file"), None)

    def accounted_as(self) -> str:
        """What the layer's growth matches: the upper dir's file sizes or its disk blocks."""
        if self.sizes_grew_bytes < 0:
            return "?"
        if self.grew_by_bytes == self.sizes_grew_bytes:
            return "the files' sizes"
        if self.grew_by_bytes == self.blocks_grew_bytes:
            return "the disk blocks"
        return "neither"

    def verdict(self) -> str:
        """Is a whole copy of the file in the upper directory (copy-on-write), and what did the
        writable layer grow by, measured?"""
        copy = self.copy
        whole = copy is not None and self.file_bytes > 0 and copy.size_bytes == self.file_bytes
        lines = [f"a whole copy of {self.path} is in the upper directory now: {yes_no(whole)}"]
        if self.accounted_as() == "the files' sizes":
            lines.append(
                f"the writable layer grew by {self.grew_by_bytes:,} B: the file's whole size: "
                f"{yes_no(self.grew_by_bytes == self.file_bytes)}"
            )
        elif self.accounted_as() == "the disk blocks" and copy is not None:
            dirs = self.blocks_grew_bytes - copy.allocated_bytes
            lines.append(
                f"the writable layer grew by {self.grew_by_bytes:,} B = the copy's disk blocks "
                f"({copy.allocated_bytes:,} B) + the directories copied up with it "
                f"({dirs:,} B): {yes_no(self.grew_by_bytes == self.blocks_grew_bytes)}"
            )
        else:
            lines.append(f"the writable layer grew by {self.grew_by_bytes:,} B")
        return "\n".join(lines)

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
    store: str

    def caption(self) -> str:
        ways = {s.accounted_as() for s in self.steps}
        if ways == {"the files' sizes"}:
            how = "by the change in the sizes of its files"
        elif ways == {"the disk blocks"}:
            how = "by the disk blocks its new entries take, directories copied up included"
        else:
            return "The upper directory could not be read, or its figures do not add up."
        return f"Each time the writable layer grew {how}: {counting_rule(self.store)}."

    def table(self) -> Table:
        return Table(
            [
                "what",
                "command",
                "docker diff now also shows",
                "new in the upper dir",
                "writable layer grew by",
            ],
            [
                (
                    s.action,
                    s.command,
                    "  ".join(s.new_diff_lines),
                    ", ".join(
                        [_entry_text(e) for e in s.upper_new]
                        + [_entry_text(e, "now ") for e in s.upper_changed]
                    ),
                    signed_bytes(s.grew_by_bytes),
                )
                for s in self.steps
            ],
            caption=self.caption(),
        )


# --- the storage driver's view: lower, upper, merged ----------------------------------------------


@result
class StorageView(TableShown):
    """Where a container's files are: the overlay mounted as its `/` (from its mount table, with
    either image store), and whether `docker inspect` lists the same directories (GraphDriver)."""

    container: str
    store: str
    storage: str  # the storage driver and image store in a few words
    fstype: str
    lower_dirs: tuple  # top first: the container's init layer, then the image's layers
    upper_dir: str
    work_dir: str
    image_layers: int
    inspect_lists_dirs: bool

    def explanation(self) -> str:
        if not self.upper_dir:
            return (
                f"{self.storage}: the container's / is not an overlay mount "
                f"({self.fstype or 'unknown'}), so there are no upper and lower directories."
            )
        count = (
            f"{self.storage}: the container's / is an overlay of {len(self.lower_dirs)} lower "
            f"directories = {self.image_layers} image layers + 1 init layer of this container: "
            f"{yes_no(len(self.lower_dirs) == self.image_layers + 1)}."
        )
        if self.inspect_lists_dirs:
            return f"{count} `docker inspect` lists the same directories (GraphDriver)."
        return (
            f"{count} `docker inspect` lists none of them (its GraphDriver section is empty "
            "with the containerd image store); the lab read them from the container's mount "
            "table (/proc/1/mountinfo)."
        )

    def table(self) -> Table:
        rows = [
            ("UpperDir", "the writable layer: every change this container makes", self.upper_dir)
        ]
        for number, lower in enumerate(self.lower_dirs, 1):
            what = (
                "the container's init layer: empty /etc/hosts, /etc/resolv.conf, ..."
                if number == 1
                else "a layer of the image (read-only, shared)"
            )
            rows.append((f"LowerDir {number}", what, lower))
        rows += [
            ("MergedDir", "the union of all of them: the container's /", "(the mount itself)"),
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
class UpperDirListing(TableShown):
    """What a container's upper directory holds (LayerEntry per entry, the directory itself as
    "."), read on the Engine's machine or through a helper container (or why it could not be
    read), beside the writable-layer size `docker ps -s` shows."""

    container: str
    upper_dir: str
    how: str
    readable: bool
    reason: str
    entries: tuple
    command: str
    writable_layer_bytes: int  # docker ps -s, measured at the same time
    store: str

    @property
    def files_bytes(self) -> int:
        """The sizes of everything but directories (each hard-linked file once)."""
        return sum({e.inode: e.size_bytes for e in self.entries if e.kind != "directory"}.values())

    @property
    def blocks_bytes(self) -> int:
        """The disk blocks of every entry, the directory itself included."""
        return sum({e.inode: e.allocated_bytes for e in self.entries}.values())

    def verdict(self) -> str:
        """The upper directory counted both ways against what docker ps -s shows."""
        if not self.readable:
            return self._unreadable()
        size = self.writable_layer_bytes
        return (
            f"in the upper dir: files of {self.files_bytes:,} B (their sizes), taking "
            f"{self.blocks_bytes:,} B of disk blocks with the directories; docker ps -s says "
            f"{size:,} B\n"
            f"= the files' sizes: {yes_no(size == self.files_bytes)}; "
            f"= the disk blocks: {yes_no(size == self.blocks_bytes)}: "
            f"{counting_rule(self.store)}"
        )

    def table(self) -> Table:
        return Table(
            ["in the upper dir", "kind", "size (bytes)", "on disk (bytes)"],
            [
                (
                    "(the directory itself)" if e.path == "." else e.path,
                    e.kind,
                    f"{e.size_bytes:,}",
                    f"{e.allocated_bytes:,}",
                )
                for e in self.entries
            ],
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
