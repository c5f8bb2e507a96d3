"""What notebook 99 shows: the lab's resources with sizes, the labels a container inherits, a
snapshot of everything else and the before/after proof, the Engine's disk use, and what the
cleanup removed."""

from __future__ import annotations

import html

from ...core.labels import IMAGE_PREFIX, MANAGED, is_lab_owned
from ...core.results import result
from ...core.units import si
from ...core.table import Table, TableShown, short_name

__all__ = [
    "KINDS",
    "CleanupResult",
    "InheritedLabels",
    "Inventory",
    "LabItem",
    "Proof",
    "Snapshot",
    "Space",
    "Thing",
]

KINDS = ("container", "volume", "image", "network")


def _size(size_bytes: int) -> str:
    return si(size_bytes) if size_bytes >= 0 else "?"


def signed(size_bytes: int) -> str:
    """A change as the CLI would print its size, with its sign: "-13.3MB", "+0B"."""
    return f"{'-' if size_bytes < 0 else '+'}{si(abs(size_bytes))}"


@result
class LabItem:
    """One resource carrying the lab's label, with its size in `docker system df -v`: a
    container's writable layer, a volume's data, an image's unpacked layers that no other image
    shares; -1 when the Engine does not report it."""

    kind: str
    name: str
    notebook: str
    size_bytes: int


@result
class Inventory(TableShown):
    """Everything with the lab's label, by kind, with sizes."""

    items: tuple
    session_only: bool
    store: str = "graph driver"  # the image store: "graph driver" or "containerd"

    @property
    def total_bytes(self) -> int:
        return sum(i.size_bytes for i in self.items if i.size_bytes > 0)

    def count(self, kind: str) -> int:
        return sum(1 for i in self.items if i.kind == kind)

    def table(self) -> Table:
        rows = [(i.kind, short_name(i.name), i.notebook, _size(i.size_bytes)) for i in self.items]
        counts = ", ".join(
            f"{self.count(k)} {k}{'' if self.count(k) == 1 else 's'}"
            for k in KINDS
            if self.count(k)
        )
        content = (
            " (images: their unpacked layers; the containerd image store keeps each image's "
            "compressed layers as well, and does not say which of those other images share)"
            if self.store == "containerd" and self.count("image")
            else ""
        )
        caption = (
            f"the lab's resources: {counts}; {si(self.total_bytes)} of their own{content}"
            if self.items
            else "The lab has nothing left in the Engine."
        )
        return Table(["kind", "name", "made by notebook", "size"], rows, caption=caption)


@result
class InheritedLabels:
    """A container created with no --label, and the labels it has all the same."""

    container: str
    image: str
    command: str
    labels: tuple  # (key, value, also on the image)

    @property
    def values(self) -> dict:
        return {key: value for key, value, _ in self.labels}

    @property
    def managed(self) -> bool:
        return is_lab_owned(self.values)

    def __repr__(self) -> str:
        lines = [f"{self.container} was created without any --label; docker inspect shows:"]
        pairs = [
            (f"{key}={value if key == MANAGED else '…'}", on) for key, value, on in self.labels
        ]
        width = max((len(pair) for pair, _ in pairs), default=0)
        for pair, from_image in pairs:
            origin = f"(also on {self.image})" if from_image else "(not on the image)"
            lines.append(f"  {pair:<{width}}   {origin}")
        value = self.values.get(MANAGED, "")
        if self.managed:
            lines.append("So the lab's cleanup would select it.")
        elif value.startswith(IMAGE_PREFIX):
            lines.append(
                f"{MANAGED}={value} marks an image the lab built, not a container the lab "
                "started (that takes =true), so the lab's cleanup would not select it."
            )
        else:
            lines.append("So the lab's cleanup would not select it.")
        return "\n".join(lines)


@result
class Thing:
    """A resource without the lab's label, as identified before and after the cleanup."""

    kind: str
    id: str
    name: str
    state: str


@result
class Snapshot(TableShown):
    """Everything in the Engine that does not carry the lab's label."""

    things: tuple

    def count(self, kind: str) -> int:
        return sum(1 for t in self.things if t.kind == kind)

    def table(self) -> Table:
        return Table(
            ["kind", "name", "id", "state"],
            [(t.kind, t.name, t.id if t.id != t.name else "", t.state) for t in self.things],
            caption=f"{len(self.things)} resources without the lab's label (left alone)",
        )

    def compare(self, after: Snapshot) -> Proof:
        """The proof: what differs between this snapshot and a later one (`after`)."""
        return Proof(self, after)


