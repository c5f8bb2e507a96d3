"""Notebook 05's exercise: back up the volume's file.txt to this machine with the plain CLI. The
check reads the copy on this machine and the original through a helper container."""

from __future__ import annotations

import os
from pathlib import Path

from ...core.errors import CommandFailed
from ...engine import LESSON_IMAGE, engine_step, find_volume
from ...teaching import CheckResult, exercise_check, not_yet, passed
from ..common import read_volume_file
from .experiments import WORKSPACE

__all__ = ["BACKUP_TITLE", "check_backup"]

BACKUP_TITLE = "Back up file.txt from my-vol"


@exercise_check(BACKUP_TITLE)
def check_backup(
    backup: str | os.PathLike = f"{WORKSPACE}/backup/file.txt", volume: str = "my-vol"
) -> CheckResult:
    """Exercise 05: is there a copy of the volume's file.txt on this machine at `backup`, with the
    same content? (Run from the notebooks folder, `backup` is notebooks/workspace/backup/file.txt.)
    """
    return _check(Path(backup), volume, LESSON_IMAGE)


@engine_step("check the backup", names={"volume": "volume", "image": "image"})
def _check(target: Path, volume: str, image: str) -> CheckResult:
    title = f"Back up file.txt from {volume}"
    hint = (
        "a `--rm` container can mount the volume and a folder of this machine, and `cp` "
        'between them (`--user "$(id -u):$(id -g)"`: the copy is yours).'
    )
    more = (
        "in a terminal in the notebooks folder: `mkdir -p workspace/backup`, then `docker run "
        f'--rm --user "$(id -u):$(id -g)" -v {volume}:/app:ro -v "$PWD/workspace/backup:/backup" '
        f"{image} cp /app/file.txt /backup/`."
    )
    if find_volume(volume) is None:
        return not_yet(
            title,
            f"there is no volume '{volume}'.",
            "run the notebook's cells from the top: they create it and write file.txt.",
        )
    if not target.is_file():
        return not_yet(title, f"there is no file {target} on this machine yet.", hint, more)
    try:
        original = read_volume_file(volume, "file.txt", image).text
    except CommandFailed:
        return not_yet(
            title,
            f"the volume '{volume}' holds no file.txt to compare the backup with.",
            "run the notebook's cells from the top: they write file.txt into it.",
        )
    copy = target.read_text(errors="replace")
    if copy != original:
        return not_yet(
            title,
            f"{target} exists but differs from file.txt in {volume} "
            f"({len(copy)} vs {len(original)} characters).",
            hint,
            more,
        )
    return passed(title, f"{target} holds the same {len(copy)} characters as {volume}.")
