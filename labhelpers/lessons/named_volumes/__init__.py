"""Notebook 05, a named volume from end to end: the lecture's `my-vol` demo, measured. Reading a
volume without its container (a helper container, or its mountpoint where the Engine's files
are here), `docker cp` out, what lands in an empty volume when a container is created over a
directory the image fills (pre-population) versus a bind mount, where written bytes are counted
(`docker ps -s` or `docker system df -v`), and what deletes a volume (`docker rm -v` does not;
`docker volume rm` and `docker volume prune` do)."""

from ...engine import try_remove_volume
from ..common import list_volume, read_volume_file
from .exercise import check_backup
from .experiments import (
    changes,
    copy_out,
    measure_write,
    prune_demo,
    read_from_mountpoint,
    start_app_both_ways,
    volume_usage,
    what_app_sees,
)
from .views import plot_space
from .widgets import survival_widget

__all__ = [
    "changes",
    "check_backup",
    "copy_out",
    "list_volume",
    "measure_write",
    "plot_space",
    "prune_demo",
    "read_from_mountpoint",
    "read_volume_file",
    "start_app_both_ways",
    "survival_widget",
    "try_remove_volume",
    "volume_usage",
    "what_app_sees",
]
