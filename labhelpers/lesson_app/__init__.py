"""The lecture's app: its Dockerfile and app.py, copied for the learner to read and edit."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from ..core.commands import file_written

__all__ = ["LESSON_FILES", "write_lesson_files"]

LESSON_FILES = ("Dockerfile", "app.py")


def write_lesson_files(directory: str | os.PathLike, overwrite: bool = False) -> tuple:
    """Copy the lesson's Dockerfile and app.py into `directory` for the learner to read and edit.

    Files already there are kept (they may hold the learner's edits) unless `overwrite`. Each
    file is reported as written, with its text as it now is (the CLI twin writes the same files
    in its scratch folder before it builds them).

    Returns:
        the paths of the files, as strings.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in LESSON_FILES:
        path = target / name
        if overwrite or not path.exists():
            path.write_text(resources.files(__package__).joinpath(name).read_text())
        file_written(str(path), path.read_text())
        written.append(str(path))
    return tuple(written)
