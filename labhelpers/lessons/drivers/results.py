"""What notebook 04's experiments return, and how each shows (tables and a few lines of text)."""

from __future__ import annotations

from ...core.results import result
from ...core.table import Table, TableShown, yes_no
from ...core.units import si

__all__ = [
    "PLATFORMS",
    "DriverDetail",
    "EnginePlatform",
    "FilesystemMap",
    "KubernetesManifests",
    "LayerStack",
    "LifetimeReport",
    "LifetimeStep",
    "PathFilesystem",
    "StorageDriverReport",
    "VolumeDrivers",
    "detail_meaning",
]

# What each line under `Storage Driver:` in `docker info` means, by its value ("" for any value).
_MEANINGS = {
    ("Backing Filesystem", ""): "the filesystem under the data root that holds the layers",
    ("Supports d_type", "true"): "it records file types in directory entries: overlay needs that",
    ("Supports d_type", "false"): "it does not record file types: overlay2 cannot run on it",
    ("Native Overlay Diff", "true"): "a layer's upper directory is taken as its diff",
    ("Native Overlay Diff", "false"): "the Engine compares files itself to find a layer's diff",
    ("Using metacopy", "true"): "a chmod of an image's file copies up only its metadata",
    ("Using metacopy", "false"): "a chmod of an image's file copies the whole file up",
    ("userxattr", "true"): "overlay keeps its notes in user.* attributes (rootless)",
    ("userxattr", "false"): "overlay keeps its notes in trusted.* attributes (root only)",
    ("driver-type", ""): "containerd's snapshotter keeps the layers: the containerd image store",
}


def detail_meaning(name: str, value: str) -> str:
    """What one line under `Storage Driver:` in `docker info` means, for the value it has."""
    return _MEANINGS.get((name, value.lower()), _MEANINGS.get((name, ""), ""))


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
    command: str

    def table(self) -> Table:
        kind = "containerd's snapshotter" if self.containerd_snapshotter else "a graph driver"
        rows = [("Storage Driver", self.driver, f"{kind}: keeps image and writable layers")]
        rows += [(d.name, d.value, d.meaning) for d in self.details]
        rows.append(("Docker Root Dir", self.docker_root_dir, "where the Engine keeps its data"))
        return Table(["docker info", "value", "what it means"], rows)


@result
class LayerStack(TableShown):
    """One container's root filesystem as the storage driver mounts it: the overlay at `/`
    (from the container's own mount table, either image store) beside the image's layer count
    and what `docker inspect` lists under GraphDriver (overlay2's directories; nothing with the
    containerd image store)."""

    container: str
    storage: str
    fstype: str
    lower_dirs: int
    image_layers: int
    upper_dir: str
    inspect_lists_dirs: bool

    @property
    def init_layer(self) -> bool:
        """One lower directory more than the image has layers: the container's init layer."""
        return self.lower_dirs == self.image_layers + 1

    def table(self) -> Table:
        listed = "the same directories" if self.inspect_lists_dirs else "none of them"
        # /var/lib/docker/overlay2/<64 hex>/diff -> /var/lib/docker/overlay2/<id>/diff
        upper = "/".join("<id>" if len(part) >= 64 else part for part in self.upper_dir.split("/"))
        return Table(
            ["part of /", "measured"],
            [
                ("image layers (docker image inspect)", self.image_layers),
                ("read-only lower dirs (incl. the init layer)", self.lower_dirs),
                ("writable upper dir", upper or "(none)"),
                ("docker inspect's GraphDriver lists", listed),
            ],
            caption=f"{self.container}: an {self.fstype or '?'} mount ({self.storage})",
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
    """`docker exec NAME df -P -T -B1 / MOUNTS...` for the root and every mount of a container."""

    container: str
    paths: tuple

    def table(self) -> Table:
        return Table(
            ["path", "filesystem", "capacity", "provided by"],
            [(p.path, p.fs_type, si(p.capacity_bytes), p.provided_by) for p in self.paths],
        )


@result
class VolumeDrivers(TableShown):
    """The volume drivers available (`docker info`, `docker plugin ls`)."""

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
            ["step", "containers using it", "note.txt there?", "tmpfs mounted?"],
            [
                (s.step, s.running_users, yes_no(s.note_present), s.tmpfs_mounted)
                for s in self.steps
            ],
        )


# Where the Engine runs, for each platform kind `docker info` lets the lab tell apart.
PLATFORMS = {
    "native-linux": "an Engine on this Linux machine",
    "rootless": "a rootless Engine of your account",
    "in-a-container": "an Engine in a container of its own",
    "remote": "an Engine on another host",
    "docker-desktop": "Docker Desktop's Linux VM",
    "wsl2": "a Linux VM of WSL 2",
}


@result
class EnginePlatform:
    """Where the Engine runs (as `docker info` tells it) and what the lab probed from here: are
    its files on this machine, does it see this notebook's folder (so bind mounts of it work)?"""

    platform_kind: str
    os_name: str
    docker_root_dir: str
    files_here: bool | None
    folders_shared: bool | None

    def __repr__(self) -> str:
        files = {True: "on this machine", False: "not on this machine"}
        sees = {True: "sees", False: "does not see", None: "was not asked about"}
        return (
            f"platform: {self.platform_kind} ({PLATFORMS.get(self.platform_kind, '?')})\n"
            f"data root: {self.docker_root_dir}, {files.get(self.files_here, 'not known')}\n"
            f"this folder: the Engine {sees[self.folders_shared]} it"
        )


@result
class KubernetesManifests:
    """The PersistentVolumeClaim and Pod for `docker volume create VOLUME` and `docker run -d
    --name CONTAINER -v VOLUME:MOUNT_PATH IMAGE` (shown, not applied: the lab has no cluster)."""

    volume: str
    container: str
    image: str
    mount_path: str
    storage: str

    def __repr__(self) -> str:
        v, c = self.volume, self.container
        return f"""\
# docker volume create {v}
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {{name: {v}}}
spec:
  accessModes: [ReadWriteOnce]
  resources: {{requests: {{storage: {self.storage}}}}}  # a claim must ask for a size
---
# docker run -d --name {c} -v {v}:{self.mount_path} {self.image}
apiVersion: v1
kind: Pod
metadata: {{name: {c}}}
spec:
  containers:
    - name: {c}
      image: {self.image}
      volumeMounts: [{{name: data, mountPath: {self.mount_path}}}]  # nothing is copied in
  volumes:
    - name: data
      persistentVolumeClaim: {{claimName: {v}}}"""
