"""What notebook 99 shows: the lab's resources with sizes, the labels a container inherits, a
snapshot of everything else and the before/after proof, the Engine's disk use, and what the
cleanup removed."""

from __future__ import annotations

import html

from ...core.labels import IMAGE_PREFIX, MANAGED, is_lab_owned
from ...core.results import result
from ...core.units import si
from ...views import Table, TableShown, short_name

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


@result
class LabItem:
    """One resource carrying the lab's label. `size_bytes` is what removing it alone frees
    (for an image: its layers no other image shares); -1 when the Engine does not report it."""

    kind: str
    name: str
    notebook: str
    size_bytes: int


@result
class Inventory(TableShown):
    """Everything with the lab's label, by kind, with sizes."""

    items: tuple
    session_only: bool

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
        caption = (
            f"the lab's resources: {counts}; {si(self.total_bytes)} of their own"
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
    """`docker system df`, split into the lab's share and everything else."""

    moment: str
    lab_bytes: int
    other_bytes: int

    @property
    def total_bytes(self) -> int:
        return self.lab_bytes + self.other_bytes

    def plot(self, after: Space):
        """Two stacked bars: the Engine's disk use at this moment and `after`, the lab's share on
        top."""
        from .views import space_figure

        return space_figure(self, after)


@result
class CleanupResult(TableShown):
    """What the cleanup removed (each with the size the inventory gave it just before) and the
    space reclaimed, measured with `docker system df` before and after."""

    removed: tuple
    reclaimed_bytes: int
    commands: tuple

    def table(self) -> Table:
        rows = [(i.kind, short_name(i.name), i.notebook, _size(i.size_bytes)) for i in self.removed]
        return Table(
            ["removed", "name", "made by notebook", "size (own)"],
            rows,
            caption=f"{len(self.removed)} removed; space reclaimed: {si(self.reclaimed_bytes)} "
            f"({self.reclaimed_bytes:,} bytes, measured with docker system df before and after)",
        )
