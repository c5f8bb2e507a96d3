"""The Engine as a whole: its facts (`docker version`, `docker info`), what it stores (`docker
system df -v`), every resource by kind, and the lab's cleanup, by label only."""

from __future__ import annotations

import datetime
import platform

from ..core.echo import announce, cli
from ..core.errors import LabError
from ..core.labels import BASE_IMAGE_LABEL, MANAGED, is_lab_image, is_lab_owned, managed_filter
from ..core.results import result
from ..core.units import si
from . import audit
from .connection import client
from .step import engine_step

__all__ = [
    "CleanupReport",
    "DiskUsage",
    "EngineFacts",
    "ImageSummary",
    "Locality",
    "NetworkSummary",
    "Plugin",
    "Removed",
    "UsageRow",
    "cleanup",
    "disk_usage",
    "engine_facts",
    "engine_locality",
    "lab_resources",
    "list_images",
    "list_networks",
    "platform_kind",
    "plugins",
    "recording_meta",
]


@result
class UsageRow:
    """One resource in `docker system df -v`."""

    kind: str
    name: str
    size_bytes: int
    shared_bytes: int  # images: bytes shared with other images (-1: not computed)
    lab_owned: bool
    labels: dict
    id: str  # images: short id (an untagged image has no name)
    ref_count: int = 0  # volumes: the containers that use it (LINKS)


@result
class DiskUsage:
    """`docker system df -v`: what the Engine stores, by kind.

    `layers_bytes` is every image layer counted once (LayersSize); `containers_bytes` is the sum of
    the writable layers; `volumes_bytes` the data in volumes.
    """

    layers_bytes: int
    containers_bytes: int
    volumes_bytes: int
    build_cache_bytes: int
    rows: tuple

    @property
    def total_bytes(self) -> int:
        return (
            self.layers_bytes + self.containers_bytes + self.volumes_bytes + self.build_cache_bytes
        )


@engine_step("read the Engine's disk usage")
def disk_usage() -> DiskUsage:
    """`docker system df -v`."""
    announce(cli("system", "df", "-v"))
    import docker

    try:
        df = client().df()
    except docker.errors.NotFound:  # seen on Engine 28's containerd store right after a failed
        import time  # build: a snapshot removed while the Engine listed it; asking again works

        time.sleep(1)
        df = client().df()
    rows = []
    for image in df.get("Images") or []:
        tag = (image.get("RepoTags") or ["<none>"])[0]
        rows.append(
            UsageRow(
                "image",
                tag,
                int(image.get("Size") or 0),
                int(image.get("SharedSize") if image.get("SharedSize") is not None else -1),
                is_lab_image(image.get("Labels"), image.get("RepoTags")),
                dict(image.get("Labels") or {}),
                image.get("Id", "").split(":")[-1][:12],
            )
        )
    for container in df.get("Containers") or []:
        rows.append(
            UsageRow(
                "container",
                container["Names"][0].lstrip("/"),
                int(container.get("SizeRw") or 0),
                0,
                is_lab_owned(container.get("Labels")),
                dict(container.get("Labels") or {}),
                container.get("Id", "")[:12],
            )
        )
    for volume in df.get("Volumes") or []:
        usage = volume.get("UsageData") or {}
        labels = dict(volume.get("Labels") or {})
        size, links = max(int(usage.get("Size") or 0), 0), max(int(usage.get("RefCount") or 0), 0)
        owned = is_lab_owned(labels)
        rows.append(UsageRow("volume", volume["Name"], size, 0, owned, labels, "", links))
    build_cache = sum(int(b.get("Size") or 0) for b in df.get("BuildCache") or [])
    return DiskUsage(
        int(df.get("LayersSize") or 0),
        sum(r.size_bytes for r in rows if r.kind == "container"),
        sum(r.size_bytes for r in rows if r.kind == "volume"),
        build_cache,
        tuple(rows),
    )


@result
class Removed:
    """One resource cleanup removed."""

    kind: str
    name: str
    size_bytes: int


@result
class CleanupReport:
    """What `cleanup` removed and the space it gave back (measured before and after)."""

    removed: tuple
    reclaimed_bytes: int
    commands: tuple

    @property
    def reclaimed(self) -> str:
        return si(self.reclaimed_bytes)


