"""What the writable-layer experiments return, and how each shows as a table.

Every verdict is data: a `Claim` answers one of the lecture's questions with what was measured
(`answer`), says whether that is what the lecture says (`holds`) and gives the figures behind it
(`because`), with the image store's own accounting where its figures differ:

* the overlay2 graph driver counts a writable layer as the sizes of its files, and its
  `docker system df` counts image layers (IMAGES) and writable layers (CONTAINERS) apart;
* the containerd snapshotter counts the disk blocks of every file and directory in a layer; the
  store keeps each image layer twice (compressed, as a registry serves it, and unpacked), and its
  `docker system df` IMAGES line adds every snapshot it keeps: the containers' writable and init
  layers too, which CONTAINERS counts again.
"""

from __future__ import annotations

from ...core.errors import BadInput
from ...core.results import result
from ...core.table import Table, TableShown, yes_no
from ...core.units import si, signed_bytes

__all__ = [
    "CONTAINERD",
    "LESSON_DELTAS_MIB",
    "ChangeDemo",
    "Changes",
    "Claim",
    "LayerChange",
    "LayerSizes",
    "ScalePoint",
    "Scaling",
    "SharedLayers",
    "Snapshot",
    "StorageEquation",
    "UpperDirListing",
    "Verdict",
    "claim",
    "said",
    "scaling",
    "storage_equation",
]

CONTAINERD = "containerd"
LESSON_DELTAS_MIB = (4, 10, 6)  # the lecture's 4, 10 and 6 "MB", written as MiB (dd bs=1M)


# --- verdicts as data -----------------------------------------------------------------------------


@result
class Claim:
    """One question of the lecture's, answered by a measurement: `answer` ("yes"/"no") is what
    was measured, `holds` whether the lecture says the same, `because` the figures behind it."""

    question: str
    answer: str
    holds: bool
    because: str


@result
class Verdict(TableShown):
    """Claims, one row each."""

    claims: tuple

    def table(self) -> Table:
        return Table(
            ["the lecture's question", "measured", "the lecture", "because"],
            [
                (c.question, c.answer, "holds" if c.holds else "does not hold", c.because)
                for c in self.claims
            ],
        )


def claim(question: str, answer: bool, expected: bool, because: str) -> Claim:
    """A Claim whose measured ANSWER (yes/no) the lecture expects to be EXPECTED."""
    return Claim(question, yes_no(answer), answer == expected, because)


def said(claims: tuple) -> str:
    """Claims as sentences (a caption): "QUESTION ANSWER: BECAUSE." each."""
    return " ".join(f"{c.question} {c.answer.capitalize()}: {c.because}." for c in claims)


# --- three containers and their writable layers -----------------------------------------------


@result
class LayerSizes(TableShown):
    """`docker ps -a -s` for some containers beside the bytes written into each (-1: unknown)."""

    sizes: tuple  # ContainerSize per container
    data: tuple  # (name, bytes in the delta file)
    path: str

    def extras(self) -> list[int]:
        """SizeRw minus the data written, per container whose data is known."""
        data = dict(self.data)
        return [s.writable_layer_bytes - data[s.name] for s in self.sizes if data[s.name] >= 0]

    def table(self) -> Table:
        data = dict(self.data)
        extras = set(self.extras())
        if extras == {0}:
            caption = "SIZE is exactly the bytes written: this store counts the files' sizes."
        else:
            each = ", ".join(signed_bytes(e) for e in sorted(extras))
            caption = (
                f"SIZE is the bytes written {each}{' each' * (len(extras) == 1)}: whole disk "
                "blocks of the layer's files and directories (02b lists them)."
            )
        rows = []
        for s in self.sizes:
            written = f"{data[s.name]:,}" if data[s.name] >= 0 else "?"
            rows.append(
                (s.name, si(s.writable_layer_bytes), f"{s.writable_layer_bytes:,}", written)
            )
        columns = ["container", "SIZE (docker ps -s)", "bytes (SizeRw)", f"bytes in {self.path}"]
        return Table(columns, rows, caption=caption)


