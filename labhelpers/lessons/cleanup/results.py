"""What notebook 99's experiments return, and how each shows as a table. Verdicts are fields and
properties."""

from __future__ import annotations

import html

from ...core.labels import MANAGED, is_lab_owned, mark
from ...core.results import result
from ...core.table import Table, TableShown, short_name
from ...core.units import si

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


def _signed(size_bytes: int) -> str:
    return f"{'-' if size_bytes < 0 else '+'}{si(abs(size_bytes))}"


@result
class LabItem:
    """One resource of the lab's, with its size in `docker system df -v` (a container's writable
    layer, a volume's data, an image's unpacked layers no other image shares; -1: not reported)
    and who made it (its owner mark)."""

    kind: str
    name: str
    size_bytes: int
    owner: str = ""


@result
class Inventory(TableShown):
    """What a cleanup of SCOPE would remove, by kind, with sizes."""

    items: tuple
    scope: str
    store: str = "graph driver"  # the image store: "graph driver" or "containerd"

    @property
    def total_bytes(self) -> int:
        return sum(i.size_bytes for i in self.items if i.size_bytes > 0)

    def count(self, kind: str) -> int:
        return sum(1 for i in self.items if i.kind == kind)

    def table(self) -> Table:
        everyone = self.scope == "everyone"
        rows = [
            (i.kind, short_name(i.name), _size(i.size_bytes)) + ((i.owner,) if everyone else ())
            for i in self.items
        ]
        counts = ", ".join(f"{self.count(k)} {k}(s)" for k in KINDS if self.count(k))
        caption = (
            f"{counts}: {si(self.total_bytes)} of their own" if self.items else "Nothing to remove."
        )
        columns = ["kind", "name", "size"] + (["made by"] if everyone else [])
        return Table(columns, rows, caption=caption)


@result
class InheritedLabels:
    """A container created with no --label, and the labels it has all the same (each with
    whether its image carries it too)."""

    container: str
    image: str
    labels: tuple  # (key, value, also on the image)

    @property
    def values(self) -> dict:
        return {key: value for key, value, _ in self.labels}

    @property
    def lab_owned(self) -> bool:
        """Would the lab count it as its own? (Its mark would have to name this container.)"""
        return is_lab_owned("container", self.container, self.values)

    def __repr__(self) -> str:
        width = max((len(k) for k, _, _ in self.labels), default=0)
        lines = [
            f"{key:<{width}}  {value}  ({'from ' + self.image if on else 'not on the image'})"
            for key, value, on in self.labels
        ]
        found = self.values.get(MANAGED, "")
        verdict = "the lab's" if self.lab_owned else "yours: cleanup leaves it"
        lines.append(
            f"{MANAGED} says {found or 'nothing'}, not {mark('container', self.container)}: "
            f"{self.container} is {verdict}."
        )
        return "\n".join(lines)


@result
class Thing:
    """A resource that is not among what the cleanup removes, as identified before and after."""

    kind: str
    id: str
    name: str
    state: str


@result
class Snapshot:
    """Everything in the Engine that the cleanup does not select."""

    things: tuple

    def compare(self, after: Snapshot) -> Proof:
        return Proof(self, after)


@result
class Proof(TableShown):
    """Before/after comparison of everything the cleanup does not select."""

    before: Snapshot
    after: Snapshot

    @property
    def changed(self) -> tuple:
        gone = tuple(t for t in self.before.things if t not in self.after.things)
        return gone + tuple(t for t in self.after.things if t not in self.before.things)

    @property
    def untouched(self) -> bool:
        return not self.changed

    def verdict(self) -> str:
        if self.untouched:
            return (
                f"Untouched: all {len(self.before.things)} other containers, volumes, images and "
                "networks are still there, with the same ids, names and states."
            )
        changed = ", ".join(f"{t.kind} {t.name}" for t in self.changed)
        return f"Changed meanwhile (by you or another program, not by the cleanup): {changed}."

    def table(self) -> Table:
        rows = []
        for kind in KINDS:
            before = [t for t in self.before.things if t.kind == kind]
            same = sum(1 for t in before if t in self.after.things)
            rows.append((kind, len(before), same))
        return Table(["not the lab's", "before", "identical after"], rows)


@result
class Space:
    """`docker system df` at one moment: its four lines, as the Engine reports them."""

    moment: str
    store: str  # the image store: "graph driver" or "containerd"
    images_bytes: int  # IMAGES (LayersSize; with the containerd store every snapshot it keeps)
    containers_bytes: int
    volumes_bytes: int
    build_cache_bytes: int

    @property
    def total_bytes(self) -> int:
        return sum(size for _, size in self.lines())

    def lines(self) -> tuple:
        """(what, bytes) per line of docker system df."""
        return (
            ("images", self.images_bytes),
            ("containers", self.containers_bytes),
            ("local volumes", self.volumes_bytes),
            ("build cache", self.build_cache_bytes),
        )


@result
class CleanupResult(TableShown):
    """What a cleanup removed (each with the size the inventory gave it just before), the space
    reclaimed (`docker system df` before and after) and the proof that nothing else changed."""

    removed: tuple
    reclaimed_bytes: int
    inventory_bytes: int
    before: Space
    after: Space
    proof: Proof

    def explanation(self) -> str:
        """The reclaimed space by line of docker system df, beside the inventory's total, and
        why the two differ on this image store."""
        went = ", ".join(
            f"{what} {_signed(b - a)}"
            for (what, a), (_, b) in zip(self.before.lines(), self.after.lines(), strict=True)
        )
        text = (
            f"Reclaimed {si(self.reclaimed_bytes)} ({self.reclaimed_bytes:,} B; docker system df "
            f"before and after: {went}); the inventory's sizes added up to "
            f"{si(self.inventory_bytes)}."
        )
        if self.reclaimed_bytes == self.inventory_bytes:
            return text
        why = "layers the lab's images shared only with each other went with the last of them"
        if self.before.store == "containerd":
            why = (
                "docker system df had counted each writable layer twice (under images too), and "
                f"the images' compressed layers went too; {why}"
            )
        return f"{text} The difference: {why}."

    def table(self) -> Table:
        rows = [(i.kind, short_name(i.name), _size(i.size_bytes)) for i in self.removed]
        caption = f"{len(self.removed)} removed. {self.explanation()}"
        return Table(["removed", "name", "size (own)"], rows, caption=caption)

    def __repr__(self) -> str:
        return f"{super().__repr__()}\n{self.proof.verdict()}"

    def _repr_html_(self) -> str:
        return f"{super()._repr_html_()}<p>{html.escape(self.proof.verdict())}</p>"