@engine_step("list the lab's resources")
def lab_resources(session_only: bool = False, include_base_image: bool = False) -> tuple:
    """Everything carrying the lab's `managed` label (containers, volumes, images, networks).

    Returns:
        tuples ("container"|"volume"|"image"|"network", name).
    """
    engine = client()
    filters = managed_filter(session_only)
    found = [("container", c.name) for c in engine.containers.list(all=True, filters=filters)]
    found += [("volume", v.name) for v in engine.volumes.list(filters=filters)]
    found += [("network", n.name) for n in engine.networks.list(filters=filters)]
    found += [("image", (image.tags or [image.short_id])[0]) for image in _lab_images(session_only)]
    if include_base_image:
        found += [("image", tag) for tag in _offline_base_tags()]
    return tuple(found)


def _lab_images(session_only: bool) -> list:
    """The lab's images: any value of the managed label, narrowed by `is_lab_image`."""
    images = client().images.list(filters=managed_filter(session_only, images=True))
    return [image for image in images if is_lab_image(image.labels, image.tags)]


def _offline_base_tags() -> list[str]:
    """The provisioned offline base image: selected by its label, narrowed to its own tag (images
    built FROM it inherit the label, and those may be the learner's)."""
    from .images import OFFLINE_BASE_IMAGE  # images imports this module

    images = client().images.list(filters={"label": [BASE_IMAGE_LABEL]})
    return [tag for image in images for tag in image.tags if tag == OFFLINE_BASE_IMAGE]


@engine_step("clean up the lab's resources")
def cleanup(session_only: bool = False, include_base_image: bool = False) -> CleanupReport:
    """Remove what the lab created, selected by its label only, and report the space reclaimed.

    Containers go first (with their anonymous volumes), then networks, volumes and images. The
    provisioned offline base image is kept unless `include_base_image` (rebuilding it takes a
    minute or two). Anything without the lab's labels is never selected, whatever its name.
    """
    engine = client()
    filters = managed_filter(session_only)
    before = disk_usage()
    sizes = {(r.kind, r.name): r.size_bytes for r in before.rows}
    removed, commands = [], []

    def note(kind: str, name: str, command: str) -> None:
        announce(command)
        commands.append(command)
        removed.append(Removed(kind, name, sizes.get((kind, name), 0)))

    label = f"label={MANAGED}"
    for container in engine.containers.list(all=True, filters=filters):
        audit.removed("container", container.name, container.labels)
        container.remove(force=True, v=True)
        note("container", container.name, cli("rm", "-f", "-v", container.name))
    for network in engine.networks.list(filters=filters):
        audit.removed("network", network.name, network.attrs.get("Labels"))
        network.remove()
        note("network", network.name, cli("network", "rm", network.name))
    for volume in engine.volumes.list(filters=filters):
        audit.removed("volume", volume.name, volume.attrs.get("Labels"))
        volume.remove(force=True)
        note("volume", volume.name, cli("volume", "rm", volume.name))
    images = _lab_images(session_only)
    tags = [tag for image in images for tag in (image.tags or [image.id])]
    if include_base_image:
        tags += _offline_base_tags()
    for tag in tags:
        # the offline base image carries its own label (BASE_IMAGE_LABEL), asked for by name
        audit.removed("image", tag, {MANAGED: "image"}, asked_by_learner=include_base_image)
        engine.images.remove(tag, force=True, noprune=False)
        note("image", tag, cli("image", "rm", tag))
    if images:
        # Dangling (untagged) images with the label at all: is_lab_image counts those as the lab's.
        engine.images.prune(filters={"dangling": True, "label": [MANAGED]})
        commands.append(cli("image", "prune", "-f", "--filter", label))
    after = disk_usage()
    return CleanupReport(
        tuple(removed), max(before.total_bytes - after.total_bytes, 0), tuple(commands)
    )


# --- the Engine's facts ---------------------------------------------------------------------------


