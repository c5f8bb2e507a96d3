"""Named volume, bind mount or tmpfs (notebooks 06 and 06b), measured: what survives `docker
restart`, stop + start and rm + run (06: `run_survival_grid`, drawn by `plot_grid`, the lecture's
table rebuilt by `choice_table`; one trial on a button with `trial_widget`); both sides of a bind
mount (`live_sync`), who owns the files a container writes into one (`ownership`), a missing host
path (`missing_host_path`) and how fast each kind takes writes (`run_throughput`, drawn by
`plot_throughput`) (06b). The exercises' checks: `check_mount_mix` (06), `check_refusing_bind`
(06b)."""

from .exercise import check_mount_mix, check_refusing_bind
from .experiments import live_sync, missing_host_path, ownership
from .views import choice_table, plot_grid, plot_throughput, verdicts
from .widgets import run_survival_grid, run_throughput, trial_widget

__all__ = [
    "check_mount_mix",
    "check_refusing_bind",
    "choice_table",
    "live_sync",
    "missing_host_path",
    "ownership",
    "plot_grid",
    "plot_throughput",
    "run_survival_grid",
    "run_throughput",
    "trial_widget",
    "verdicts",
]
