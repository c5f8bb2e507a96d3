"""What notebook 00's experiments return: the data root's listing and the lab's preparation."""

from __future__ import annotations

from ...core.results import result
from ...core.table import Table, TableShown

__all__ = [
    "CONTAINERD_STORE_MEANING",
    "DATA_ROOT_MEANINGS",
    "DataRootListing",
    "PrepStep",
    "Preparation",
]

DATA_ROOT_MEANINGS = {
    "overlay2": "the storage driver's layers: one directory per image layer and per container's "
    "writable layer",
    "image": "the image store's records: which layers make up each image, and the tags",
    "containers": "each container's settings and log files (not its files: those are in the "
    "writable layer)",
    "volumes": "the `local` driver's volumes, one directory each (NAME/_data holds the data)",
    "buildkit": "BuildKit's state and build cache",
    "containerd": "state of the containerd daemon the Engine runs containers through",
    "rootfs": "each running container's root filesystem, mounted (the containerd image store)",
    "engine-id": "this Engine's id",
    "network": "the networks' settings",
    "plugins": "installed plugins",
    "runtimes": "files of extra container runtimes",
    "swarm": "swarm mode's state (empty unless swarm is on)",
    "tmp": "scratch space the Engine uses while it works",
    "trust": "keys for signed images (Docker Content Trust)",
}
# With the containerd image store, containerd's directory holds the images and writable layers.
CONTAINERD_STORE_MEANING = (
    "the containerd image store: compressed layer blobs (content) and the snapshotter's "
    "unpacked layers and containers' writable layers (io.containerd.snapshotter.v1.overlayfs)"
)


@result
class DataRootListing(TableShown):
    """The directories in the Engine's data root, or why this notebook cannot list them.

    `method`: "this machine" (read here: the Engine's files are on this machine), "a helper
    container" (the data root bind-mounted, read-only, into a throw-away container, which runs
    where the Engine is), or "" (not listed). `reason` says why that way, or why not at all;
    `command` is what was run; `image_store` "containerd" or "graph driver"."""

    path: str
    listed: bool
    entries: tuple
    reason: str
    method: str = ""
    command: str = ""
    image_store: str = ""

    def table(self) -> Table:
        """The data root's directories with what each holds, or why they could not be listed."""
        if not self.listed:
            rows = [("cannot list", self.path), ("why", self.reason)]
            if self.command:
                rows.append(("tried", self.command))
            return Table(["", ""], rows)
        meanings = dict(DATA_ROOT_MEANINGS)
        if self.image_store == "containerd":
            meanings["containerd"] = CONTAINERD_STORE_MEANING
        where = (
            "on this machine"
            if self.method == "this machine"
            else f"where the Engine runs, listed by the helper container above: {self.reason}"
        )
        return Table(
            ["directory", "what it holds"],
            [(name, meanings.get(name, "(not explained here)")) for name in self.entries],
            caption=f"{self.path} {where}",
        )


@result
class PrepStep:
    """One thing the course needs, and whether it is in place."""

    name: str
    ok: bool
    detail: str
    todo: str = ""


@result
class Preparation(TableShown):
    """What `prepare_lab` found and did; `ready` when every step is in place."""

    steps: tuple

    @property
    def ready(self) -> bool:
        return all(step.ok for step in self.steps)

    def table(self) -> Table:
        return Table(
            ["", "needed", "state", "what to do"],
            [("OK" if s.ok else "MISSING", s.name, s.detail, s.todo or "-") for s in self.steps],
        )
