"""Notebook 04's Engine work: the storage driver as `docker info` reports it, one container's
layer stack and the filesystem behind each of its paths, the volume drivers installed, how long a
tmpfs-backed `local` volume keeps its files, and where the Engine and its files are."""

from __future__ import annotations

import re

from ...core.commands import NOT_RUN, PROBE, docker, show
from ...core.errors import BadInput, NotEnoughSpace
from ...core.inputs import check_name
from ...core.labels import lab_labels
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
    remove_container,
    root_mount,
    run_container,
    run_once,
    start_container,
    stop_container,
    storage_layout,
    volume_mount,
)
from ...engine.containers import labels_args
from ...engine.dockercli import execute
from ..common import TMPFS_VOLUME_SIZE, tmpfs_volume_options
from .results import (
    DriverDetail,
    EnginePlatform,
    FilesystemMap,
    KubernetesManifests,
    LayerStack,
    LifetimeReport,
    LifetimeStep,
    PathFilesystem,
    StorageDriverReport,
    VolumeDrivers,
    detail_meaning,
)

__all__ = [
    "create_tmpfs_volume",
    "engine_platform",
    "filesystems",
    "kubernetes_manifests",
    "layer_stack",
    "storage_driver",
    "tmpfs_volume_lifetime",
    "volume_driver_examples",
    "volume_drivers",
]


@engine_step("read the Engine's storage driver")
def storage_driver() -> StorageDriverReport:
    """`docker info`: the storage driver, the lines under it (backing filesystem, d_type, ...)
    with what each means, and the data root."""
    shown = show(
        docker("info", "--format", "{{.Driver}} {{json .DriverStatus}} {{.DockerRootDir}}")
    )
    info = execute(shown)
    status = [(str(k), str(v)) for k, v in info.get("DriverStatus") or []]
    return StorageDriverReport(
        info.get("Driver", "?"),
        tuple(DriverDetail(k, v, detail_meaning(k, v)) for k, v in status),
        any("io.containerd.snapshotter" in v for _, v in status),
        info.get("DockerRootDir", "?"),
        shown.line(),
    )


@engine_step("inspect the container's layers", names={"name": "container"})
def layer_stack(name: str) -> LayerStack:
    """The overlay mounted as the container's `/` (`docker exec NAME cat /proc/1/mountinfo`: both
    image stores), counted against the image's layers, beside what `docker inspect` lists under
    GraphDriver (overlay2's directories; nothing with the containerd image store)."""
    mount = root_mount(name)
    layout = storage_layout(name)
    layers = image_info(lab_container(name).image).layer_count
    return LayerStack(
        name,
        engine_facts().storage,
        mount.fstype,
        len(mount.lower_dirs),
        layers,
        mount.upper_dir,
        bool(layout.data.get("UpperDir")),
    )


def _provider(path: str, mounts: tuple) -> str:
    if path == "/":
        return "the storage driver"
    mount = next(m for m in mounts if m.destination == path)
    if mount.kind == "volume":
        return f"volume driver '{mount.driver or '?'}': {mount.volume_name}"
    return f"a {mount.kind} mount"


@engine_step("see which filesystem serves each path", names={"name": "container"})
def filesystems(name: str) -> FilesystemMap:
    """`docker exec NAME df -P -T -B1 / MOUNTS...`: the filesystem behind the container's root
    (the storage driver's) and behind each mount (a volume driver's, a bind, a tmpfs)."""
    container = lab_container(name)
    paths = ["/", *sorted(m.destination for m in container.mounts)]  # inspect's order varies
    lines = exec_in(name, ["df", "-P", "-T", "-B1", *paths]).output.strip().splitlines()[1:]
    found = {fields[-1]: (fields[1], int(fields[2])) for fields in map(str.split, lines)}
    rows = tuple(
        PathFilesystem(p, *found.get(p, ("?", 0)), _provider(p, container.mounts)) for p in paths
    )
    return FilesystemMap(name, rows)


@engine_step("list the volume drivers")
def volume_drivers() -> VolumeDrivers:
    """The built-in volume drivers (`docker info`), then installed plugins that provide volumes
    (`docker plugin ls`; none until someone runs `docker plugin install`)."""
    return VolumeDrivers(plugins())


