"""Notebook 04's picture of a container's storage, its reference tables (storage drivers, volume
drivers that need a server or a cloud account, Docker and Kubernetes side by side) and the
Kubernetes manifests of notebook 05's demo. Nothing here reaches the Engine: where a table or an
example names something the course creates, it takes the name as an argument (`experiments`
passes the name this Engine has)."""

from __future__ import annotations

from typing import Any

from ...core.errors import BadInput
from ...core.units import si
from ...core.table import Table
from .results import DriverExample, FilesystemMap, LayerStack

__all__ = [
    "DRIVER_EXAMPLES",
    "STORAGE_DRIVERS",
    "VOLUME_DRIVER_EXAMPLES",
    "check_kubernetes_names",
    "concepts_table",
    "kubernetes_manifests",
    "plot_storage",
    "volume_driver_examples",
]


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


def plot_storage(stack: LayerStack, paths: FilesystemMap) -> Any:
    """A picture of one container's storage, drawn from measurements: the storage driver's layer
    stack (read-only lower dirs, one writable upper dir) beside the mounts that volume drivers
    (or binds, or tmpfs) put into the same file tree."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    fig, ax = plt.subplots(figsize=(8.6, 4.6))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 0.3 + (stack.lower_dirs + 1) * 0.9 + 1.2)
    ax.axis("off")

    def box(x: float, y: float, w: float, h: float, text: str, colour: str, size: int = 9) -> None:
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
            label, colour = f"image layer {i + 1} (read-only)", "#d9e2ef"
        else:
            label, colour = "init layer: /etc/hosts, ... (read-only)", "#eef1f5"
        box(0.3, 0.3 + i * 0.9, 4.4, 0.75, label, colour)
    top = 0.3 + stack.lower_dirs * 0.9
    box(0.3, top, 4.4, 0.75, "writable layer (upperdir)", "#f6d7a7")
    ax.text(
        2.5,
        top + 1.15,
        f"/  =  one overlay of them\n{stack.storage}",
        ha="center",
        fontsize=10,
        weight="bold",
    )
    mounts = [p for p in paths.paths if p.path != "/"]
    ax.text(
        7.5, top + 1.15, "mounts on top of that tree\n", ha="center", fontsize=10, weight="bold"
    )
    for j, p in enumerate(mounts):
        colour = "#c9e7c4" if "volume driver" in p.provided_by else "#e5d3f0"
        text = f"{p.path}: {p.fs_type}, {si(p.capacity_bytes)}\n{p.provided_by}"
        box(5.2, top - j * 1.2, 4.6, 0.95, text, colour, size=8)
    ax.set_title(f"Container {stack.container}: who stores what", fontsize=11)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's result
    return fig


# --- drivers that need a server or a cloud account: shown, not run --------------------------------


def volume_driver_examples(image: str = "my-image", ram_volume: str = "ram-vol") -> tuple:
    """The volume-driver examples (DriverExample each), with IMAGE and RAM_VOLUME as the course's
    image and tmpfs volume are named on the learner's Engine. Those two are the course's (section
    2 made RAM_VOLUME; a learner who copies a command gets the lesson's image, never one of their
    own with the lecture's name). The other names (web, db, nfs-vol, smb-vol, ebs-vol) are not:
    the course never creates them, they stand for the learner's own, on their own servers."""
    return (
        DriverExample(
            "local driver, tmpfs (memory)",
            True,
            (
                "docker volume create --driver local --opt type=tmpfs --opt device=tmpfs "
                f"--opt o=size=64m {ram_volume}",
                f"docker run -d --name web -v {ram_volume}:/scratch {image}",
            ),
            "nothing: the kernel's tmpfs",
            "an emptyDir volume with medium: Memory",
        ),
        DriverExample(
            "local driver, NFS share",
            False,
            (
                "docker volume create --driver local --opt type=nfs "
                "--opt o=addr=nfs.example.internal,rw,nfsvers=4 "
                "--opt device=:/exports/shared nfs-vol",
                f"docker run -d --name web -v nfs-vol:/app/data {image}",
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
            "the SMB CSI driver (smb.csi.k8s.io) or the Azure Files CSI driver "
            "(file.csi.azure.com)",
        ),
        DriverExample(
            "AWS EBS disk through a volume plugin",
            False,
            (
                "docker plugin install --grant-all-permissions rexray/ebs EBS_REGION=eu-west-1",
                "docker volume create --driver rexray/ebs --opt size=20 ebs-vol",
                f"docker run -d --name db -v ebs-vol:/var/lib/data {image}",
            ),
            "an EC2 instance allowed to create and attach EBS volumes; REX-Ray is a community "
            "plugin that is no longer developed; a disk attaches to one instance in one zone",
            "the EBS CSI driver (ebs.csi.aws.com), which is how EBS is used today",
        ),
        DriverExample(
            "Azure Disk",
            False,
            (
                "# no maintained Docker volume plugin: attach the disk to the VM, "
                "then bind-mount it",
            ),
            "a VM in Azure; no Docker volume plugin ever served Azure Disks (cloudstor, now "
            "discontinued, used Azure File Storage)",
            "the Azure Disk CSI driver (disk.csi.azure.com)",
        ),
    )


VOLUME_DRIVER_EXAMPLES = volume_driver_examples()  # with the lecture's names (the table)

DRIVER_EXAMPLES = Table(
    ["volume driver", "run in this lab?", "Kubernetes counterpart"],
    [
        (e.name, "yes" if e.runs_here else "no (example only)", e.kubernetes)
        for e in VOLUME_DRIVER_EXAMPLES
    ],
)


# --- Kubernetes ---------------------------------------------------------------------------------


def concepts_table(volume: str = "my-vol") -> Table:
    """Docker's storage words beside Kubernetes', with the course's named volume VOLUME (as the
    learner's Engine names it) in the example commands."""
    return Table(
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
                f"docker volume create {volume}",
                "PersistentVolumeClaim (a StorageClass provisions the PersistentVolume)",
                "asks for storage by name",
            ),
            (
                f"-v {volume}:/app",
                "volumes: + volumeMounts: in the Pod",
                "puts it into a container",
            ),
            ("--tmpfs / a tmpfs-backed volume", "emptyDir with medium: Memory", "scratch in RAM"),
        ],
    )


def check_kubernetes_names(*names: str) -> None:
    """Raise BadInput unless every name is a valid Kubernetes object name."""
    for value in names:
        if not value or not value.replace("-", "").isalnum() or value != value.lower():
            raise BadInput(
                f"'{value}' is not a valid Kubernetes object name.",
                "names are lower-case letters, digits and '-'.",
                "pass a name such as my-vol.",
            )


def kubernetes_manifests(
    volume: str = "my-vol",
    container: str = "vol-cont-1",
    image: str = "my-image",
    mount_path: str = "/app",
    storage: str = "1Gi",
) -> str:
    """The PersistentVolumeClaim and Pod that correspond to `docker volume create VOLUME` and
    `docker run -d --name CONTAINER -v VOLUME:MOUNT_PATH IMAGE` (shown, not applied: the lab has
    no cluster), with the names exactly as given (`lh.drivers.kubernetes_manifests` gives the
    course's names as this Engine has them).

    Raises:
        BadInput: VOLUME or CONTAINER is not a valid Kubernetes object name.
    """
    check_kubernetes_names(volume, container)
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
