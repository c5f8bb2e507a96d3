"""02 and 02b · The writable layer: three containers from `my-image` and their deltas, the
lecture's storage equation measured with `docker system df`, a scaling run of 1 to 20 containers
(02); what a writable layer holds (`docker diff`, copy-on-write, whiteouts), two containers'
overlays side by side, and the upper directory, read where the Engine keeps it (02b). Verdicts
are data (`Claim`s): each answers one of the lecture's questions as measured."""

from .exercise import check_three_megabytes, check_whole_copy
from .experiments import (
    change_demo,
    changes,
    clear_stage,
    layer_sizes,
    shared_layers,
    snapshot,
    start_containers,
    touch_biggest_file,
    upper_dir,
)
from .results import storage_equation
from .views import plot_equation, units_table
from .widgets import deltas_widget, scaling_widget

__all__ = [
    "change_demo",
    "changes",
    "check_three_megabytes",
    "check_whole_copy",
    "clear_stage",
    "deltas_widget",
    "layer_sizes",
    "plot_equation",
    "scaling_widget",
    "shared_layers",
    "snapshot",
    "start_containers",
    "storage_equation",
    "touch_biggest_file",
    "units_table",
    "upper_dir",
]
