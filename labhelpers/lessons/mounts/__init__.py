"""Named volume, bind mount or tmpfs (notebook 06), measured: what survives `docker restart`,
stop + start and rm + run (`run_survival_grid`, one trial on a button with `trial_widget`), how
fast each kind takes writes (`run_throughput`), who owns the files a container writes into a bind
mount (`ownership`) and what a missing host path does (`missing_host_path`). The grid draws itself
(`grid.plot()`) and rebuilds the lecture's table (`grid.choice_table()`); so does the benchmark
(`bench.plot()`, `bench.summary()`)."""

from .exercise import check_mount_mix
from .experiments import missing_host_path, ownership
from .widgets import run_survival_grid, run_throughput, trial_widget

__all__ = [
    "check_mount_mix",
    "missing_host_path",
    "ownership",
    "run_survival_grid",
    "run_throughput",
    "trial_widget",
]
