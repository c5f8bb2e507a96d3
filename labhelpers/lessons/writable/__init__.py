"""02 and 02b · The writable layer: three containers from `my-image` and their deltas, the
lecture's storage equation measured against `docker system df`, a scaling run of 1 to 20
containers (02); what a writable layer holds (`docker diff`, copy-on-write, whiteouts) and the
overlay's upper directory, read on the Engine's machine or through a helper container (02b).
Every figure says which image store it was measured on, and why the overlay2 graph driver and the
containerd snapshotter count differently."""

from .exercise import check_three_megabytes
from .experiments import (
    change_demo,
    changes,
    clear_stage,
    layer_sizes,
    snapshot,
    start_containers,
    storage_view,
    touch_biggest_file,
    upper_dir,
)
from .results import storage_equation
from .views import units_table
from .widgets import deltas_widget, scaling_widget

__all__ = [
    "change_demo",
    "changes",
    "check_three_megabytes",
    "clear_stage",
    "deltas_widget",
    "layer_sizes",
    "scaling_widget",
    "snapshot",
    "start_containers",
    "storage_equation",
    "storage_view",
    "touch_biggest_file",
    "units_table",
    "upper_dir",
]
