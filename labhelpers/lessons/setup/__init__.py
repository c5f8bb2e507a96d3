"""Notebook 00 (check your lab): the doctor's facts beside the `docker info` commands that
print them (`facts_table`), `require_ready` (which stops the notebook when something blocks the
course), what is in the Engine's data root (`list_data_root`), the preparation the later
notebooks need, with a progress bar (`prepare_with_progress`: base image, lesson files,
`my-image`), the course's names when some of the lecture's are yours (`names_panel`), and the
exercise's check (`check_first_volume`)."""

from .exercise import check_first_volume
from .experiments import list_data_root
from .views import facts_table, require_ready
from .widgets import names_panel, prepare_with_progress

__all__ = [
    "check_first_volume",
    "facts_table",
    "list_data_root",
    "names_panel",
    "prepare_with_progress",
    "require_ready",
]
