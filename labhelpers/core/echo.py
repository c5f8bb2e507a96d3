"""The `$ docker ...` line every helper prints: the CLI command its action stands for.

Learners are preparing for an exam taken on the command line, so each helper shows the command a
learner would type for what it does (`echo_commands(False)` hides them, as tests do). Paths under
the notebooks' folder print as "$PWD/...": the same on every machine, and what a terminal opened
in that folder (JupyterLab's) expands.
"""

from __future__ import annotations

import os
import shlex

__all__ = ["announce", "cli", "echo_commands", "echoing", "quiet"]

_settings = {"echo_commands": True}


def echo_commands(on: bool = True) -> None:
    """Show (or hide) the `docker ...` command each helper action stands for."""
    _settings["echo_commands"] = on


def echoing() -> bool:
    return _settings["echo_commands"]


class quiet:
    """Within `with quiet():`, helpers print no command (a caller shows a shorter one)."""

    def __enter__(self) -> None:
        self._was = _settings["echo_commands"]
        _settings["echo_commands"] = False

    def __exit__(self, *_: object) -> None:
        _settings["echo_commands"] = self._was


def _shown(arg: str) -> str:
    cwd = os.getcwd().rstrip("/") + "/"
    where = arg.find(cwd)
    if where < 0 or where != arg.find("/"):
        return shlex.quote(arg)
    head, tail = arg[:where], arg[where + len(cwd) :]
    tail, comma, rest = tail.partition(",")  # --mount type=bind,src=PATH,dst=...
    before = shlex.quote(head) if head else ""
    after = shlex.quote(rest) if rest else ""
    return f'{before}"$PWD/{tail}"{comma}{after}'


def cli(*argv: str) -> str:
    """A docker CLI command quoted the way a learner types it (see the module's docstring)."""
    return " ".join(["docker", *(_shown(str(a)) for a in argv)])


def announce(command: str) -> None:
    """Print the CLI command a helper is about to carry out (when echo is on)."""
    if _settings["echo_commands"]:
        print(f"$ {command}", flush=True)
