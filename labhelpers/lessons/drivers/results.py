"""What notebook 04's experiments return, and how each shows as a table."""

from __future__ import annotations

import html

from ...core.results import result
from ...core.units import si
from ...core.table import Table, TableShown, yes_no

__all__ = [
    "DriverDetail",
    "DriverExample",
    "EnginePlatform",
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
    """The Engine's storage driver, as `docker info` reports it, with what each line means."""

    driver: str
    details: tuple
    containerd_snapshotter: bool
    docker_root_dir: str
    platform_kind: str
    command: str
    driver_meaning: str

    def explanation(self) -> str:
        """Which kind of storage driver this Engine has, and why `docker info` shows other lines
        with the other image store."""
        if self.containerd_snapshotter:
            return (
                f"This Engine uses the containerd image store: containerd's {self.driver} "
                "snapshotter keeps the layers, and `docker info` shows only its driver-type. The "
                "lines the overlay2 graph driver prints (Backing Filesystem, Supports d_type, "
                "Native Overlay Diff, userxattr) are missing because the snapshotter checks the "
                "backing filesystem itself (it too refuses one without d_type) and tells the "
                "Engine nothing of it."
            )
        return (
            f"This Engine keeps layers with its own {self.driver} graph driver, which prints "
            "what it found on the backing filesystem (the lines above). With the containerd "
            "image store, `docker info` would show only `driver-type "
            "io.containerd.snapshotter.v1`: containerd's overlayfs snapshotter keeps the layers "
            "and makes the same checks without reporting them."
        )

    def table(self) -> Table:
        rows = [("Storage Driver", self.driver, self.driver_meaning)]
        rows += [(d.name, d.value, d.meaning) for d in self.details]
        rows.append(("Docker Root Dir", self.docker_root_dir, "where the Engine keeps its data"))
        return Table(["docker info", "value", "what it means"], rows)

    def __repr__(self) -> str:
        return f"{super().__repr__()}\n\n{self.explanation()}"

    def _repr_html_(self) -> str:
        return f"{super()._repr_html_()}<p>{html.escape(self.explanation())}</p>"


def _short_path(path: str) -> str:
    """/var/lib/docker/overlay2/<64 hex>/diff -> /var/lib/docker/overlay2/<id>/diff."""
    return "/".join("<id>" if len(part) >= 64 else part for part in path.split("/"))


@result
class LayerStack(TableShown):
    """How the storage driver assembles one container's root filesystem: the overlay mounted as
    its `/` (read from the container's mount table, with either image store), beside what
    `docker inspect` lists under GraphDriver."""

    container: str
    storage: str  # the storage driver and image store in a few words
    store: str  # "containerd" or "graph driver"
    fstype: str
    lower_dirs: int
    init_layer: bool  # one lower directory more than the image has layers
    init_dir: str
    upper_dir: str
    merged_dir: str  # from docker inspect (overlay2 only)
    image_layers: int
    inspect_lists_dirs: bool
    command: str

    def explanation(self) -> str:
        if not self.upper_dir:
            return (
                f"{self.storage}: the container's / is not an overlay mount "
                f"({self.fstype or 'unknown'}), so there are no lower and upper directories."
            )
        count = (
            f"{self.lower_dirs} lower directories = {self.image_layers} image layers + 1 init "
            f"layer: {yes_no(self.init_layer)}."
        )
        if self.inspect_lists_dirs:
            return (
                f"{count} The {self.storage} keeps them under the data root, and "
                "`docker inspect` lists the same directories under GraphDriver."
            )
        return (
            f"{count} With the containerd image store they are containerd's snapshots "
            "(…/snapshots/N/fs), and `docker inspect` lists none of them (its GraphDriver "
            "data is empty): the lab read them from the container's own mount table."
        )

    def table(self) -> Table:
        merged = _short_path(self.merged_dir) or "(docker inspect lists none: the overlay itself)"
        return Table(
            ["part", "value"],
            [
                ("storage driver", self.storage),
                ("image layers (docker image inspect)", self.image_layers),
                ("read-only lower dirs (lowerdir)", self.lower_dirs),
                ("  of which the container's init layer (/etc/hosts, ...)", int(self.init_layer)),
                ("writable upper dir (upperdir)", _short_path(self.upper_dir) or "(none)"),
                ("what the container sees as / (merged)", merged),
            ],
        )

    def __repr__(self) -> str:
        return f"{super().__repr__()}\n\n{self.explanation()}"

    def _repr_html_(self) -> str:
        return f"{super()._repr_html_()}<p>{html.escape(self.explanation())}</p>"


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
    tmpfs_mounted: str  # at its mountpoint on the Engine's machine: yes, no, could not look


@result
class LifetimeReport(TableShown):
    """The tmpfs-backed volume experiment, step by step."""

    volume: str
    steps: tuple

    def table(self) -> Table:
        return Table(
            [
                "step",
                "running containers using it",
                "note.txt there?",
                "tmpfs mounted at its mountpoint?",
            ],
            [
                (s.step, s.running_users, yes_no(s.note_present), s.tmpfs_mounted)
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


@result
class EnginePlatform:
    """Where the Engine runs, as it reports it, and what the lab probed from here."""

    platform_kind: str  # docker-desktop, wsl2, rootless or native-linux (`docker info`)
    os_name: str
    files_here: bool
    files_where: str  # "here", or where the Engine's files are instead
    folders_shared: bool | None
    folder: str

    def __repr__(self) -> str:
        files = "on this machine" if self.files_here else self.files_where
        sees = {
            True: "the Engine sees it, so bind mounts of it work",
            False: "the Engine does not see it, so bind mounts of it cannot work",
            None: "not probed",
        }[self.folders_shared]
        return (
            f"platform (as the Engine reports it): {self.platform_kind}, {self.os_name}\n"
            f"the Engine's files (layers, volumes, tmpfs mounts): {files}\n"
            f"this notebook's folder: {sees}"
        )