@result
class Snapshot:
    """The Engine's storage at one moment: `docker system df -v` totals, the image's sizes, and
    `docker ps -s` for the lesson's containers that exist, with the bytes in each one's delta file
    and (containerd store) each one's init layer."""

    moment: str
    store: str
    layers_bytes: int  # docker system df: IMAGES (LayersSize)
    containers_bytes: int  # docker system df: CONTAINERS (the writable layers)
    total_bytes: int
    image: str
    image_unpacked_bytes: int  # the image's layers as containers see them
    image_content_bytes: int  # containerd store: its compressed layers, kept too (else 0)
    containers: tuple  # ContainerSize per lesson container
    data: tuple  # (name, bytes in the delta file; -1 when not looked at)
    init_layers: tuple  # (name, bytes of its init layer), containerd store only


# --- the lesson's equation ----------------------------------------------------------------------


@result
class StorageEquation(TableShown):
    """The lecture's equation on this Engine: the image stored once + the deltas, beside the naive
    figure (the image once per container), and the claims `docker system df` decides."""

    image: str
    store: str
    image_bytes: int  # unpacked
    image_content_bytes: int  # compressed (containerd store; 0 with a graph driver)
    containers: tuple  # ContainerSize after writing
    data: tuple  # (name, bytes written)
    init_layers: tuple  # (name, bytes), containerd store only
    layers_change_bytes: int
    containers_change_bytes: int
    total_change_bytes: int
    claims: tuple  # Claim

    @property
    def deltas_bytes(self) -> int:
        return sum(c.writable_layer_bytes for c in self.containers)

    @property
    def init_bytes(self) -> int:
        return sum(b for _, b in self.init_layers)

    @property
    def image_stored_bytes(self) -> int:
        """The image as the store keeps it on disk (unpacked, and compressed on containerd)."""
        return self.image_bytes + self.image_content_bytes

    @property
    def footprint_bytes(self) -> int:
        """The lecture's equation: the image once + every container's own layers."""
        return self.image_stored_bytes + self.deltas_bytes + self.init_bytes

    @property
    def naive_bytes(self) -> int:
        """As if every container had its own copy of the image."""
        return len(self.containers) * self.image_stored_bytes + self.deltas_bytes

    @property
    def virtual_sum_bytes(self) -> int:
        return sum(c.virtual_bytes for c in self.containers)

    def verdict(self) -> Verdict:
        return Verdict(self.claims)

    def table(self) -> Table:
        n = len(self.containers)
        rows = [(f"{self.image}'s layers, unpacked (what a container sees)", self.image_bytes)]
        if self.image_content_bytes:
            compressed = f"{self.image}'s layers, compressed (the store keeps both)"
            rows.append((compressed, self.image_content_bytes))
        rows += [(f"{c.name}'s writable layer", c.writable_layer_bytes) for c in self.containers]
        if self.init_layers:
            rows.append((f"the {n} containers' init layers", self.init_bytes))
        rows += [
            (f"on disk: {self.image} once + the containers' layers", self.footprint_bytes),
            (f"naive: {self.image} {n} times + the deltas", self.naive_bytes),
            (f"the {n} virtual sizes of docker ps -s, added up", self.virtual_sum_bytes),
        ]
        return Table(["", "bytes", "as docker prints it"], [(w, f"{b:,}", si(b)) for w, b in rows])


def storage_equation(before: Snapshot, after: Snapshot) -> StorageEquation:
    """The lecture's equation from two snapshots: `before` the containers existed, `after` they
    wrote their deltas (arithmetic on measured figures; no Engine call).

    Raises:
        BadInput: the `after` snapshot holds no lesson containers.
    """
    if not after.containers:
        raise BadInput(
            "The 'after' snapshot has no lesson containers in it.",
            "the equation needs the containers' writable layers.",
            "start the containers and write the deltas first, then take the snapshot.",
        )
    images = after.layers_bytes - before.layers_bytes
    writable = after.containers_bytes - before.containers_bytes
    total = after.total_bytes - before.total_bytes
    deltas = sum(c.writable_layer_bytes for c in after.containers)
    data = sum(max(b, 0) for _, b in after.data)
    inits = sum(b for _, b in after.init_layers)
    n, containerd = len(after.containers), after.store == CONTAINERD
    own = deltas + inits if containerd else 0  # what IMAGES counts of the containers' own layers
    twice = writable if containerd else 0  # what the total counts a second time
    copied = images - own
    if containerd:
        layers_why = (
            f"IMAGES grew by {images:,} B: the containers' own layers only (writable {deltas:,} B, "
            f"init {inits:,} B)"
        )
        total_why = (
            f"docker system df's total grew by {total:,} B, each writable layer counted twice; "
            f"once, {total - twice:,} B"
        )
    else:
        layers_why = f"docker system df's IMAGES grew by {images:,} B"
        total_why = f"docker system df's total grew by {total:,} B, the sum of the deltas"
    counts = "whole disk blocks, directories included" if containerd else "the files' sizes"
    claims = (
        claim(
            f"Was any image layer copied for the {n} containers?",
            copied != 0,
            False,
            layers_why if copied == 0 else f"{layers_why}: {copied:,} B are not theirs",
        ),
        claim(
            "Did each container add only its delta?",
            writable == deltas and 0 <= deltas - data <= n * 64 * 1024,
            True,
            f"the writable layers grew by {writable:,} B for {data:,} B written: this store "
            f"counts {counts}",
        ),
        claim(
            "Does the disk hold the image once plus the deltas?",
            total - twice == deltas + inits,
            True,
            total_why,
        ),
    )
    image = (after.image, after.store, after.image_unpacked_bytes, after.image_content_bytes)
    measured = (after.containers, after.data, after.init_layers, images, writable, total)
    return StorageEquation(*image, *measured, claims)


