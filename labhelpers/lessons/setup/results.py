"""What notebook 00's experiments return: the data root's listing and the lab's preparation."""

from __future__ import annotations

from ...core.results import result
from ...core.table import Table, TableShown

__all__ = [
    "CONTAINERD_STORE_MEANING",
    "DATA_ROOT_MEANINGS",
    "IN_A_VM",
    "DataRootListing",
    "PrepStep",
    "Preparation",
]

IN_A_VM = ("docker-desktop", "wsl2")  # platform kinds whose Engine runs in a Linux VM

DATA_ROOT_MEANINGS = {
    "overlay2": "the storage driver's layers, writable ones too",
    "image": "which layers make up each image, and the tags",
    "containers": "containers' settings and logs (not their files)",
    "volumes": "the `local` driver's volumes (NAME/_data)",
    "buildkit": "BuildKit's state and build cache",
    "containerd": "the containerd daemon's state",
    "rootfs": "running containers' root filesystems, mounted",
}
# With the containerd image store, containerd's directory holds the images and writable layers.
CONTAINERD_STORE_MEANING = (
    "the containerd image store: compressed and unpacked layers, writable ones too"
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
        where = "on this machine" if self.method == "this machine" else "by a helper container"
        return Table(
            ["directory", "what it holds"],
            [(name, meanings[name]) for name in self.entries if name in meanings],
            caption=f"{self.path}, listed {where}",
        )

    @property
    def others(self) -> str:
        """The directories the table does not explain (networks, plugins, swarm, ...)."""
        meanings = {*DATA_ROOT_MEANINGS, "containerd"}
        return ", ".join(name for name in self.entries if name not in meanings)


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
        if self.ready:  # nothing to do: no column of dashes
            return Table(["", "needed", "state"], [("OK", s.name, s.detail) for s in self.steps])
        return Table(
            ["", "needed", "state", "what to do"],
            [("OK" if s.ok else "MISSING", s.name, s.detail, s.todo or "-") for s in self.steps],
        )
