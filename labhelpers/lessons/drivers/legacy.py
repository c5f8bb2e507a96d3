"""Storage drivers and volume drivers (notebook 04): what this Engine uses, measured, and what it
could use elsewhere.

The storage driver keeps image layers and each container's writable layer; volume drivers keep the
data that outlives containers. Here both are read from the Engine (`docker info`, `docker volume
inspect`, `df` inside a container), the `local` driver's options are run for real (a volume held in
memory by tmpfs), and drivers that need a server or a cloud account are shown as data, marked as
not run.
"""

from __future__ import annotations

import os
import shlex

from ._display import Table, announce, cli
from ._engine import client, engine_step
from ._errors import BadInput
from ._results import result
from ._units import si
from .teaching import CheckResult, exercise_check, not_yet, passed

TMPFS_VOLUME_SIZE = "64m"


def tmpfs_volume_options(size: str = TMPFS_VOLUME_SIZE) -> dict:
    """The `local` driver's options for a volume held in memory: `--opt type=tmpfs --opt
    device=tmpfs --opt o=size=SIZE` (they are handed to the kernel's mount(8) as they are)."""
    return {"type": "tmpfs", "device": "tmpfs", "o": f"size={size}"}


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


@result
class DriverDetail:
    """One line under `Storage Driver:` in `docker info`, with what it means."""

    name: str
    value: str
    meaning: str


@result
class StorageDriverReport:
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

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


@engine_step("read the Engine's storage driver")
def storage_driver() -> StorageDriverReport:
    """`docker info`: the storage driver, its details (backing filesystem, d_type, ...), the
    data root, and whether the containerd snapshotter keeps the images."""
    from .doctor import engine_facts

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


STORAGE_DRIVERS = Table(
    ["storage driver", "how it stores layers", "where you meet it (2026)"],
    [
        (
            "overlay2",
            "OverlayFS: image layers stacked read-only, the container's changes in one upper dir",
            "the default of the Engine on Linux",
        ),
        (
            "overlayfs (containerd snapshotter)",
            "the same OverlayFS, but containerd keeps the layers",
            "Docker Desktop and fresh Engine 29+ installs (the containerd image store)",
        ),
        (
            "fuse-overlayfs",
            "OverlayFS in user space",
            "rootless Engines on kernels too old for unprivileged overlay",
        ),
        (
            "btrfs, zfs",
            "the filesystem's own snapshots and clones",
            "only when the data root sits on a btrfs or zfs filesystem",
        ),
        ("vfs", "a full copy per layer, no copy-on-write", "tests and debugging: slow and large"),
        ("aufs", "the first union filesystem Docker used", "removed in Engine 24 (2023)"),
        ("devicemapper", "thin-provisioned block devices", "removed in Engine 25 (2024)"),
    ],
)


@result
class LayerStack:
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

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def _short_path(path: str) -> str:
    """/var/lib/docker/overlay2/<64 hex>/diff -> /var/lib/docker/overlay2/<id>/diff."""
    parts = path.split("/")
    return "/".join("<id>" if len(p) >= 64 else p for p in parts)


@engine_step("inspect the container's layers")
def layer_stack(name: str) -> LayerStack:
    """`docker inspect -f '{{json .GraphDriver}}' NAME`, counted: how many read-only layers lie
    under the container's writable one."""
    from .containers import storage_layout
    from .images import image_info

    layout = storage_layout.__wrapped_step__(name)
    lower = [d for d in layout.data.get("LowerDir", "").split(":") if d]
    image = client().containers.get(name).attrs["Config"]["Image"]
    layers = image_info.__wrapped_step__(image).layer_count
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


@result
class PathFilesystem:
    """One path inside a container: the filesystem behind it and who provides it."""

    path: str
    fs_type: str
    capacity_bytes: int
    provided_by: str


