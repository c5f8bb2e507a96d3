"""Notebook 04's Engine work: the storage driver as `docker info` reports it, one container's
layer stack and the filesystem behind each of its paths, the volume drivers installed, and how
long a tmpfs-backed `local` volume keeps its files."""

from __future__ import annotations

import re
import shlex

from ...core.echo import announce, cli
from ...core.errors import BadInput
from ...engine import (
    LESSON_IMAGE,
    create_volume,
    engine_facts,
    engine_step,
    exec_in,
    find_container,
    image_info,
    inspect_volume,
    lab_container,
    plugins,
    remove_container,
    run_container,
    start_container,
    stop_container,
    storage_layout,
    volume_mount,
)
from ..common import HERE, TMPFS_VOLUME_SIZE, tmpfs_volume_options, where_engine_path_is
from .results import (
    DriverDetail,
    FilesystemMap,
    LayerStack,
    LifetimeReport,
    LifetimeStep,
    PathFilesystem,
    StorageDriverReport,
    VolumeDrivers,
)

__all__ = [
    "create_tmpfs_volume",
    "filesystems",
    "layer_stack",
    "storage_driver",
    "tmpfs_volume_lifetime",
    "volume_drivers",
]

# --- the storage driver ---------------------------------------------------------------------------

_DETAIL_MEANING = {
    "Backing Filesystem": "the filesystem under the data root that holds the layers "
    "(extfs = ext2/3/4)",
    "Supports d_type": "the backing filesystem records each file's type in directory entries; "
    "overlay2 refuses to run without it",
    "Native Overlay Diff": "the kernel's overlayfs works out what a layer changed (used when "
    "images are built and committed)",
    "userxattr": "overlay keeps its metadata in user.* attributes (true for rootless Engines)",
    "driver-type": "io.containerd.snapshotter.v1 means containerd, not the Engine, keeps "
    "images and layers (the containerd image store)",
}


@engine_step("read the Engine's storage driver")
def storage_driver() -> StorageDriverReport:
    """`docker info`: the storage driver, its details (backing filesystem, d_type, ...), the
    data root, and whether the containerd snapshotter keeps the images."""
    shown = cli("info", "--format", "{{.Driver}} {{json .DriverStatus}} {{.DockerRootDir}}")
    announce(shown)
    facts = engine_facts()
    details = tuple(
        DriverDetail(str(name), str(value), _DETAIL_MEANING.get(str(name), ""))
        for name, value in facts.driver_status
    )
    return StorageDriverReport(
        facts.storage_driver,
        details,
        facts.containerd_snapshotter,
        facts.docker_root_dir,
        facts.platform_kind,
        shown,
    )


@engine_step("inspect the container's layers")
def layer_stack(name: str) -> LayerStack:
    """`docker inspect -f '{{json .GraphDriver}}' NAME`, counted: how many read-only layers lie
    under the container's writable one (and how many layers its image has)."""
    layout = storage_layout(name)
    lower = [d for d in layout.data.get("LowerDir", "").split(":") if d]
    layers = image_info(lab_container(name).image).layer_count
    return LayerStack(
        name,
        layout.driver,
        len(lower),
        bool(lower) and lower[0].endswith("-init/diff"),
        layout.data.get("UpperDir", ""),
        layout.data.get("MergedDir", ""),
        layers,
        cli("inspect", "-f", "{{json .GraphDriver}}", name),
    )


# --- which filesystem serves each path in a container ---------------------------------------------


@engine_step("see which filesystem serves each path")
def filesystems(name: str) -> FilesystemMap:
    """`docker exec NAME df -P -T -B1 / MOUNTS...`: the filesystem type behind the container's root
    (the storage driver's) and behind each of its mounts (a volume driver's, a bind, a tmpfs).

    Capacities are the CLI's SI figures (df's byte counts divided by 1000).
    """
    container = lab_container(name)
    paths = ["/", *sorted(m.destination for m in container.mounts)]  # inspect's order varies
    shown = cli("exec", name, "df", "-P", "-T", "-B1", *paths)
    announce(shown)
    script = "df -P -T -B1 " + " ".join(shlex.quote(p) for p in paths)
    lines = exec_in(name, script, echo=False).output.strip().splitlines()[1:]
    by_path = {}
    for line in lines:
        fields = line.split()
        by_path[fields[-1]] = (fields[1], int(fields[2]))
    rows = []
    for path in paths:
        fs_type, capacity = by_path.get(path, ("?", 0))
        provider = _provider(path, container.mounts, container.graph_driver or "?")
        rows.append(PathFilesystem(path, fs_type, capacity, provider))
    return FilesystemMap(name, tuple(rows), shown)


def _provider(path: str, mounts: tuple, storage_driver: str) -> str:
    if path == "/":
        return f"the storage driver ({storage_driver}): image layers + writable layer"
    mount = next(m for m in mounts if m.destination == path)
    if mount.kind == "volume":
        return f"the '{mount.driver or '?'}' volume driver: volume {mount.volume_name}"
    if mount.kind == "bind":
        return f"a bind mount of the host path {mount.source}"
    return f"a {mount.kind} mount (--{mount.kind})" if mount.kind else "?"


