"""Tables that show as HTML in JupyterLab and as aligned text elsewhere (and in nbval)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["Table", "TableShown", "pre", "short_name", "yes_no"]


class Table:
    """A table: columns, rows of values (None shows as empty) and an optional caption."""

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


class TableShown:
    """Base for results that show as their `table()`: in JupyterLab as HTML, elsewhere as text.

    `@result` keeps these two methods (it does not write a dataclass repr over them)."""

    def table(self) -> Table:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def pre(text: str, max_height: str = "14em") -> str:
    """Text as a scrolling <pre> block (the docker commands a widget action printed)."""
    return (
        f"<pre style='max-height:{max_height};overflow:auto;font-size:85%'>"
        f"{html.escape(text)}</pre>"
    )


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def short_name(name: str) -> str:
    """A 64-character id the Engine made up (an anonymous volume's name) as its first 12
    characters and an ellipsis; other names as they are."""
    return f"{name[:12]}…" if len(name) == 64 else name