@result
class FilesystemMap:
    """`docker exec NAME df -T ...` for the root and every mount of a container."""

    container: str
    paths: tuple
    command: str

    def table(self) -> Table:
        return Table(
            ["path in the container", "filesystem", "capacity", "provided by"],
            [(p.path, p.fs_type, si(p.capacity_bytes), p.provided_by) for p in self.paths],
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


@engine_step("see which filesystem serves each path")
def filesystems(name: str) -> FilesystemMap:
    """`docker exec NAME df -P -T -B1 / MOUNTS...`: the filesystem type behind the container's root
    (the storage driver's) and behind each of its mounts (a volume driver's, a bind, a tmpfs).

    Capacities are the CLI's SI figures (df's byte counts divided by 1000).
    """
    from .containers import _lab_container, exec_in

    container = _lab_container(name)
    container.reload()
    mounts = container.attrs.get("Mounts") or []
    driver = (container.attrs.get("GraphDriver") or {}).get("Name", "?")
    paths = ["/", *sorted(m["Destination"] for m in mounts)]  # inspect's order varies
    shown = cli("exec", name, "df", "-P", "-T", "-B1", *paths)
    announce(shown)
    script = "df -P -T -B1 " + " ".join(shlex.quote(p) for p in paths)
    lines = exec_in.__wrapped_step__(name, script, echo=False).output.strip().splitlines()[1:]
    by_path = {}
    for line in lines:
        fields = line.split()
        by_path[fields[-1]] = (fields[1], int(fields[2]))
    rows = []
    for path in paths:
        fs_type, capacity = by_path.get(path, ("?", 0))
        rows.append(PathFilesystem(path, fs_type, capacity, _provider(path, mounts, driver)))
    return FilesystemMap(name, tuple(rows), shown)


def _provider(path: str, mounts: list, storage_driver: str) -> str:
    if path == "/":
        return f"the storage driver ({storage_driver}): image layers + writable layer"
    mount = next(m for m in mounts if m["Destination"] == path)
    kind = mount.get("Type", "")
    if kind == "volume":
        return f"the '{mount.get('Driver', '?')}' volume driver: volume {mount.get('Name', '')}"
    if kind == "bind":
        return f"a bind mount of the host path {mount.get('Source', '')}"
    return f"a {kind} mount (--{kind})" if kind else "?"


def plot_storage(stack: LayerStack, paths: FilesystemMap):
    """A picture of one container's storage, drawn from measurements: the storage driver's layer
    stack (read-only lower dirs, one writable upper dir) beside the mounts that volume drivers
    (or binds, or tmpfs) put into the same file tree."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    fig, ax = plt.subplots(figsize=(8.6, 4.6))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 0.3 + (stack.lower_dirs + 1) * 0.9 + 0.8)
    ax.axis("off")

    def box(x, y, w, h, text, colour, size=9):
        ax.add_patch(
            FancyBboxPatch(
                (x, y),
                w,
                h,
                boxstyle="round,pad=0.02,rounding_size=0.08",
                facecolor=colour,
                edgecolor="#333333",
                linewidth=0.8,
            )
        )
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size)

    init = 1 if stack.init_layer else 0
    for i in range(stack.lower_dirs):
        if i < stack.lower_dirs - init:
            label = f"image layer {i + 1} (read-only)"
            colour = "#d9e2ef"
        else:
            label = "init layer: /etc/hosts, ... (read-only)"
            colour = "#eef1f5"
        box(0.3, 0.3 + i * 0.9, 4.4, 0.75, label, colour)
    top = 0.3 + stack.lower_dirs * 0.9
    box(0.3, top, 4.4, 0.75, "writable layer (UpperDir)", "#f6d7a7")
    ax.text(
        2.5,
        top + 1.15,
        f"/  =  {stack.driver} merges them (storage driver)",
        ha="center",
        fontsize=10,
        weight="bold",
    )
    mounts = [p for p in paths.paths if p.path != "/"]
    ax.text(7.5, top + 1.15, "mounts on top of that tree", ha="center", fontsize=10, weight="bold")
    for j, p in enumerate(mounts):
        colour = "#c9e7c4" if "volume driver" in p.provided_by else "#e5d3f0"
        text = f"{p.path}: {p.fs_type}, {si(p.capacity_bytes)}\n{p.provided_by}"
        box(5.2, top - j * 1.2, 4.6, 0.95, text, colour, size=8)
    ax.set_title(f"Container {stack.container}: who stores what", fontsize=11)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's result
    return fig


# --- volume drivers -------------------------------------------------------------------------------


@result
class VolumeDriver:
    """A volume driver the Engine can use now."""

    name: str
    kind: str
    enabled: bool


@result
class VolumeDrivers:
    """`docker info` (Plugins: Volume) and `docker plugin ls`: the volume drivers available."""

    drivers: tuple
    commands: tuple

    def table(self) -> Table:
        return Table(
            ["volume driver", "kind", "enabled"],
            [(d.name, d.kind, "yes" if d.enabled else "no") for d in self.drivers],
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


@engine_step("list the volume drivers")
def volume_drivers() -> VolumeDrivers:
    """The built-in volume drivers (`docker info`), then installed managed plugins that provide
    volumes (`docker plugin ls`; none until someone runs `docker plugin install`)."""
    commands = (
        cli("info", "--format", "{{json .Plugins.Volume}}"),
        cli("plugin", "ls", "--filter", "capability=volumedriver"),
    )
    for command in commands:
        announce(command)
    engine = client()
    built_in = (engine.info().get("Plugins") or {}).get("Volume") or []
    rows = [VolumeDriver(name, "built in", True) for name in built_in]
    for plugin in engine.plugins.list():
        types = plugin.attrs.get("Config", {}).get("Interface", {}).get("Types") or []
        if any("volumedriver" in str(t) for t in types) and plugin.name not in built_in:
            rows.append(VolumeDriver(plugin.name, "managed plugin", bool(plugin.enabled)))
    return VolumeDrivers(tuple(rows), commands)


def create_tmpfs_volume(name: str, size: str = TMPFS_VOLUME_SIZE):
    """`docker volume create --driver local --opt type=tmpfs --opt device=tmpfs --opt o=size=SIZE
    NAME`: a `local` volume whose files live in memory (labelled, ownership-checked).

    Returns:
        VolumeInfo (see `lh.inspect_volume`).
    """
    from .volumes import create_volume

    return create_volume(name, "local", tmpfs_volume_options(size))


# --- how long does a tmpfs-backed volume keep its files? -----------------------------------------


@result
class LifetimeStep:
    """One step of the tmpfs-volume experiment and what was measured right after it."""

    step: str
    running_users: int
    note_present: bool
    mounted_on_host: str


@result
class LifetimeReport:
    """The tmpfs-backed volume experiment, step by step."""

    volume: str
    steps: tuple

    def table(self) -> Table:
        return Table(
            ["step", "running containers using it", "note.txt there?", "tmpfs mounted on host?"],
            [
                (s.step, s.running_users, "yes" if s.note_present else "no", s.mounted_on_host)
                for s in self.steps
            ],
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def _engine_is_local() -> bool:
    host = os.environ.get("DOCKER_HOST", "")
    return not host or host.startswith("unix://")


def host_mount_state(mountpoint: str) -> str:
    """Whether the host has something mounted at a volume's mountpoint: "yes", "no", or "not
    visible from here" (Docker Desktop, WSL 2, a remote Engine: the Engine's mounts are elsewhere).
    """
    from .doctor import engine_facts

    if not _engine_is_local() or engine_facts().platform_kind != "native-linux":
        return "not visible from here"
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            return "yes" if any(line.split()[1] == mountpoint for line in mounts) else "no"
    except OSError:
        return "not visible from here"


@engine_step("follow the tmpfs-backed volume")
def tmpfs_volume_lifetime(
    volume: str = "ram-life", size: str = "16m", image: str = "my-image"
) -> LifetimeReport:
    """Write a file into a fresh tmpfs-backed `local` volume, then share, remove, stop and start
    the containers that use it, checking after each step whether the file is still there.

    The containers are removed at the end; the (empty) volume is kept.
    """
    from ._ownership import find_container
    from .containers import (
        exec_in,
        remove_container,
        run_container,
        start_container,
        stop_container,
        volume_mount,
    )
    from .volumes import create_volume, inspect_volume

    names = (f"{volume}-1", f"{volume}-2", f"{volume}-3")
    for old in names:  # containers of an earlier run hold the volume
        if find_container(old) is not None:
            remove_container.__wrapped_step__(old)
    create_volume.__wrapped_step__(volume, "local", tmpfs_volume_options(size))
    mountpoint = inspect_volume.__wrapped_step__(volume).mountpoint
    steps: list[LifetimeStep] = []
    running: set[str] = set()

    def measure(step: str, probe: str | None) -> None:
        present = False
        if probe:
            found = exec_in.__wrapped_step__(probe, "test -f /data/note.txt", check=False)
            present = found.exit_code == 0
        steps.append(LifetimeStep(step, len(running), present, host_mount_state(mountpoint)))

    mount = [volume_mount(volume, "/data")]
    run_container.__wrapped_step__(names[0], image, mount, "sleep infinity")
    running.add(names[0])
    exec_in.__wrapped_step__(names[0], "echo kept in memory > /data/note.txt")
    measure(f"{names[0]} writes /data/note.txt", names[0])
    run_container.__wrapped_step__(names[1], image, mount, "sleep infinity")
    running.add(names[1])
    measure(f"{names[1]} mounts the same volume", names[1])
    remove_container.__wrapped_step__(names[0])
    running.discard(names[0])
    measure(f"docker rm -f {names[0]}", names[1])
    stop_container.__wrapped_step__(names[1])
    running.discard(names[1])
    measure(f"docker stop {names[1]} (the last user)", None)
    start_container.__wrapped_step__(names[1])
    running.add(names[1])
    measure(f"docker start {names[1]}", names[1])
    exec_in.__wrapped_step__(names[1], "echo kept in memory > /data/note.txt")
    measure(f"{names[1]} writes note.txt again", names[1])
    remove_container.__wrapped_step__(names[1])
    running.discard(names[1])
    run_container.__wrapped_step__(names[2], image, mount, "sleep infinity")
    running.add(names[2])
    measure(f"docker rm -f {names[1]}, then {names[2]} mounts it", names[2])
    remove_container.__wrapped_step__(names[2])
    return LifetimeReport(volume, tuple(steps))


# --- drivers that need a server or a cloud account: shown, not run --------------------------------


@result
class DriverExample:
    """How a learner would use a volume driver that this lab does not run."""

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


VOLUME_DRIVER_EXAMPLES = (
    DriverExample(
        "local driver, tmpfs (memory)",
        True,
        (
            "docker volume create --driver local --opt type=tmpfs --opt device=tmpfs "
            "--opt o=size=64m ram-vol",
            "docker run -d --name web -v ram-vol:/scratch my-image",
        ),
        "nothing: the kernel's tmpfs",
        "an emptyDir volume with medium: Memory",
    ),
    DriverExample(
        "local driver, NFS share",
        False,
        (
            "docker volume create --driver local --opt type=nfs "
            "--opt o=addr=nfs.example.internal,rw,nfsvers=4 --opt device=:/exports/shared nfs-vol",
            "docker run -d --name web -v nfs-vol:/app/data my-image",
        ),
        "an NFS server the host can reach; NFS client support in the host's kernel "
        "(the Engine mounts the share when a container first uses the volume)",
        "an nfs PersistentVolume, or the NFS CSI driver (nfs.csi.k8s.io)",
    ),
    DriverExample(
        "local driver, SMB/CIFS share (for example Azure Files)",
        False,
        (
            "docker volume create --driver local --opt type=cifs "
            "--opt device=//ACCOUNT.file.core.windows.net/SHARE "
            "--opt o=addr=ACCOUNT.file.core.windows.net,username=ACCOUNT,password=KEY,"
            "vers=3.0,file_mode=0640,dir_mode=0750 smb-vol",
        ),
        "an SMB server (or an Azure storage account), cifs-utils on the host, port 445 open",
        "the SMB CSI driver (smb.csi.k8s.io) or the Azure Files CSI driver (file.csi.azure.com)",
    ),
    DriverExample(
        "AWS EBS disk through a volume plugin",
        False,
        (
            "docker plugin install --grant-all-permissions rexray/ebs EBS_REGION=eu-west-1",
            "docker volume create --driver rexray/ebs --opt size=20 ebs-vol",
            "docker run -d --name db -v ebs-vol:/var/lib/data my-image",
        ),
        "an EC2 instance allowed to create and attach EBS volumes; REX-Ray is a community "
        "plugin that is no longer developed; a disk attaches to one instance in one zone",
        "the EBS CSI driver (ebs.csi.aws.com), which is how EBS is used today",
    ),
    DriverExample(
        "Azure Disk",
        False,
        ("# no maintained Docker volume plugin: attach the disk to the VM, then bind-mount it",),
        "a VM in Azure; no Docker volume plugin ever served Azure Disks (cloudstor, now "
        "discontinued, used Azure File Storage)",
        "the Azure Disk CSI driver (disk.csi.azure.com)",
    ),
)


def driver_examples_table() -> Table:
    """Every example as one row: which run here, and the Kubernetes counterpart."""
    return Table(
        ["volume driver", "run in this lab?", "Kubernetes counterpart"],
        [
            (e.name, "yes" if e.runs_here else "no (example only)", e.kubernetes)
            for e in VOLUME_DRIVER_EXAMPLES
        ],
    )


def driver_explorer(initial: int = 0):
    """A dropdown of the volume-driver examples; shows the commands of the one picked (the first
    one at once, so the cell has output without a click)."""
    import ipywidgets as w

    names = [e.name for e in VOLUME_DRIVER_EXAMPLES]
    pick = w.Dropdown(
        options=names, value=names[initial], description="driver", layout=w.Layout(width="70%")
    )
    shown = w.HTML()

    def render(*_: object) -> None:
        import html

        example = VOLUME_DRIVER_EXAMPLES[names.index(pick.value)]
        shown.value = f"<pre>{html.escape(example.text())}</pre>"

    pick.observe(render, names="value")
    render()
    return w.VBox([pick, shown])


# --- Kubernetes ---------------------------------------------------------------------------------


def kubernetes_manifests(
    volume: str = "my-vol",
    container: str = "my-cont-1",
    image: str = "my-image",
    mount_path: str = "/app",
    storage: str = "1Gi",
) -> str:
    """The PersistentVolumeClaim and Pod that correspond to `docker volume create VOLUME` and
    `docker run -d --name CONTAINER -v VOLUME:MOUNT_PATH IMAGE` (shown, not applied: the lab has
    no cluster)."""
    for value in (volume, container):
        if not value or not value.replace("-", "").isalnum() or value != value.lower():
            raise BadInput(
                f"'{value}' is not a valid Kubernetes object name.",
                "names are lower-case letters, digits and '-'.",
                "pass a name such as my-vol.",
            )
    return f"""\
# docker volume create {volume}
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {volume}
spec:
  # one node at a time mounts it read-write, like a local volume on one host
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      # Docker's local volumes have no size; a claim must ask for one
      storage: {storage}
  # no storageClassName: the cluster's default StorageClass (a CSI driver) provisions the PV
---
# docker run -d --name {container} -v {volume}:{mount_path} {image}
apiVersion: v1
kind: Pod
metadata:
  name: {container}
spec:
  containers:
    - name: {container}
      # the cluster's nodes must be able to pull this image from a registry
      image: {image}
      volumeMounts:
        - name: data
          # unlike Docker, Kubernetes does NOT copy the image's files into the volume
          mountPath: {mount_path}
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: {volume}
"""


CONCEPTS = Table(
    ["Docker", "Kubernetes", "what it does"],
    [
        (
            "storage driver (overlay2)",
            "the container runtime's snapshotter (containerd: overlayfs)",
            "image layers + each container's writable layer: gone with the container",
        ),
        (
            "volume driver (local, plugins)",
            "CSI driver (ebs.csi.aws.com, disk.csi.azure.com, nfs.csi.k8s.io, ...)",
            "attaches and mounts storage that outlives containers",
        ),
        (
            "docker volume create my-vol",
            "PersistentVolumeClaim (a StorageClass provisions the PersistentVolume)",
            "asks for storage by name",
        ),
        ("-v my-vol:/app", "volumes: + volumeMounts: in the Pod", "puts it into a container"),
        ("--tmpfs / a tmpfs-backed volume", "emptyDir with medium: Memory", "scratch in RAM"),
    ],
)


# --- the exercise -------------------------------------------------------------------------------

RAM_TITLE = "A RAM-backed volume made with the CLI"


def _size_option(options: dict) -> str:
    for part in (options.get("o") or "").split(","):
        if part.startswith("size="):
            return part[len("size=") :]
    return ""


@exercise_check(RAM_TITLE)
def check_ram_volume(
    volume: str = "ex04-ram",
    container: str = "ex04-box",
    size: str = "32m",
    target: str = "/scratch",
) -> CheckResult:
    """Exercise 04: is there a `local` volume VOLUME held in tmpfs with o=size=SIZE, mounted at
    TARGET in a running container CONTAINER? Only reads (`docker volume inspect`, `docker
    inspect`): the learner's resources are never changed."""
    from ._ownership import find_container, find_volume

    hint = (
        f"`docker volume create --driver local --opt type=tmpfs --opt device=tmpfs "
        f"--opt o=size={size} {volume}`, then `docker run -d --name {container} "
        f"-v {volume}:{target} my-image sleep infinity`."
    )
    found = find_volume(volume)
    if found is None:
        return not_yet(RAM_TITLE, f"there is no volume '{volume}' yet.", hint)
    attrs = found.attrs
    options = dict(attrs.get("Options") or {})
    if attrs.get("Driver") != "local" or options.get("type") != "tmpfs":
        return not_yet(
            RAM_TITLE,
            f"'{volume}' exists, but with driver '{attrs.get('Driver')}' and options "
            f"{options or '{}'}: it is not held in tmpfs.",
            f"remove it (`docker volume rm {volume}`) and create it again: {hint}",
        )
    if _size_option(options).lower() != size.lower():
        return not_yet(
            RAM_TITLE,
            f"'{volume}' is a tmpfs volume, but its size option is "
            f"'{_size_option(options) or 'missing'}', not {size}.",
            f"remove it and create it again with `--opt o=size={size}`.",
        )
    box = find_container(container)
    if box is None:
        return not_yet(
            RAM_TITLE,
            f"the volume is right; there is no container '{container}' yet.",
            hint,
        )
    mounted = [
        m
        for m in box.attrs.get("Mounts") or []
        if m.get("Name") == volume and m.get("Destination") == target
    ]
    if not mounted:
        return not_yet(
            RAM_TITLE,
            f"'{container}' exists but does not mount '{volume}' at {target}.",
            f"remove it (`docker rm -f {container}`) and run it again with `-v {volume}:{target}`.",
        )
    if box.status != "running":
        return not_yet(
            RAM_TITLE,
            f"'{container}' mounts the volume but is {box.status}: a tmpfs volume is only "
            "mounted (and only holds files) while a container using it runs.",
            f"`docker start {container}` (give it a command that keeps running, such as "
            "`sleep infinity`).",
        )
    return passed(
        RAM_TITLE,
        f"'{volume}' (tmpfs, size={size}) is mounted at {target} in the running "
        f"'{container}'. `docker exec {container} df -h {target}` shows its tmpfs.",
    )
