"""Notebook 04, storage drivers and volume drivers: what this Engine uses, measured (`docker
info`, explained for the graph driver or the containerd image store; a container's layer stack,
read from its own mount table; `df -T` on each of its paths), a `local` volume held in memory and
when it empties (seen on the Engine's machine through a helper container), where the Engine and
its files are (`engine_platform`), and drivers that need a server or a cloud account, shown as
commands that are not run, with their Kubernetes counterparts."""

from .exercise import check_ram_volume
from .experiments import (
    CONCEPTS,
    create_tmpfs_volume,
    engine_platform,
    filesystems,
    kubernetes_manifests,
    layer_stack,
    storage_driver,
    tmpfs_volume_lifetime,
    volume_drivers,
)
from .views import DRIVER_EXAMPLES, STORAGE_DRIVERS, plot_storage
from .widgets import driver_explorer

__all__ = [
    "CONCEPTS",
    "DRIVER_EXAMPLES",
    "STORAGE_DRIVERS",
    "check_ram_volume",
    "create_tmpfs_volume",
    "driver_explorer",
    "engine_platform",
    "filesystems",
    "kubernetes_manifests",
    "layer_stack",
    "plot_storage",
    "storage_driver",
    "tmpfs_volume_lifetime",
    "volume_drivers",
]