# --- scaling: 1 to 20 containers ------------------------------------------------------------------


@result
class ScalePoint:
    """The Engine after the N-th container of the scaling run started and wrote its delta; the
    changes are since before the first container."""

    containers: int
    writable_bytes: int  # the sum of the run's writable layers (docker ps -s)
    layers_change_bytes: int  # docker system df: IMAGES
    containers_change_bytes: int  # docker system df: CONTAINERS
    total_change_bytes: int
    copied_bytes: int  # IMAGES' growth that is not the containers' own layers (0: none copied)


@result
class Scaling(TableShown):
    """A scaling run: containers started one by one from IMAGE, each writing DELTA bytes."""

    image: str
    image_bytes: int  # as the store keeps it (unpacked, and compressed on containerd)
    delta_bytes: int
    points: tuple
    seconds: float
    store: str
    claims: tuple  # Claim

    def stored_bytes(self, point: ScalePoint) -> int:
        """The image + what the Engine's storage grew by, each byte once."""
        twice = point.containers_change_bytes if self.store == CONTAINERD else 0
        return self.image_bytes + point.total_change_bytes - twice

    def naive_bytes(self, point: ScalePoint) -> int:
        return point.containers * self.image_bytes + point.writable_bytes

    def table(self) -> Table:
        """The figures that do not depend on the image's size (the plot shows those)."""
        rows = []
        for p in self.points:
            grew = (signed_bytes(p.layers_change_bytes), signed_bytes(p.total_change_bytes))
            copied = yes_no(p.copied_bytes != 0)
            rows.append((p.containers, f"{p.writable_bytes:,} B", *grew, copied))
        columns = ["containers", "writable layers", "IMAGES grew by", "total grew by"]
        return Table([*columns, "image layer copied?"], rows, caption=said(self.claims))


def scaling(
    image: str, image_bytes: int, delta_bytes: int, points: tuple, seconds: float, store: str
) -> Scaling:
    """A Scaling with its claim, from the measured points."""
    copied = [p for p in points if p.copied_bytes]
    if store == CONTAINERD:
        why = (
            "IMAGES grew by each container's own layers (writable + init) only: this store's "
            "docker system df lists them there too, and its total counts each writable layer twice"
        )
    else:
        grew = max((p.layers_change_bytes for p in points), default=0)
        why = f"IMAGES grew by {signed_bytes(grew)} at most; the total by the writable layers"
    because = f"at {copied[0].containers} containers IMAGES grew by more" if copied else why
    question = f"Was any image layer copied, for 1 to {len(points)} containers?"
    found = (claim(question, bool(copied), False, because),) if points else ()
    return Scaling(image, image_bytes, delta_bytes, points, seconds, store, found)


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


def _entry_text(entry) -> str:
    if entry.kind == "whiteout":
        return f"{entry.path} (whiteout)"
    if entry.kind == "directory":
        return f"{entry.path}/"
    return f"{entry.path} ({entry.size_bytes:,} B)"


