"""Notebook 05, a named volume from end to end: the lecture's `my-vol` demo, measured. Reading a
volume without its container (a throw-away helper container, or the mountpoint where the Engine's
files are on this machine), `docker cp` out to this machine, what lands in an empty volume when a
container is created over a directory the image fills (pre-population) versus a bind mount, sizes
from `docker system df -v` and `docker ps -s` (with what the writable layer holds, counted as the
image store counts it), and what really deletes a volume (`docker rm -v` does not; `docker volume
rm` and `docker volume prune` do)."""

from ...engine import try_remove_volume
from ..common import list_volume, read_volume_file
from .exercise import check_backup
from .experiments import (
    changes,
    copy_out,
    prune_demo,
    read_from_mountpoint,
    space_snapshot,
    start_app_both_ways,
    volume_usage,
    what_app_sees,
    writable_layer,
)
from .views import plot_space, space_table
from .widgets import survival_widget

__all__ = [
    "changes",
    "check_backup",
    "copy_out",
    "list_volume",
    "plot_space",
    "prune_demo",
    "read_from_mountpoint",
    "read_volume_file",
    "space_snapshot",
    "space_table",
    "start_app_both_ways",
    "survival_widget",
    "try_remove_volume",
    "volume_usage",
    "what_app_sees",
    "writable_layer",
]
