"""Notebook 00's widget: the lab's preparation with a progress bar."""

from __future__ import annotations

import os

from ...widgets import Progress
from .experiments import prepare_lab
from .results import Preparation

__all__ = ["prepare_with_progress"]


def prepare_with_progress(
    context: str | os.PathLike = "my-app", tag: str = "my-image"
) -> Preparation:
    """Prepare the lab (the lesson's files in CONTEXT, the base image, the image TAG) with a
    progress bar for the 3 parts and the build's step N of M; returns what is in place."""
    parts = Progress(3, "Preparing")
    current = {"text": ""}

    def on_progress(done: int, text: str) -> None:
        current["text"] = text
        parts.update(done, text)

    def on_build_step(step: int, total: int, instruction: str) -> None:
        parts.update(2, f"{current['text']}: step {step}/{total} {instruction[:40]}")

    preparation = prepare_lab(context, tag, on_progress=on_progress, on_build_step=on_build_step)
    if preparation.ready:
        parts.finish("ready")
    else:
        parts.finish("something is missing: see the table", ok=False)
    return preparation
