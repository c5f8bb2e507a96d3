"""Sharing data between containers (notebook 07): two containers on one volume
(`mounts_table`, drawn by `plot_mounts`; `append_and_read`), a write through a read-only mount
(`try_write`), a widget to append from either side (`share_widget`), and anonymous volumes: made
with `-v /data` (`start_with_anonymous_volume`), shared with `--volumes-from`
(`read_with_volumes_from`), left behind by `docker rm` and removed by `docker rm -v`
(`remove_and_look`)."""

from .exercise import check_read_only_share
from .experiments import (
    append_and_read,
    mounts_table,
    read_with_volumes_from,
    remove_and_look,
    start_with_anonymous_volume,
    try_write,
)
from .views import plot_mounts
from .widgets import share_widget

__all__ = [
    "append_and_read",
    "check_read_only_share",
    "mounts_table",
    "plot_mounts",
    "read_with_volumes_from",
    "remove_and_look",
    "share_widget",
    "start_with_anonymous_volume",
    "try_write",
]
