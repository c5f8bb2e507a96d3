"""The Engine as a whole: its facts (`docker version`, `docker info`), what it stores (`docker
system df -v`), every resource by kind, and the lab's cleanup: by its marks only, and by default
only what this account made."""

from __future__ import annotations

import contextlib
import datetime
import platform

from docker.errors import NotFound

from ..core.commands import docker, show
from ..core.labels import (
    BASE_IMAGE_LABEL,
    MANAGED,
    OWNER,
    is_lab_image,
    is_lab_owned,
    is_mine,
    is_my_lab_work,
)
from ..core.plugins import notify
from ..core.results import result
from ..core.sessions import SESSION_ID, built_images, forget, made_by_session
from ..core.units import si
from .connection import client, endpoint, server_version
from .dockercli import execute
from .images import OFFLINE_BASE_IMAGE, lab_image
from .names import listed_name, listed_tags
from .step import engine_step

__all__ = [
    "CleanupReport",
    "DiskUsage",
    "EngineFacts",
    "ImageSummary",
    "LabResource",
    "NetworkSummary",
    "Plugin",
    "Removed",
    "UsageRow",
    "cleanup",
    "disk_usage",
    "engine_facts",
    "image_store",
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


class _Image:
    """An image row of `docker system df` seen as `lab_image` needs it."""

    def __init__(self, row: dict) -> None:
        self.labels = row.get("Labels") or {}
        self.tags = [t for t in row.get("RepoTags") or [] if t != "<none>:<none>"]
        self.id = row.get("Id", "")


@engine_step("read the Engine's disk usage")
def disk_usage() -> DiskUsage:
    """`docker system df -v`."""
    import docker as sdk

    command = show(docker("system", "df", "-v"))
    try:
        df = execute(command)
    except sdk.errors.NotFound:  # seen on Engine 28's containerd store right after a failed
        import time  # build: a snapshot removed while the Engine listed it; asking again works

        time.sleep(1)
        df = execute(command)
    rows = []
    for image in df.get("Images") or []:
        tag = (image.get("RepoTags") or ["<none>"])[0]
        shared = image.get("SharedSize")
        rows.append(
            UsageRow(
                "image",
                tag,
                int(image.get("Size") or 0),
                int(shared if shared is not None else -1),
                lab_image(_Image(image)),
                dict(image.get("Labels") or {}),
                image.get("Id", "").split(":")[-1][:12],
            )
        )
    for container in df.get("Containers") or []:
        name = container["Names"][0].lstrip("/")
        labels = dict(container.get("Labels") or {})
        rows.append(
            UsageRow(
                "container",
                name,
                int(container.get("SizeRw") or 0),
                0,
                is_my_lab_work("container", name, labels),
                labels,
                container.get("Id", "")[:12],
            )
        )
    for volume in df.get("Volumes") or []:
        usage = volume.get("UsageData") or {}
        labels = dict(volume.get("Labels") or {})
        size, links = max(int(usage.get("Size") or 0), 0), max(int(usage.get("RefCount") or 0), 0)
        owned = is_my_lab_work("volume", volume["Name"], labels)
        rows.append(UsageRow("volume", volume["Name"], size, 0, owned, labels, "", links))
    build_cache = sum(int(b.get("Size") or 0) for b in df.get("BuildCache") or [])
    return DiskUsage(
        int(df.get("LayersSize") or 0),
        sum(r.size_bytes for r in rows if r.kind == "container"),
        sum(r.size_bytes for r in rows if r.kind == "volume"),
        build_cache,
        tuple(rows),
    )


# --- the lab's resources and its cleanup ----------------------------------------------------------

MINE = "mine"  # what this account made (the default)
EVERYONE = "everyone"  # everything any account's lab made on this Engine (an instructor's)
SESSION = "session"  # what this kernel made (the tests)


@result
class LabResource:
    """One resource of the lab's: its kind, name, id and who made it."""

    kind: str  # container, volume, network, image
    name: str
    id: str
    owner: str


def _in_scope(labels: dict | None, kind: str, ident: str, scope: str) -> bool:
    if scope == EVERYONE:
        return True
    if scope == SESSION:
        return made_by_session(kind, ident) == SESSION_ID
    return is_mine(labels)


@engine_step("list the lab's resources")
def lab_resources(scope: str = MINE, include_base_image: bool = False) -> tuple:
    """Everything whose mark names it as the lab's (containers, volumes, networks, images), made
    by this account (MINE), by any account (EVERYONE: an instructor's view of a shared Engine)
    or by this kernel (SESSION). `docker ps -a`, `docker volume ls`, `docker network ls` and
    `docker image ls`, each with `--filter label=io.labhelpers.managed` (not shown).

    Returns:
        LabResource per resource: containers, networks, volumes, images (the order a cleanup
        removes them in).
    """
    # The listings' rows carry names, ids and labels: the SDK's `.list()` would inspect each
    # container and image once more, a round trip each.
    api = client().api
    wanted = {"label": [MANAGED]}
    found: list[LabResource] = []
    for c in api.containers(all=True, filters=wanted):
        name, ident, labels = listed_name(c), c["Id"], c.get("Labels") or {}
        if is_lab_owned("container", name, labels) and _in_scope(labels, "container", ident, scope):
            found.append(LabResource("container", name, ident[:12], labels.get(OWNER, "")))
    for n in api.networks(filters=wanted):
        name, ident, labels = n["Name"], n["Id"], n.get("Labels") or {}
        if is_lab_owned("network", name, labels) and _in_scope(labels, "network", ident, scope):
            found.append(LabResource("network", name, ident[:12], labels.get(OWNER, "")))
    for v in api.volumes(filters=wanted).get("Volumes") or ():
        name, labels = v["Name"], v.get("Labels") or {}
        if is_lab_owned("volume", name, labels) and _in_scope(labels, "volume", name, scope):
            found.append(LabResource("volume", name, "", labels.get(OWNER, "")))
    built = built_images()
    for image in api.images(filters=wanted):
        ident, labels, tags = image["Id"], image.get("Labels") or {}, listed_tags(image)
        short = ident.split(":")[-1][:12]
        if is_lab_image(labels, tags, ident, built) and _in_scope(labels, "image", ident, scope):
            name = tags[0] if tags else short
            found.append(LabResource("image", name, short, labels.get(OWNER, "")))
    if include_base_image:
        for image in api.images(filters={"label": [BASE_IMAGE_LABEL]}):
            # FROM it inherits the label: its tag decides
            if OFFLINE_BASE_IMAGE in listed_tags(image):
                short = image["Id"].split(":")[-1][:12]
                found.append(LabResource("image", OFFLINE_BASE_IMAGE, short, ""))
    return tuple(found)


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


_REMOVE = {
    "container": ("rm", "-f", "-v"),
    "network": ("network", "rm"),
    "volume": ("volume", "rm", "-f"),
    "image": ("image", "rm", "-f"),
}


@engine_step("clean up the lab's resources")
def cleanup(scope: str = MINE, include_base_image: bool = False) -> CleanupReport:
    """Remove what `lab_resources(scope)` lists, selected by the lab's marks only, and report the
    space reclaimed. Containers go first (with their anonymous volumes), then networks, volumes
    and images. The provisioned offline base image is kept unless `include_base_image` (rebuilding
    it takes a minute or two). Nothing without the lab's mark naming it is ever selected, whatever
    its name; by default nothing another account made.
    """
    before = disk_usage()
    sizes = {(r.kind, r.name): r.size_bytes for r in before.rows}
    removed, commands = [], []
    for item in lab_resources(scope, include_base_image):
        target = item.id if item.kind == "image" and not _tagged(item) else item.name
        command = show(docker(*_REMOVE[item.kind], target))
        base = item.name == OFFLINE_BASE_IMAGE  # asked for by name (it carries its own label)
        notify("removed", item.kind, item.name, {MANAGED: item.kind}, asked_by_learner=base)
        with contextlib.suppress(NotFound):  # gone meanwhile (a --rm, another cleanup)
            execute(command)
        forget(item.kind, item.id or item.name)
        commands.append(command.line())
        removed.append(Removed(item.kind, item.name, sizes.get((item.kind, item.name), 0)))
    after = disk_usage()
    return CleanupReport(
        tuple(removed), max(before.total_bytes - after.total_bytes, 0), tuple(commands)
    )


def _tagged(item: LabResource) -> bool:
    return item.name != item.id


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


def platform_kind(info: dict, host: str = "") -> str:
    """Where the Engine runs, from `docker info` and its address: "docker-desktop" (its Linux
    VM), "wsl2", "rootless", "in-a-container" (an Engine in a container of its own: Docker in
    Docker, a classroom's per-learner Engine), "remote" (another host) or "native-linux"."""
    os_name = (info.get("OperatingSystem") or "").lower()
    kernel = (info.get("KernelVersion") or "").lower()
    name = (info.get("Name") or "").lower()
    if "docker desktop" in os_name or name == "docker-desktop" or "linuxkit" in kernel:
        return "docker-desktop"
    if "microsoft" in kernel or "wsl2" in kernel:
        return "wsl2"
    if any("rootless" in opt for opt in info.get("SecurityOptions") or []):
        return "rootless"
    if "(containerized)" in os_name:
        return "in-a-container"
    if host and not host.startswith(("unix://", "npipe://")):
        return "remote"
    return "native-linux"


@engine_step("read the Engine's facts")
def engine_facts() -> EngineFacts:
    """`docker version` and `docker info`, reduced to what the course explains. `docker info`
    is asked each time; `docker version` once per connection (`server_version`)."""
    info = client().info()
    version = server_version(info.get("ServerVersion", ""))
    status = tuple(tuple(pair) for pair in info.get("DriverStatus") or [])
    snapshotter = _containerd_snapshotter(status)
    return EngineFacts(
        version.get("Version", "?"),
        version.get("ApiVersion", "?"),
        info.get("OperatingSystem", "?"),
        info.get("KernelVersion", "?"),
        platform_kind(info, endpoint()[1]),
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


def _containerd_snapshotter(driver_status) -> bool:
    return any("io.containerd.snapshotter" in str(v) for _, v in driver_status)


@engine_step("read the Engine's image store")
def image_store() -> str:
    """`docker info` (not shown), for its image store alone: `EngineFacts.image_store`'s answer
    without `docker version` (one round trip where a lesson measures after each step)."""
    status = client().info().get("DriverStatus") or []
    return "containerd" if _containerd_snapshotter(status) else "graph driver"


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
    info = execute(show(docker("info", "--format", "{{json .Plugins.Volume}}")))
    managed = execute(show(docker("plugin", "ls", "--filter", "capability=volumedriver")))
    built_in = (info.get("Plugins") or {}).get("Volume") or []
    rows = [Plugin(name, "built in", True) for name in built_in]
    for plugin in managed:
        if plugin.name not in built_in:
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
            lab_image(i),
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
            is_lab_owned("network", n.name, n.attrs.get("Labels")),
        )
        for n in sorted(client().networks.list(), key=lambda n: n.name)
    )
