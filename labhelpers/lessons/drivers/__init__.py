"""Notebook 04, storage drivers and volume drivers: what this Engine uses, measured (`docker
info`, a container's layer stack, `df -T` on each of its paths), a `local` volume held in memory
and when it empties, and drivers that need a server or a cloud account, shown as commands that
are not run, with their Kubernetes counterparts."""

from .exercise import check_ram_volume
from .experiments import (
    create_tmpfs_volume,
    filesystems,
    layer_stack,
    storage_driver,
    tmpfs_volume_lifetime,
    volume_drivers,
)
from .views import CONCEPTS, DRIVER_EXAMPLES, STORAGE_DRIVERS, kubernetes_manifests, plot_storage
from .widgets import driver_explorer

__all__ = [
    "CONCEPTS",
    "DRIVER_EXAMPLES",
    "STORAGE_DRIVERS",
    "check_ram_volume",
    "create_tmpfs_volume",
    "driver_explorer",
    "filesystems",
    "kubernetes_manifests",
    "layer_stack",
    "plot_storage",
    "storage_driver",
    "tmpfs_volume_lifetime",
    "volume_drivers",
]
