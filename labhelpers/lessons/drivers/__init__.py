"""Notebook 04, storage drivers and volume drivers: what this Engine uses, measured (`docker
info` explained; a container's layer stack from its own mount table; `df -T` on each of its
paths, drawn by `plot_storage`), a `local` volume held in memory and when it empties, drivers
that need a server or a cloud account (commands shown, not run), where the Engine and its files
are (`engine_platform`), and notebook 05's demo as Kubernetes objects."""

from .exercise import check_ram_volume
from .experiments import (
    create_tmpfs_volume,
    engine_platform,
    filesystems,
    kubernetes_manifests,
    layer_stack,
    storage_driver,
    tmpfs_volume_lifetime,
    volume_driver_examples,
    volume_drivers,
)
from .views import plot_storage

__all__ = [
    "check_ram_volume",
    "create_tmpfs_volume",
    "engine_platform",
    "filesystems",
    "kubernetes_manifests",
    "layer_stack",
    "plot_storage",
    "storage_driver",
    "tmpfs_volume_lifetime",
    "volume_driver_examples",
    "volume_drivers",
]
