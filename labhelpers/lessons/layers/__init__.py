"""Notebook 01 (image layers): build `my-image` with the learner's builder and a progress bar
(`build_with_progress`, and a build that fails: `write_broken_context`), read `docker image
history` with evidence of which steps added a layer (`image_history`; the report has `.summary()`
and `.plot()`), set every Dockerfile instruction beside the seed's table, built with each builder
(`trial_dockerfile`, `instruction_trial`), see which builder builds what (`builder_probe`) and
the lesson's image built with the other one beside it (`compare_builders`), chart the layers
(`layer_chart`), add one instruction and rebuild (`add_layer_widget`), measure one stage against
two (`MULTISTAGE_VARIANTS`, `compare_stages`), and check the exercise (`check_layer_exercise`).
Sizes are compared unpacked (the same measure on every Engine), with what `docker image ls` and
`inspect` show beside them where the image store counts otherwise."""

from .exercise import check_layer_exercise
from .experiments import (
    MULTISTAGE_VARIANTS,
    builder_probe,
    compare_builders,
    compare_stages,
    image_history,
    instruction_trial,
    trial_dockerfile,
    write_broken_context,
)
from .widgets import add_layer_widget, build_with_progress, layer_chart

__all__ = [
    "MULTISTAGE_VARIANTS",
    "add_layer_widget",
    "build_with_progress",
    "builder_probe",
    "check_layer_exercise",
    "compare_builders",
    "compare_stages",
    "image_history",
    "instruction_trial",
    "layer_chart",
    "trial_dockerfile",
    "write_broken_context",
]
