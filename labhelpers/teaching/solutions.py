"""Solutions kept as real files (`notebooks/solutions/NN-name.sh`), so they are linted and tested:
shown in a notebook without running, run for real by the tests."""

from __future__ import annotations

import html
import subprocess
from collections.abc import Callable
from pathlib import Path

from ..core.errors import LabError

__all__ = ["Solution", "run_solution", "show_solution"]


class Solution:
    """A solution file shown in a collapsible block (not run: the learner runs it if they wish)."""

    def __init__(self, path: str | Path, rename: Callable[[str], str] | None = None) -> None:
        self.path = Path(path)
        text = self.path.read_text()
        self.text = rename(text) if rename else text

    def __repr__(self) -> str:
        # The plain-text view (a terminal, nbval) points to the file rather than printing it: a
        # solution stays out of sight until it is asked for, as the HTML view's closed block does.
        lines = len(self.text.splitlines())
        return f"The solution: {self.path} ({lines} lines). Read it with cat; bash runs it."

    def _repr_html_(self) -> str:
        return (
            f"<details><summary>Show the solution (<code>{html.escape(str(self.path))}"
            f"</code>)</summary><pre>{html.escape(self.text)}</pre></details>"
        )


def show_solution(path: str | Path, rename: Callable[[str], str] | None = None) -> Solution:
    """Show a solution file; in a terminal, `bash PATH` runs it. `rename` turns the lecture's
    names in it into the ones the course uses on this Engine."""
    return Solution(path, rename)


def run_solution(
    path: str | Path, timeout_s: int = 600, rename: Callable[[str], str] | None = None
) -> str:
    """Run a solution script with bash (tests do this), as `show_solution` shows it; returns its
    output.

    Raises:
        LabError: the script failed; the message carries its output's tail.
    """
    script = Solution(path, rename).text
    # `bash -c SCRIPT PATH`: $0 is the file's path, as with `bash PATH` (the solutions `cd` to
    # "$(dirname "$0")/..", the notebooks folder); with `bash -s` it would be "bash".
    done = subprocess.run(
        ["bash", "-eu", "-c", script, str(path)], capture_output=True, text=True, timeout=timeout_s
    )
    if done.returncode != 0:
        raise LabError(
            f"The solution {path} failed (exit status {done.returncode}).",
            f"it printed: {(done.stdout + done.stderr).strip()[-400:]}",
            "check that the earlier cells of its notebook ran.",
        )
    return done.stdout
