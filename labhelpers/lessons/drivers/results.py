"""What notebook 04's experiments return, and how each shows as a table."""

from __future__ import annotations

from ...core.results import result
from ...core.units import si
from ...views import Table, TableShown, yes_no

__all__ = [
    "DriverDetail",
    "DriverExample",
    "FilesystemMap",
    "LayerStack",
    "LifetimeReport",
    "LifetimeStep",
    "PathFilesystem",
    "StorageDriverReport",
    "VolumeDrivers",
]


@result
class DriverDetail:
    """One line under `Storage Driver:` in `docker info`, with what it means."""

    name: str
    value: str
    meaning: str


@result
class StorageDriverReport(TableShown):
    """The Engine's storage driver, as `docker info` reports it."""

    driver: str
    details: tuple
    containerd_snapshotter: bool
    docker_root_dir: str
    platform_kind: str
    command: str

    def table(self) -> Table:
        rows = [("Storage Driver", self.driver, "keeps image layers and writable layers")]
        rows += [(d.name, d.value, d.meaning) for d in self.details]
        rows.append(("Docker Root Dir", self.docker_root_dir, "where the Engine keeps its data"))
        return Table(["docker info", "value", "what it means"], rows)


def _short_path(path: str) -> str:
    """/var/lib/docker/overlay2/<64 hex>/diff -> /var/lib/docker/overlay2/<id>/diff."""
    return "/".join("<id>" if len(part) >= 64 else part for part in path.split("/"))


@result
class LayerStack(TableShown):
    """How overlay2 assembles one container's root filesystem (from `docker inspect`)."""

    container: str
    driver: str
    lower_dirs: int
    init_layer: bool
    upper_dir: str
    merged_dir: str
    image_layers: int
    command: str

    def table(self) -> Table:
        return Table(
            ["part", "value"],
            [
                ("storage driver", self.driver),
                ("image layers (docker image inspect)", self.image_layers),
                ("read-only lower dirs (LowerDir)", self.lower_dirs),
                (
                    "  of which the container's init layer (/etc/hosts, ...)",
                    1 if self.init_layer else 0,
                ),
                ("writable upper dir (UpperDir)", _short_path(self.upper_dir)),
                ("what the container sees as / (MergedDir)", _short_path(self.merged_dir)),
            ],
        )


@result
class PathFilesystem:
    """One path inside a container: the filesystem behind it and who provides it."""

    path: str
    fs_type: str
    capacity_bytes: int
    provided_by: str


@result
class FilesystemMap(TableShown):
    """`docker exec NAME df -T ...` for the root and every mount of a container."""

    container: str
    paths: tuple
    command: str

    def table(self) -> Table:
        return Table(
            ["path in the container", "filesystem", "capacity", "provided by"],
            [(p.path, p.fs_type, si(p.capacity_bytes), p.provided_by) for p in self.paths],
        )


@result
class VolumeDrivers(TableShown):
    """`docker info` (Plugins: Volume) and `docker plugin ls`: the volume drivers available, as
    the Engine layer's `Plugin` rows (name, source: "built in" or "managed plugin", enabled)."""

    drivers: tuple

    def table(self) -> Table:
        return Table(
            ["volume driver", "kind", "enabled"],
            [(d.name, d.source, yes_no(d.enabled)) for d in self.drivers],
        )


@result
class LifetimeStep:
    """One step of the tmpfs-volume experiment and what was measured right after it."""

    step: str
    running_users: int
    note_present: bool
    mounted_on_host: str  # "yes", "no" or "not visible from here"


@result
class LifetimeReport(TableShown):
    """The tmpfs-backed volume experiment, step by step."""

    volume: str
    steps: tuple

    def table(self) -> Table:
        return Table(
            ["step", "running containers using it", "note.txt there?", "tmpfs mounted on host?"],
            [
                (s.step, s.running_users, yes_no(s.note_present), s.mounted_on_host)
                for s in self.steps
            ],
        )


@result
class DriverExample:
    """How a learner would use a volume driver (most of which this lab does not run)."""

    name: str
    runs_here: bool
    commands: tuple
    needs: str
    kubernetes: str

    def text(self) -> str:
        status = "runs in this lab" if self.runs_here else "NOT RUN here: shown as an example"
        lines = [f"# {self.name}  ({status})"]
        lines += [f"$ {c}" for c in self.commands]
        lines += [f"# needs: {self.needs}", f"# in Kubernetes: {self.kubernetes}"]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()
