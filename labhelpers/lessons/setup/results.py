"""What notebook 00's experiments return: the data root's listing and the lab's preparation."""

from __future__ import annotations

from ...core.results import result
from ...core.table import Table, TableShown
from .views import data_root_table

__all__ = ["DataRootListing", "PrepStep", "Preparation"]


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
        return data_root_table(self)


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
