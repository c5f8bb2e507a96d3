"""Clean up (notebook 99): what a cleanup would remove, by the lab's marks, with sizes
(`inventory`), why a container from the lab's image stays yours (`label_inheritance`), and the
removal on a button (`cleanup_panel`: running the cell removes nothing; a press removes, then
shows the space reclaimed and the proof that nothing else changed). Scopes: MINE (default: what
this account made), EVERYONE (every account's, for an instructor), SESSION (this kernel's)."""

from ...engine import EVERYONE, MINE, SESSION
from .exercise import check_cli_cleanup
from .experiments import inventory, label_inheritance, space, unlabelled_snapshot
from .views import plot_space
from .widgets import cleanup_panel

__all__ = [
    "EVERYONE",
    "MINE",
    "SESSION",
    "check_cli_cleanup",
    "cleanup_panel",
    "inventory",
    "label_inheritance",
    "plot_space",
    "space",
    "unlabelled_snapshot",
]