_TMPFS_SIZE = re.compile(r"[1-9]\d*[kmg]?|[1-9]\d?%", re.IGNORECASE)


def _check_volume(name: str = "ram-life", size: str = TMPFS_VOLUME_SIZE, *_, **__) -> None:
    check_name(name, "volume")
    if not isinstance(size, str) or not _TMPFS_SIZE.fullmatch(size):
        raise BadInput(
            f"Cannot make a tmpfs of size {size!r}.",
            "tmpfs takes a number of bytes with an optional k, m or g, or a share of the RAM "
            "(such as 50%).",
            "pass a size such as '64m'.",
        )


def _size_bytes(size: str) -> int | None:
    """A tmpfs size option in bytes ("16m" -> 16 MiB); None for a share of the RAM ("50%")."""
    if size.endswith("%"):
        return None
    unit = {"k": 1024, "m": 1024**2, "g": 1024**3}.get(size[-1].lower(), 1)
    return int(size.rstrip("kKmMgG")) * unit


@engine_step("create the tmpfs-backed volume", validate=_check_volume, names={"name": "volume"})
def create_tmpfs_volume(name: str, size: str = TMPFS_VOLUME_SIZE):
    """`docker volume create --label ... --opt type=tmpfs --opt device=tmpfs --opt o=size=SIZE
    NAME`: a `local` volume whose files live in memory. Returns its VolumeInfo.

    Raises:
        BadInput: a SIZE tmpfs does not take.
        NotEnoughSpace: SIZE is more than the Engine's machine has memory (nothing is created).
    """
    wanted, memory = _size_bytes(size), engine_facts().memory_bytes
    if wanted is not None and memory and wanted > memory:
        raise NotEnoughSpace(
            f"Not creating the tmpfs-backed volume {name} of {size}.",
            f"its files would be held in the memory of the Engine's machine ({si(memory)}).",
            "pick a size well below that, such as 64m.",
            wanted,
            memory,
        )
    return create_volume(name, "local", tmpfs_volume_options(size))


# --- how long does a tmpfs-backed volume keep its files? -----------------------------------------

_VOLUME_DIR_AT = "/volume-dir"  # where a helper container mounts a volume's own directory


def _tmpfs_mounted(mountpoint: str, size: str, image: str) -> str:
    """Is the volume's tmpfs mounted at its mountpoint on the Engine's machine? A throw-away
    container bind-mounts the volume's directory (a path where the Engine runs, so this works
    wherever it runs) and asks which filesystem serves `_data` there: "yes", "no" or "could not
    look" (Docker Desktop may map the path to a folder of your computer)."""
    parent, leaf = mountpoint.rsplit("/", 1)
    done = run_once(
        image,
        ["stat", "-f", "-c", "%T %b %S", f"{_VOLUME_DIR_AT}/{leaf}"],
        [MountSpec("bind", parent, _VOLUME_DIR_AT, read_only=True)],
        check=False,
    )
    fields = done.output.split()
    if done.exit_code != 0 or len(fields) != 3 or not fields[1].isdigit():
        return "could not look"
    wanted = _size_bytes(size)
    tmpfs = fields[0] == "tmpfs" and wanted in (None, int(fields[1]) * int(fields[2]))
    return "yes" if tmpfs else "no"


