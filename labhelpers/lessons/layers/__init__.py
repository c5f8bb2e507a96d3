"""Notebook 01 (image layers): build `my-image` with a progress bar (`build_with_progress`, and a
build that fails: `write_broken_context`), read `docker image history` with each row's layer
(`image_history`, charted by `plot_layers`), every Dockerfile instruction beside the lecture's
table, built with each builder (`trial_dockerfile`, `instruction_trial`), add one instruction
and rebuild (`add_layer_widget`), one stage against two (`MULTISTAGE_VARIANTS`,
`compare_stages`), and the exercise's check (`check_layer_exercise`)."""

from .exercise import check_layer_exercise
from .experiments import (
    MULTISTAGE_VARIANTS,
    compare_stages,
    image_history,
    instruction_trial,
    trial_dockerfile,
    write_broken_context,
)
from .views import plot_layers
from .widgets import add_layer_widget, build_with_progress

__all__ = [
    "MULTISTAGE_VARIANTS",
    "add_layer_widget",
    "build_with_progress",
    "check_layer_exercise",
    "compare_stages",
    "image_history",
    "instruction_trial",
    "plot_layers",
    "trial_dockerfile",
    "write_broken_context",
]