@result
class EngineFacts:
    """What the doctor learned about the Engine, for notebooks to explain."""

    server_version: str
    api_version: str
    os_name: str
    kernel: str
    platform_kind: str
    docker_root_dir: str
    storage_driver: str
    driver_status: tuple
    volume_drivers: tuple
    containerd_snapshotter: bool
    cpus: int
    memory_bytes: int
    os_type: str  # "linux" (or "windows" for Windows containers)
    arch: str
    name: str  # the Engine's host name (`docker info`: Name)

    @property
    def image_store(self) -> str:
        """ "containerd" (the containerd image store: images as content plus unpacked snapshots)
        or "graph driver" (the classic store: layers kept by the storage driver, overlay2)."""
        return "containerd" if self.containerd_snapshotter else "graph driver"

    @property
    def storage(self) -> str:
        """The storage driver and image store in a few words, for tables and banners."""
        if self.containerd_snapshotter:
            return f"containerd image store ({self.storage_driver} snapshotter)"
        return f"{self.storage_driver} graph driver"


def platform_kind(info: dict) -> str:
    """ "docker-desktop", "wsl2", "rootless" or "native-linux", from `docker info`."""
    os_name = (info.get("OperatingSystem") or "").lower()
    kernel = (info.get("KernelVersion") or "").lower()
    name = (info.get("Name") or "").lower()
    if "docker desktop" in os_name or name == "docker-desktop" or "linuxkit" in kernel:
        return "docker-desktop"
    if "microsoft" in kernel or "wsl2" in kernel:
        return "wsl2"
    if any("rootless" in opt for opt in info.get("SecurityOptions") or []):
        return "rootless"
    return "native-linux"


@engine_step("read the Engine's facts")
def engine_facts() -> EngineFacts:
    """`docker version` and `docker info`, reduced to what the course explains."""
    engine = client()
    info = engine.info()
    version = engine.version()
    status = tuple(tuple(pair) for pair in info.get("DriverStatus") or [])
    snapshotter = any("io.containerd.snapshotter" in str(v) for _, v in status)
    return EngineFacts(
        version.get("Version", "?"),
        version.get("ApiVersion", "?"),
        info.get("OperatingSystem", "?"),
        info.get("KernelVersion", "?"),
        platform_kind(info),
        info.get("DockerRootDir", "?"),
        info.get("Driver", "?"),
        status,
        tuple((info.get("Plugins") or {}).get("Volume") or ()),
        snapshotter,
        int(info.get("NCPU") or 0),
        int(info.get("MemTotal") or 0),
        version.get("Os", "?"),
        version.get("Arch", "?"),
        info.get("Name", ""),
    )


@engine_step("read the Engine's facts for the recording")
def recording_meta() -> dict:
    """When and on which Engine a recording is made (the replay banner shows it)."""
    from .. import __version__

    facts = engine_facts()
    return {
        "recorded_on": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
        "engine_version": facts.server_version,
        "api_version": facts.api_version,
        "engine_os": facts.os_name,
        "platform": f"{facts.os_type}/{facts.arch}",
        "kernel": facts.kernel,
        "storage_driver": facts.storage_driver,
        "image_store": facts.image_store,
        "labhelpers": __version__,
        "python": platform.python_version(),
    }


@result
class Plugin:
    """A volume driver the Engine offers: built in, or a managed plugin (`docker plugin ls`)."""

    name: str
    source: str  # "built in" or "managed plugin"
    enabled: bool


@engine_step("list the volume drivers")
def plugins() -> tuple:
    """`docker info --format '{{json .Plugins.Volume}}'` and `docker plugin ls --filter
    capability=volumedriver`: the volume drivers this Engine can use."""
    announce(cli("info", "--format", "{{json .Plugins.Volume}}"))
    announce(cli("plugin", "ls", "--filter", "capability=volumedriver"))
    engine = client()
    built_in = (engine.info().get("Plugins") or {}).get("Volume") or []
    rows = [Plugin(name, "built in", True) for name in built_in]
    for plugin in engine.plugins.list():
        types = plugin.attrs.get("Config", {}).get("Interface", {}).get("Types") or []
        if any("volumedriver" in str(t) for t in types) and plugin.name not in built_in:
            rows.append(Plugin(plugin.name, "managed plugin", bool(plugin.enabled)))
    return tuple(rows)


@result
class ImageSummary:
    """One image of `docker image ls -a`."""

    id: str
    tags: tuple
    labels: dict
    lab_owned: bool


@engine_step("list images")
def list_images(label: str = "") -> tuple:
    """`docker image ls [--filter label=L]`: every image (the learner's too)."""
    found = client().images.list(filters={"label": [label]} if label else None)
    return tuple(
        ImageSummary(
            i.id.split(":")[-1][:12],
            tuple(i.tags),
            dict(i.labels or {}),
            is_lab_image(i.labels, i.tags),
        )
        for i in found
    )