@engine_step(
    "follow the tmpfs-backed volume",
    validate=_check_volume,
    names={"name": "volume", "image": "image"},
)
def tmpfs_volume_lifetime(
    name: str = "ram-life", size: str = "16m", image: str = LESSON_IMAGE
) -> LifetimeReport:
    """Write a file into a fresh tmpfs-backed volume NAME, then share, remove, stop and start the
    containers NAME-1, -2, -3 that use it; after each step: is the file there, and is the tmpfs
    mounted at the volume's mountpoint (seen through a helper container)? The containers are
    removed at the end; the (empty) volume is kept."""
    boxes = tuple(f"{name}-{n}" for n in (1, 2, 3))
    for old in boxes:  # an earlier run's containers hold the volume
        if find_container(old) is not None:
            remove_container(old)
    create_volume(name, "local", tmpfs_volume_options(size))
    mountpoint = inspect_volume(name).mountpoint
    steps: list[LifetimeStep] = []
    running: list[str] = []

    def measure(step: str) -> None:
        probe = running[-1] if running else ""
        present = bool(probe) and (
            exec_in(probe, ["test", "-f", "/data/note.txt"], check=False, expect=PROBE).exit_code
            == 0
        )
        steps.append(
            LifetimeStep(step, len(running), present, _tmpfs_mounted(mountpoint, size, image))
        )

    def run(box: str) -> None:
        run_container(box, image, [volume_mount(name, "/data")], "sleep infinity")
        running.append(box)

    def remove(box: str) -> None:
        remove_container(box)
        running.remove(box)

    one, two, three = boxes
    run(one)
    exec_in(one, "echo kept in memory > /data/note.txt")
    measure(f"{one} writes note.txt")
    run(two)
    measure(f"{two} mounts it too")
    remove(one)
    measure(f"docker rm -f {one}")
    stop_container(two)
    running.remove(two)
    measure(f"docker stop {two}")
    start_container(two)
    running.append(two)
    measure(f"docker start {two}")
    remove(two)
    run(three)
    measure(f"rm {two}, run {three}")
    remove(three)
    return LifetimeReport(name, tuple(steps))


# --- drivers that need a server or a cloud account: shown, not run --------------------------------


@engine_step("show volume drivers that need a server")
def volume_driver_examples() -> None:
    """The commands that would create a volume on an NFS share and on an AWS EBS disk, shown and
    not run: this lab has no NFS server and no cloud account. (They carry the lab's marks, as
    the lab's commands do: a CLI twin that runs them where it can removes what they made.)"""
    labels = labels_args(lab_labels("volume", "nfs-vol"))
    show(
        docker(
            "volume", "create", "--driver", "local", *labels, "--opt", "type=nfs",
            "--opt", "o=addr=nfs.example.internal,rw,nfsvers=4", "--opt",
            "device=:/exports/shared", "nfs-vol", expect=NOT_RUN, note="not run: no NFS server",
        )
    )  # fmt: skip
    labels = labels_args(lab_labels("volume", "ebs-vol"))
    show(
        docker(
            "volume", "create", "--driver", "rexray/ebs", *labels, "--opt", "size=20", "ebs-vol",
            expect=NOT_RUN, note="not run: needs the plugin and an EC2 instance",
        )
    )  # fmt: skip


# --- where the Engine and its files are ---------------------------------------------------------


@engine_step("find out where the Engine and its files are")
def engine_platform() -> EnginePlatform:
    """The platform the Engine reports (`docker info`), and what the lab probed: are the
    Engine's files (layers, volumes, tmpfs mounts) on this machine, and does it see this folder?"""
    facts = engine_facts()
    locality = engine_locality()
    return EnginePlatform(
        facts.platform_kind,
        facts.os_name,
        facts.docker_root_dir,
        locality.files_here,
        locality.folders_shared,
    )


def _check_kubernetes_names(volume: str = "my-vol", container: str = "", *_, **__) -> None:
    for value in (volume, container):
        if value and not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", value):
            raise BadInput(
                f"'{value}' is not a valid Kubernetes object name.",
                "names are lower-case letters, digits and '-'.",
                "pass a name such as my-vol.",
            )


@engine_step(
    "name the Kubernetes objects",
    validate=_check_kubernetes_names,
    names={"volume": "volume", "container": "container", "image": "image"},
)
def kubernetes_manifests(
    volume: str = "my-vol",
    container: str = "vol-cont-1",
    image: str = LESSON_IMAGE,
    mount_path: str = "/app",
    storage: str = "1Gi",
) -> KubernetesManifests:
    """The PersistentVolumeClaim and Pod for notebook 05's `docker volume create VOLUME` and
    `docker run -d --name CONTAINER -v VOLUME:MOUNT_PATH IMAGE`, with the names this Engine gives
    them (shown, not applied: the lab has no cluster).

    Raises:
        BadInput: VOLUME or CONTAINER is not a valid Kubernetes object name.
    """
    return KubernetesManifests(volume, container, image, mount_path, storage)
