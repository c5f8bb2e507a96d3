"""Notebook 04's Engine work: the storage driver as `docker info` reports it, one container's
layer stack and the filesystem behind each of its paths, the volume drivers installed, and how
long a tmpfs-backed `local` volume keeps its files. Also the reference tables and examples that
name what the course creates, with the names this Engine has (`views` builds them)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

from ...core.echo import announce, cli, quiet
from ...core.errors import BadInput, LabError, NotEnoughSpace
from ...core.inputs import check_name
from ...core.units import si
from ...engine import (
    LESSON_IMAGE,
    MountSpec,
    create_volume,
    engine_facts,
    engine_locality,
    engine_step,
    exec_in,
    find_container,
    image_info,
    inspect_volume,
    lab_container,
    plugins,
    real,
    remove_container,
    root_mount,
    run_container,
    run_once,
    start_container,
    stop_container,
    storage_layout,
    volume_mount,
)
from ...engine.system import EngineFacts
from ...core.table import Table, TableShown
from ..common import HERE, TMPFS_VOLUME_SIZE, tmpfs_volume_options, where_engine_files_are
from . import views
from .results import (
    DriverDetail,
    EnginePlatform,
    FilesystemMap,
    LayerStack,
    LifetimeReport,
    LifetimeStep,
    PathFilesystem,
    StorageDriverReport,
    VolumeDrivers,
)

__all__ = [
    "CONCEPTS",
    "CourseNamedTable",
    "create_tmpfs_volume",
    "driver_examples",
    "engine_platform",
    "filesystems",
    "kubernetes_manifests",
    "layer_stack",
    "storage_driver",
    "tmpfs_volume_lifetime",
    "volume_drivers",
]

# --- the storage driver ---------------------------------------------------------------------------


def detail_meaning(name: str, value: str) -> str:
    """What one line under `Storage Driver:` in `docker info` means, for the value it has."""
    on = value.lower() == "true"
    if name == "Backing Filesystem":
        extfs = " (extfs = ext2/3/4)" if value == "extfs" else ""
        return f"the filesystem under the data root that holds the layers{extfs}"
    if name == "Supports d_type":
        if on:
            return (
                "the backing filesystem records each file's type in its directory entries; "
                "overlay2 refuses to run without it"
            )
        return "the backing filesystem does not record file types: overlay2 cannot run on it"
    if name == "Native Overlay Diff":
        if on:
            return (
                "the Engine takes a layer's upper directory as its diff (used when images are "
                "built and committed)"
            )
        return (
            "the Engine compares files itself to find what a layer changed (slower), because "
            "the kernel's overlay features (redirect_dir, metacopy) make the upper directory "
            "an unreliable diff"
        )
    if name == "Using metacopy":
        if on:
            return "a chmod or chown of an image's file copies up only its metadata"
        return (
            "a chmod or chown of an image's file copies the whole file up into the writable layer"
        )
    if name == "userxattr":
        if on:
            return (
                "true: overlay writes its notes on files (extended attributes: name-value pairs "
                "stored with a file, such as 'this directory hides the one below') under user.*, "
                "which a rootless Engine may set"
            )
        return (
            "false: overlay writes its notes on files (extended attributes: name-value pairs "
            "stored with a file, such as 'this directory hides the one below') under "
            "trusted.*, which only root may set; the Engine runs as root, not rootless"
        )
    if name == "driver-type":
        if "io.containerd.snapshotter" in value:
            return (
                "a containerd snapshotter, not the Engine's own graph driver, keeps the image "
                "layers and writable layers: the containerd image store"
            )
        return "the kind of plugin that keeps the layers"
    return ""


def _driver_meaning(facts: EngineFacts) -> str:
    if facts.containerd_snapshotter:
        return (
            f"the containerd snapshotter ({facts.storage_driver}) that keeps image layers and "
            "writable layers"
        )
    return (
        f"the Engine's graph driver: it keeps image layers and writable layers under "
        f"{facts.docker_root_dir}/{facts.storage_driver}"
    )


@engine_step("read the Engine's storage driver")
def storage_driver() -> StorageDriverReport:
    """`docker info`: the storage driver, its details (backing filesystem, d_type, ...), the
    data root, and whether the containerd snapshotter keeps the images."""
    shown = cli("info", "--format", "{{.Driver}} {{json .DriverStatus}} {{.DockerRootDir}}")
    announce(shown)
    facts = engine_facts()
    details = tuple(
        DriverDetail(str(name), str(value), detail_meaning(str(name), str(value)))
        for name, value in facts.driver_status
    )
    return StorageDriverReport(
        facts.storage_driver,
        details,
        facts.containerd_snapshotter,
        facts.docker_root_dir,
        facts.platform_kind,
        shown,
        _driver_meaning(facts),
    )


@engine_step("inspect the container's layers")
def layer_stack(name: str) -> LayerStack:
    """The overlay mounted as the container's `/`, read from its own mount table (`docker exec
    NAME cat /proc/1/mountinfo`: works with both image stores), counted: how many read-only
    lower directories lie under its writable upper one, beside the image's layer count and what
    `docker inspect` lists under GraphDriver (overlay2's directories; nothing with the
    containerd image store)."""
    name = real(name)
    mount = root_mount(name)
    layout = storage_layout(name)
    facts = engine_facts()
    layers = image_info(lab_container(name).image).layer_count
    return LayerStack(
        name,
        facts.storage,
        facts.image_store,
        mount.fstype,
        len(mount.lower_dirs),
        len(mount.lower_dirs) == layers + 1,
        mount.lower_dirs[0] if mount.lower_dirs else "",
        mount.upper_dir,
        layout.data.get("MergedDir", ""),
        layers,
        bool(layout.data.get("UpperDir")),
        cli("exec", name, "cat", "/proc/1/mountinfo"),
    )


@engine_step("find out where the Engine and its files are")
def engine_platform() -> EnginePlatform:
    """The platform the Engine reports (`docker info`), and what the lab probed (`engine_locality`):
    whether the Engine's files (layers, volumes, tmpfs mounts) are on this machine, and whether
    the Engine sees this notebook's folder (so that bind mounts of it work)."""
    facts = engine_facts()
    where = where_engine_files_are()
    locality = engine_locality()
    return EnginePlatform(
        facts.platform_kind,
        facts.os_name,
        where == HERE,
        where,
        locality.folders_shared,
        locality.folder,
    )


# --- which filesystem serves each path in a container ---------------------------------------------


@engine_step("see which filesystem serves each path")
def filesystems(name: str) -> FilesystemMap:
    """`docker exec NAME df -P -T -B1 / MOUNTS...`: the filesystem type behind the container's root
    (the storage driver's) and behind each of its mounts (a volume driver's, a bind, a tmpfs).

    Capacities are the CLI's SI figures (df's byte counts divided by 1000).
    """
    name = real(name)
    container = lab_container(name)
    storage = engine_facts().storage
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
        provider = _provider(path, container.mounts, storage)
        rows.append(PathFilesystem(path, fs_type, capacity, provider))
    return FilesystemMap(name, tuple(rows), shown)


def _provider(path: str, mounts: tuple, storage_driver: str) -> str:
    if path == "/":
        return f"the storage driver, {storage_driver}: image layers + writable layer"
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
    check_name(name, "volume")
    _check_size(size)


@engine_step("create the tmpfs-backed volume", validate=_check_tmpfs_volume)
def create_tmpfs_volume(name: str, size: str = TMPFS_VOLUME_SIZE):
    """`docker volume create --driver local --opt type=tmpfs --opt device=tmpfs --opt o=size=SIZE
    NAME`: a `local` volume whose files live in memory (labelled, ownership-checked).

    Returns:
        VolumeInfo (see `lh.inspect_volume`).
    Raises:
        BadInput: a SIZE tmpfs does not take.
        NotEnoughSpace: SIZE is more than the Engine's machine has memory (nothing is created).
    """
    wanted, memory = _size_bytes(size), engine_facts().memory_bytes
    if wanted is not None and memory and wanted > memory:
        raise NotEnoughSpace(
            f"Not creating the tmpfs-backed volume {real(name, 'volume')} of {size}.",
            f"its files would be held in the memory of the Engine's machine, which has "
            f"{si(memory)} in all.",
            "pick a size well below that, such as 64m.",
            wanted,
            memory,
        )
    return create_volume(name, "local", tmpfs_volume_options(size))


# --- how long does a tmpfs-backed volume keep its files? -----------------------------------------


_VOLUME_DIR_AT = "/volume-dir"  # where a helper container mounts a volume's own directory


def _tmpfs_at_mountpoint(mountpoint: str, size: str, image: str) -> str:
    """Is the volume's tmpfs mounted at its mountpoint on the Engine's machine? "yes", "no" or
    "could not look". A throw-away container bind-mounts the volume's directory (the mountpoint's
    parent, a path on the Engine's machine, so this works wherever the Engine runs) and asks
    which filesystem serves `_data` in it: a tmpfs of the volume's size, or the data root's own.
    A directory without `_data` is not the volume's (Docker Desktop may map the path to a folder
    of your computer): then it could not look."""
    parent, leaf = mountpoint.rsplit("/", 1)
    script = f"test -d {_VOLUME_DIR_AT}/{leaf} && stat -f -c '%T %b %S' {_VOLUME_DIR_AT}/{leaf}"
    spec = MountSpec("bind", parent, _VOLUME_DIR_AT, read_only=True)
    try:
        done = run_once(image, ["sh", "-c", script], [spec], check=False)
    except LabError:
        return "could not look"
    fields = done.output.split()
    if done.exit_code != 0 or len(fields) != 3 or not fields[1].isdigit():
        return "could not look"
    fstype, blocks, block_size = fields[0], int(fields[1]), int(fields[2])
    wanted = _size_bytes(size)
    mounted = fstype == "tmpfs" and (wanted is None or blocks * block_size == wanted)
    return "yes" if mounted else "no"


def _size_bytes(size: str) -> int | None:
    """A tmpfs size option in bytes ("16m" -> 16 MiB); None for a share of the RAM ("50%")."""
    if size.endswith("%"):
        return None
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    unit = units.get(size[-1].lower(), 1)
    return int(size.rstrip("kKmMgG")) * unit


def _check_lifetime(volume: str = "ram-life", size: str = "16m", image: str = LESSON_IMAGE) -> None:
    check_name(volume, "volume")
    _check_size(size)


@engine_step("follow the tmpfs-backed volume", validate=_check_lifetime)
def tmpfs_volume_lifetime(
    volume: str = "ram-life", size: str = "16m", image: str = LESSON_IMAGE
) -> LifetimeReport:
    """Write a file into a fresh tmpfs-backed `local` volume, then share, remove, stop and start
    the containers that use it, checking after each step whether the file is still there and
    whether the tmpfs is mounted at the volume's mountpoint on the Engine's machine (seen through
    a throw-away container that bind-mounts the volume's directory: works wherever the Engine
    runs).

    The containers (VOLUME-1, -2, -3) are removed at the end; the (empty) volume is kept.
    """
    # Mapped from the lecture's names (a mapped name is not mapped again), so that the steps
    # name what this Engine holds.
    names = tuple(real(f"{volume}-{n}") for n in (1, 2, 3))
    volume = real(volume, "volume")
    for old in names:  # containers of an earlier run hold the volume
        if find_container(old) is not None:
            remove_container(old)
    create_volume(volume, "local", tmpfs_volume_options(size))
    mountpoint = inspect_volume(volume).mountpoint
    parent = mountpoint.rsplit("/", 1)[0]
    announce(
        cli("run", "--rm", "-v", f"{parent}:{_VOLUME_DIR_AT}:ro", real(image, "image"))
        + f" stat -f -c %T {_VOLUME_DIR_AT}/_data"
        + "   # after each step: tmpfs mounted at the mountpoint?"
    )
    steps: list[LifetimeStep] = []
    running: set[str] = set()

    def measure(step: str, probe: str | None) -> None:
        present = False
        if probe:
            present = exec_in(probe, "test -f /data/note.txt", check=False).exit_code == 0
        with quiet():
            mounted = _tmpfs_at_mountpoint(mountpoint, size, image)
        steps.append(LifetimeStep(step, len(running), present, mounted))

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


# --- reference tables and examples that name the course's volume, container and image ------------


def _named_here(name: str, kind: str = "container") -> str:
    """NAME as the course has it on this Engine; the lecture's name when no Engine can tell (a
    reference table or an example is worth showing all the same)."""
    try:
        return real(name, kind)
    except LabError:
        return name


class CourseNamedTable(TableShown):
    """A reference table of the lesson whose example commands name something the course creates:
    built each time it is shown, with the name this Engine has (the lecture's in a replay)."""

    def __init__(self, build: Callable[..., Table], **names: tuple[str, str]) -> None:
        self._build = build
        self._names = names  # the builder's argument -> (the lecture's name, kind)

    def table(self) -> Table:
        return self._build(**{arg: _named_here(*named) for arg, named in self._names.items()})


# `-v my-vol:/app` names notebook 05's volume: a learner who types it on an Engine where my-vol
# is their own would reach their volume, not the course's.
CONCEPTS = CourseNamedTable(views.concepts_table, volume=("my-vol", "volume"))


def driver_examples() -> tuple:
    """The volume-driver examples (shown, not run), with the course's image and tmpfs volume as
    this Engine names them (see `views.volume_driver_examples` for which names are the course's).
    """
    return views.volume_driver_examples(
        image=_named_here(LESSON_IMAGE, "image"), ram_volume=_named_here("ram-vol", "volume")
    )


def kubernetes_manifests(
    volume: str = "my-vol",
    container: str = "vol-cont-1",
    image: str = LESSON_IMAGE,
    mount_path: str = "/app",
    storage: str = "1Gi",
) -> str:
    """The PersistentVolumeClaim and Pod that correspond to `docker volume create VOLUME` and
    `docker run -d --name CONTAINER -v VOLUME:MOUNT_PATH IMAGE` (shown, not applied: the lab has
    no cluster). The names are the course's as this Engine has them: the manifests translate the
    commands notebook 05 runs here, and their comments show those commands.

    Raises:
        BadInput: VOLUME or CONTAINER is not a valid Kubernetes object name.
    """
    views.check_kubernetes_names(volume, container)
    return views.kubernetes_manifests(
        _named_here(volume, "volume"),
        _named_here(container),
        _named_here(image, "image"),
        mount_path,
        storage,
    )