@result
class LayerChange(TableShown):
    """One change made inside a container, with what `docker diff`, `docker ps -s` and the upper
    directory (the writable layer's files) saw; `claims` for a copy-on-write check."""

    action: str
    command: str
    path: str  # the image's file involved ("" for a new file)
    file_bytes: int  # that file's size (0 for a new file)
    new_diff_lines: tuple  # docker diff lines that appeared ("A /app/new.txt", ...)
    grew_by_bytes: int  # docker ps -s
    upper_new: tuple  # LayerEntry new or changed in the upper directory
    sizes_grew_bytes: int  # the upper dir's file sizes grew by (-1: it could not be read)
    blocks_grew_bytes: int  # the upper dir's disk blocks grew by (-1: it could not be read)
    claims: tuple = ()

    @property
    def copy(self):
        """The copy of the image's file in the upper directory (None if there is none)."""
        wanted = self.path.lstrip("/")
        return next((e for e in self.upper_new if e.path == wanted and e.kind == "file"), None)

    def table(self) -> Table:
        return Verdict(self.claims).table()


@result
class ChangeDemo(TableShown):
    """Changes made in a fresh container, one at a time, each measured."""

    container: str
    steps: tuple  # LayerChange per change
    store: str

    def table(self) -> Table:
        sizes = all(s.grew_by_bytes == s.sizes_grew_bytes for s in self.steps)
        blocks = all(s.grew_by_bytes == s.blocks_grew_bytes for s in self.steps)
        how = "the sizes of its files" if sizes else "the disk blocks of its entries"
        rows = []
        for s in self.steps:
            seen = ("  ".join(s.new_diff_lines), ", ".join(_entry_text(e) for e in s.upper_new))
            rows.append((s.action, s.command, *seen, signed_bytes(s.grew_by_bytes)))
        columns = ["what", "command", "docker diff now also shows", "new in the upper dir"]
        caption = f"The writable layer grew each time by {how}." if sizes or blocks else ""
        return Table([*columns, "layer grew by"], rows, caption=caption)


# --- the storage driver's view: lower, upper, merged ----------------------------------------------


def _short(path: str) -> str:
    """A layer's directory without the data root's long common part."""
    for mark in ("/snapshots/", "/overlay2/"):
        if mark in path:
            tail = path.split(mark, 1)[1]
            return mark.strip("/") + "/" + (tail[:12] + "…" + tail[64:] if len(tail) > 40 else tail)
    return path


@result
class SharedLayers(TableShown):
    """The overlay mounted as `/` in each of some containers of one image (from their mount
    tables, with either image store): their lower directories side by side."""

    containers: tuple
    storage: str  # the storage driver and image store in a few words
    uppers: tuple  # per container
    lowers: tuple  # per container: its lower directories, top first (init layer, then image's)
    image_layers: int
    inspect_lists_dirs: bool  # docker inspect's GraphDriver names them (not on containerd)
    claims: tuple

    def table(self) -> Table:
        rows = [("UpperDir", "writable layer", *map(_short, self.uppers))]
        depth = max((len(lower) for lower in self.lowers), default=0)
        for number in range(depth):
            what = "init layer" if number == 0 else f"image layer {self.image_layers - number + 1}"
            dirs = [_short(lower[number]) if number < len(lower) else "" for lower in self.lowers]
            rows.append((f"LowerDir {number + 1}", what, *dirs))
        inspect = "lists" if self.inspect_lists_dirs else "lists none of"
        return Table(
            ["", "what it is", *self.containers],
            rows,
            caption=f"{self.storage} (docker inspect {inspect} these directories). "
            f"{said(self.claims)}",
        )


@result
class UpperDirListing(TableShown):
    """What a container's upper directory holds (LayerEntry per entry, the directory itself as
    "."), read on the Engine's machine or through a helper container, beside `docker ps -s`."""

    container: str
    upper_dir: str
    how: str
    readable: bool
    reason: str
    entries: tuple
    writable_layer_bytes: int  # docker ps -s, measured at the same time
    store: str
    claims: tuple

    def table(self) -> Table:
        if not self.readable:
            unread = f"{self.container}'s upper dir could not be read ({self.how}): {self.reason}"
            return Table([""], [], caption=unread)
        rows = []
        for e in self.entries:
            path = "(the directory itself)" if e.path == "." else e.path
            rows.append((path, e.kind, f"{e.size_bytes:,}", f"{e.allocated_bytes:,}"))
        caption = f"{self.container}'s upper dir, {self.how}. {said(self.claims)}"
        columns = ["in the upper dir", "kind", "size (bytes)", "disk blocks (bytes)"]
        return Table(columns, rows, caption=caption)