# --- volume drivers -------------------------------------------------------------------------------


@engine_step("list the volume drivers")
def volume_drivers() -> VolumeDrivers:
    """The built-in volume drivers (`docker info`), then installed managed plugins that provide
    volumes (`docker plugin ls`; none until someone runs `docker plugin install`)."""
    return VolumeDrivers(plugins())


_TMPFS_SIZE = re.compile(r"[1-9]\d*[kmg]?|[1-9]\d?%", re.IGNORECASE)


def _check_size(size: str) -> None:
    if not isinstance(size, str) or not _TMPFS_SIZE.fullmatch(size):
        raise BadInput(
            f"Cannot make a tmpfs of size {size!r}.",
            "tmpfs takes a number of bytes with an optional k, m or g, or a share of the RAM "
            "(such as 50%).",
            "pass a size such as '64m'.",
        )


def _check_tmpfs_volume(name: str, size: str = TMPFS_VOLUME_SIZE) -> None:
    _check_size(size)


@engine_step("create the tmpfs-backed volume", validate=_check_tmpfs_volume)
def create_tmpfs_volume(name: str, size: str = TMPFS_VOLUME_SIZE):
    """`docker volume create --driver local --opt type=tmpfs --opt device=tmpfs --opt o=size=SIZE
    NAME`: a `local` volume whose files live in memory (labelled, ownership-checked).

    Returns:
        VolumeInfo (see `lh.inspect_volume`).
    Raises:
        BadInput: a SIZE tmpfs does not take.
    """
    return create_volume(name, "local", tmpfs_volume_options(size))


# --- how long does a tmpfs-backed volume keep its files? -----------------------------------------


def _mounted_on_host(mountpoint: str, where: str) -> str:
    """Whether this machine has something mounted at a volume's mountpoint: "yes", "no", or "not
    visible from here" (Docker Desktop, WSL 2, a remote Engine, an Engine in a container of its
    own: the Engine's mounts are elsewhere). Called inside a step: it reads this machine."""
    if where != HERE:
        return "not visible from here"
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            return "yes" if any(line.split()[1] == mountpoint for line in mounts) else "no"
    except OSError:
        return "not visible from here"


def _check_lifetime(volume: str = "ram-life", size: str = "16m", image: str = LESSON_IMAGE) -> None:
    _check_size(size)


@engine_step("follow the tmpfs-backed volume", validate=_check_lifetime)
def tmpfs_volume_lifetime(
    volume: str = "ram-life", size: str = "16m", image: str = LESSON_IMAGE
) -> LifetimeReport:
    """Write a file into a fresh tmpfs-backed `local` volume, then share, remove, stop and start
    the containers that use it, checking after each step whether the file is still there (and,
    where this machine can see the Engine's mounts, whether the tmpfs is mounted).

    The containers (VOLUME-1, -2, -3) are removed at the end; the (empty) volume is kept.
    """
    names = (f"{volume}-1", f"{volume}-2", f"{volume}-3")
    for old in names:  # containers of an earlier run hold the volume
        if find_container(old) is not None:
            remove_container(old)
    create_volume(volume, "local", tmpfs_volume_options(size))
    mountpoint = inspect_volume(volume).mountpoint
    where = where_engine_path_is(mountpoint)
    steps: list[LifetimeStep] = []
    running: set[str] = set()

    def measure(step: str, probe: str | None) -> None:
        present = False
        if probe:
            present = exec_in(probe, "test -f /data/note.txt", check=False).exit_code == 0
        steps.append(LifetimeStep(step, len(running), present, _mounted_on_host(mountpoint, where)))

    def run(name: str) -> None:
        run_container(name, image, [volume_mount(volume, "/data")], "sleep infinity")
        running.add(name)

    def remove(name: str) -> None:
        remove_container(name)
        running.discard(name)

    run(names[0])
    exec_in(names[0], "echo kept in memory > /data/note.txt")
    measure(f"{names[0]} writes /data/note.txt", names[0])
    run(names[1])
    measure(f"{names[1]} mounts the same volume", names[1])
    remove(names[0])
    measure(f"docker rm -f {names[0]}", names[1])
    stop_container(names[1])
    running.discard(names[1])
    measure(f"docker stop {names[1]} (the last user)", None)
    start_container(names[1])
    running.add(names[1])
    measure(f"docker start {names[1]}", names[1])
    exec_in(names[1], "echo kept in memory > /data/note.txt")
    measure(f"{names[1]} writes note.txt again", names[1])
    remove(names[1])
    run(names[2])
    measure(f"docker rm -f {names[1]}, then {names[2]} mounts it", names[2])
    remove(names[2])
    return LifetimeReport(volume, tuple(steps))
