"""Clean up (notebook 99): the lab's resources by label, with sizes (`inventory`), why a
container from the lab's image is still yours (`label_inheritance`), a snapshot of everything
without the lab's label (`unlabelled_snapshot`, compared later with `before.compare(after)`), the
Engine's disk use (`space`, drawn with `before.plot(after)`), and removal on a button
(`cleanup_panel`, whose `last_cleanup()` shows what went). The removal itself is
`labhelpers.engine.cleanup`, which selects by label only."""

from .exercise import check_cli_cleanup
from .experiments import inventory, label_inheritance, space, unlabelled_snapshot
from .widgets import cleanup_panel

__all__ = [
    "check_cli_cleanup",
    "cleanup_panel",
    "inventory",
    "label_inheritance",
    "space",
    "unlabelled_snapshot",
]
