"""Small display helpers: tables (HTML and plain text), the `$ docker ...` command echo, messages.

Matplotlib and ipywidgets are imported lazily elsewhere; this module needs neither.
"""

from __future__ import annotations

import html
import shlex
from collections.abc import Iterable, Sequence
from typing import Any

_settings = {"echo_commands": True}


def echo_commands(on: bool = True) -> None:
    """Show (or hide) the `docker ...` command each helper action stands for."""
    _settings["echo_commands"] = on


def cli(*argv: str) -> str:
    """Quote a docker CLI command the way a learner would type it."""
    return shlex.join(["docker", *argv])


def announce(command: str) -> None:
    """Print the CLI command a helper is about to carry out (when echo is on)."""
    if _settings["echo_commands"]:
        print(f"$ {command}", flush=True)


class Table:
    """A table that shows as HTML in JupyterLab and as aligned text elsewhere (and in nbval)."""

    def __init__(
        self, columns: Sequence[str], rows: Iterable[Sequence[Any]], caption: str = ""
    ) -> None:
        self.columns = list(columns)
        self.rows = [list(row) for row in rows]
        self.caption = caption

    def _cells(self) -> list[list[str]]:
        return [["" if v is None else str(v) for v in row] for row in self.rows]

    def __repr__(self) -> str:
        cells = self._cells()
        widths = [len(c) for c in self.columns]
        for row in cells:
            widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        lines = [self.caption] if self.caption else []
        lines.append(fmt.format(*self.columns).rstrip())
        lines += [fmt.format(*row).rstrip() for row in cells]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>"
            + "".join(f"<td style='text-align:left'>{html.escape(v)}</td>" for v in row)
            + "</tr>"
            for row in self._cells()
        )
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def install_notebook_error_display() -> None:
    """In IPython, show a LabError as its short message instead of a traceback.

    The cell still fails (so nbval and "Run All" stop there), but the learner reads three lines.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from ._errors import LabError

    def _show(shell, etype, value, tb, tb_offset=None):
        print(f"{etype.__name__}: {value}")
        return None

    shell.set_custom_exc((LabError,), _show)