@result
class Proof(TableShown):
    """Before/after comparison of everything without the lab's label."""

    before: Snapshot
    after: Snapshot

    @property
    def missing(self) -> tuple:
        return tuple(t for t in self.before.things if t not in self.after.things)

    @property
    def appeared(self) -> tuple:
        return tuple(t for t in self.after.things if t not in self.before.things)

    @property
    def untouched(self) -> bool:
        return not self.missing and not self.appeared

    def verdict(self) -> str:
        if self.untouched:
            return (
                "Untouched: every container, volume, image and network without the lab's label "
                "is still there, with the same id, name and state."
            )
        changed = ", ".join(f"{t.kind} {t.name}" for t in self.missing + self.appeared)
        return (
            f"Changed between the two snapshots: {changed}. The cleanup selects by label only, "
            "so something else (you, or another program) changed these meanwhile."
        )

    def table(self) -> Table:
        rows = []
        for kind in KINDS:
            before = [t for t in self.before.things if t.kind == kind]
            after = [t for t in self.after.things if t.kind == kind]
            same = sum(1 for t in before if t in after)
            rows.append((kind, len(before), len(after), same))
        return Table(
            ["without the lab's label", "before", "after", "identical before and after"],
            rows,
        )

    def __repr__(self) -> str:
        return f"{super().__repr__()}\n{self.verdict()}"

    def _repr_html_(self) -> str:
        return f"{super()._repr_html_()}<p>{html.escape(self.verdict())}</p>"


@result
class Space:
    """`docker system df` at one moment: its four lines, as the Engine reports them."""

    moment: str
    store: str  # the image store: "graph driver" or "containerd"
    images_bytes: int  # IMAGES (LayersSize; with the containerd store every snapshot it keeps)
    containers_bytes: int  # CONTAINERS: every writable layer
    volumes_bytes: int
    build_cache_bytes: int

    @property
    def total_bytes(self) -> int:
        return (
            self.images_bytes + self.containers_bytes + self.volumes_bytes + self.build_cache_bytes
        )

    def lines(self) -> tuple:
        """(what, bytes) per line of docker system df."""
        return (
            ("images", self.images_bytes),
            ("containers", self.containers_bytes),
            ("local volumes", self.volumes_bytes),
            ("build cache", self.build_cache_bytes),
        )

    def plot(self, after: Space, cleanup: CleanupResult | None = None):
        """Two stacked bars, one segment per line of docker system df: the Engine's disk use at
        this moment and `after`, with what went between them (measured), and beside it what the
        inventory's sizes added up to before CLEANUP (the panel's `last`), where given."""
        from .views import space_figure

        return space_figure(self, after, cleanup.inventory_bytes if cleanup else None)


@result
class CleanupResult(TableShown):
    """What the cleanup removed (each with the size the inventory gave it just before) and the
    space reclaimed, measured with `docker system df` before and after."""

    removed: tuple
    reclaimed_bytes: int
    commands: tuple
    inventory_bytes: int  # what the inventory's sizes added up to just before
    before: Space
    after: Space

    def explanation(self) -> str:
        """The reclaimed space by line of docker system df, beside the inventory's total, and
        why the two differ on this image store."""
        went = ", ".join(
            f"{what} {signed(after - before)}"
            for (what, before), (_, after) in zip(
                self.before.lines(), self.after.lines(), strict=True
            )
        )
        text = (
            f"Space reclaimed: {si(self.reclaimed_bytes)} ({self.reclaimed_bytes:,} bytes, "
            f"measured with docker system df before and after: {went}). The inventory's sizes "
            f"added up to {si(self.inventory_bytes)}."
        )
        difference = self.reclaimed_bytes - self.inventory_bytes
        if difference == 0:
            return text
        shared = (
            "layers that only the lab's images shared with each other (an image's own size "
            "leaves out what it shares) went with the last image using them"
        )
        if self.before.store == "containerd":
            twice = self.before.containers_bytes - self.after.containers_bytes
            return (
                f"{text} The difference, {signed(difference)}: with the containerd image store "
                "docker system df had counted the removed containers' writable layers twice "
                f"(under images too: {si(twice)} more), and their init layers; the images' "
                f"compressed layers went too, where no other image used them; and {shared}."
            )
        return f"{text} The difference, {signed(difference)}: {shared}."

    def table(self) -> Table:
        rows = [(i.kind, short_name(i.name), i.notebook, _size(i.size_bytes)) for i in self.removed]
        return Table(
            ["removed", "name", "made by notebook", "size (own)"],
            rows,
            caption=f"{len(self.removed)} removed. {self.explanation()}",
        )
