"""Named volume, bind mount or tmpfs (notebooks 06 and 06b), measured: what survives `docker
restart`, stop + start and rm + run (06: `run_survival_grid`, one trial on a button with
`trial_widget`); that both sides of a bind mount see one folder (`live_sync`), who owns the files
a container writes into a bind mount (`ownership`), what a missing host path does
(`missing_host_path`) and how fast each kind takes writes (`run_throughput`) (06b). The grid
draws itself (`grid.plot()`) and rebuilds the lecture's table (`grid.choice_table()`); so does
the benchmark (`bench.plot()`, `bench.summary()`: each pair of kinds compared by its runs'
ranges)."""

from .exercise import check_mount_mix
from .experiments import live_sync, missing_host_path, ownership
from .widgets import run_survival_grid, run_throughput, trial_widget

__all__ = [
    "check_mount_mix",
    "live_sync",
    "missing_host_path",
    "ownership",
    "run_survival_grid",
    "run_throughput",
    "trial_widget",
]
