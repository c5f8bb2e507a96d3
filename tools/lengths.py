"""`python -m tools.lengths`: how long each notebook is to read (its prose, not its code).

A notebook is meant to be read in about twenty minutes: at most PROSE_WORDS words of prose (its
markdown cells, without fenced code) and no markdown cell over CELL_WORDS words. `--check` fails
when one is over.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

__all__ = ["CELL_WORDS", "PROSE_WORDS", "Length", "lengths", "main"]

ROOT = Path(__file__).resolve().parents[1]
PROSE_WORDS = 1500
CELL_WORDS = 200
_FENCED = re.compile(r"^```.*?^```", re.S | re.M)


class Length:
    """One notebook's prose: total words, its largest markdown cell (words, and its first line)."""

    def __init__(self, name: str, words: int, largest: int, where: str) -> None:
        self.name, self.words, self.largest, self.where = name, words, largest, where

    @property
    def over(self) -> list[str]:
        too_long = []
        if self.words > PROSE_WORDS:
            too_long.append(f"{self.words} words of prose (at most {PROSE_WORDS})")
        if self.largest > CELL_WORDS:
            too_long.append(f"a cell of {self.largest} words (at most {CELL_WORDS}): {self.where}")
        return too_long


def words(markdown: str) -> int:
    """Words a reader reads in a markdown cell: fenced code blocks left out."""
    return len(_FENCED.sub(" ", markdown).split())


def lengths(folder: Path = ROOT / "notebooks") -> list[Length]:
    """Every notebook's prose length, from its .ipynb (the cells a reader sees)."""
    found = []
    for path in sorted(folder.glob("[0-9]*.ipynb")):
        cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]
        counted = [
            (words(c.source), c.source.strip().splitlines()[0][:60])
            for c in cells
            if c.source.strip()
        ]
        largest, where = max(counted, default=(0, ""))
        found.append(Length(path.stem, sum(n for n, _ in counted), largest, where))
    return found


def main(check: bool = False, folder: Path = ROOT / "notebooks") -> int:
    """Print each notebook's prose words and largest cell; with `check`, print nothing when all
    are within the limits, else the table and 1."""
    rows = lengths(folder)
    over = [row for row in rows if row.over]
    if check and not over:
        return 0  # quiet when every notebook is within the limits (a test phase)
    print(f"{'notebook':34} {'prose words':>11} {'largest cell':>12}")
    for row in rows:
        flag = "  over: " + "; ".join(row.over) if row.over else ""
        print(f"{row.name:34} {row.words:>11} {row.largest:>12}{flag}")
    if over:
        print(
            f"{len(over)} notebook(s) over the limits ({PROSE_WORDS} words of prose, "
            f"{CELL_WORDS} words in a markdown cell): cut or split them."
        )
    return 1 if check and over else 0


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(
        prog="python -m tools.lengths", description="each notebook's prose length"
    )
    _parser.add_argument("--check", action="store_true", help="fail when one is over the limits")
    sys.exit(main(check=_parser.parse_args().check))
