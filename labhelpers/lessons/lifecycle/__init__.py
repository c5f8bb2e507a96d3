"""03 · Stop, start, remove: `my-cont-life` taken through `docker stop`, `start`, `restart`, `rm`
and a new `docker run` by an `Experiment` (and its widget), which measures after every step
whether the data in the writable layer and in a tmpfs mount survived, and answers the lecture's
questions from the steps (`Timeline.claims`); `docker stop` timed with and without `--init`; a
container run with `--rm`; and an exercise that rescues a file from a stopped container."""

from .exercise import check_rescue, prepare_rescue
from .experiments import Experiment, removed_on_stop, stop_timing
from .views import plot_timeline
from .widgets import lifecycle_widget

__all__ = [
    "Experiment",
    "check_rescue",
    "lifecycle_widget",
    "plot_timeline",
    "prepare_rescue",
    "removed_on_stop",
    "stop_timing",
]