@result
class NetworkSummary:
    """One network of `docker network ls`."""

    id: str
    name: str
    labels: dict
    lab_owned: bool


@engine_step("list networks")
def list_networks() -> tuple:
    """`docker network ls`: every network (the learner's too)."""
    return tuple(
        NetworkSummary(
            n.id[:12],
            n.name,
            dict(n.attrs.get("Labels") or {}),
            is_lab_owned(n.attrs.get("Labels")),
        )
        for n in sorted(client().networks.list(), key=lambda n: n.name)
    )


# --- where the Engine's files are ---------------------------------------------------------------


@result
class Locality:
    """Where the Engine keeps its files, seen from here (probed, not guessed).

    `files_here`: a file a container wrote into a volume is at the volume's mountpoint on this
    machine (native Linux with a local Engine); False for a VM (Docker Desktop), an Engine in a
    container (Docker-in-Docker) or a remote one. `folders_shared`: a folder of this machine's,
    bind-mounted, shows its files in a container, as bind mounts of the notebooks' folders need
    (False when the Engine cannot see this folder; None when it could not be probed).
    `root_only`: the files are here but only root may read them (the data root is 0710)."""

    files_here: bool | None
    folders_shared: bool | None
    root_only: bool
    folder: str  # the folder whose sharing was probed
    detail: str


_locality: dict[str, Locality] = {}  # a fact of the machine: probed once per Engine and folder


def _probe_image() -> str:
    from .images import choose_base_image, sdk_image

    choice = choose_base_image(pull=False)
    if choice.present:
        return choice.image
    return "my-image" if sdk_image("my-image") is not None else ""


@engine_step("find out where the Engine keeps its files")
def engine_locality(folder: str = "") -> Locality:
    """Probe where the Engine's files are (see `Locality`): a throw-away volume whose file is
    looked for at its mountpoint here, and a throw-away folder (in FOLDER, the current one by
    default) bind-mounted into a throw-away container. Both are removed again."""
    import os
    import secrets
    import tempfile

    from ..core.echo import quiet
    from .containers import run_once
    from .mounts import MountSpec
    from .volumes import create_volume, remove_volume

    folder = os.path.abspath(folder or os.getcwd())
    key = f"{os.environ.get('DOCKER_HOST', '')}|{folder}"
    if key in _locality:
        return _locality[key]
    image = _probe_image()
    if not image:
        return Locality(None, None, False, folder, "no image to probe with (run the doctor)")
    token = secrets.token_hex(8)
    files_here, root_only, shared = None, False, None
    name = f"lab-probe-{token}"
    with quiet():
        volume = create_volume(name)
        try:
            write = f"echo {token} > /probe/marker"
            probe = [MountSpec("volume", name, "/probe")]
            run_once(image, ["sh", "-c", write], probe, writes=True)
            marker = os.path.join(volume.mountpoint, "marker")
            try:
                with open(marker) as seen:
                    files_here = seen.read().strip() == token
            except PermissionError:
                files_here = root_only = True  # /var/lib/docker is root's: here, but closed
            except OSError:
                files_here = False
        finally:
            remove_volume(name)
        try:
            probe = tempfile.mkdtemp(prefix=".labhelpers-probe-", dir=folder)
        except OSError:
            probe = ""
        if probe:
            try:
                with open(os.path.join(probe, "marker"), "w") as mark:
                    mark.write(token)
                os.chmod(probe, 0o755)
                done = run_once(
                    image,
                    ["cat", "/probe/marker"],
                    [MountSpec("bind", probe, "/probe", read_only=True)],
                    check=False,
                )
                shared = done.exit_code == 0 and done.output.strip() == token
            except LabError:
                shared = False  # the Engine refused: the path does not exist where it runs
            finally:
                import shutil

                shutil.rmtree(probe, ignore_errors=True)
    where = (
        "on this machine"
        if files_here
        else "not on this machine (a VM, a container or another host)"
        if files_here is False
        else "unknown"
    )
    sees = {True: "sees", False: "does not see", None: "was not asked about"}[shared]
    detail = f"the Engine's files are {where}; it {sees} {folder}"
    found = Locality(files_here, shared, root_only, folder, detail)
    _locality[key] = found
    return found
