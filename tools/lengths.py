"""`python -m tools.lengths`: how long each notebook is to read (its prose and its stored
outputs, not its code).

A notebook is meant to be read in about twenty minutes: at most PROSE_WORDS words of prose (its
markdown cells, without fenced code) and no markdown cell over CELL_WORDS words; the whole course
at most COURSE_PROSE_WORDS words of prose and COURSE_OUTPUT_WORDS words of stored output (stream
text and each output's plain-text view: what a reader of the stored notebook reads besides the
prose). `--check` fails when one is over.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

__all__ = [
    "CELL_WORDS",
    "COURSE_OUTPUT_WORDS",
    "COURSE_PROSE_WORDS",
    "PROSE_WORDS",
    "Length",
    "course_over",
    "lengths",
    "main",
]

ROOT = Path(__file__).resolve().parents[1]
PROSE_WORDS = 1500
CELL_WORDS = 200
COURSE_PROSE_WORDS = 9000
COURSE_OUTPUT_WORDS = 6000
_FENCED = re.compile(r"^```.*?^```", re.S | re.M)


class Length:
    """One notebook's prose: total words, its largest markdown cell (words, and its first line)."""

    def __init__(
        self, name: str, words: int, largest: int, where: str, output_words: int = 0
    ) -> None:
        self.name, self.words, self.largest, self.where = name, words, largest, where
        self.output_words = output_words

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


def output_words(cell: nbformat.NotebookNode) -> int:
    """Words of a code cell's stored outputs: stream text and each display's text/plain."""
    count = 0
    for output in cell.get("outputs", []):
        text = output.get("text") or output.get("data", {}).get("text/plain", "")
        count += len("".join(text).split())
    return count


def lengths(folder: Path = ROOT / "notebooks") -> list[Length]:
    """Every notebook's prose length, from its .ipynb (the cells a reader sees)."""
    found = []
    for path in sorted(folder.glob("[0-9]*.ipynb")):
        every = nbformat.read(path, as_version=4).cells
        cells = [c for c in every if c.cell_type == "markdown"]
        shown = sum(output_words(c) for c in every if c.cell_type == "code")
        counted = [
            (words(c.source), c.source.strip().splitlines()[0][:60])
            for c in cells
            if c.source.strip()
        ]
        largest, where = max(counted, default=(0, ""))
        found.append(Length(path.stem, sum(n for n, _ in counted), largest, where, shown))
    return found


def course_over(rows: list[Length]) -> list[str]:
    """The whole course's totals over their limits, said as sentences."""
    prose, output = sum(r.words for r in rows), sum(r.output_words for r in rows)
    over = []
    if prose > COURSE_PROSE_WORDS:
        over.append(f"the course has {prose} words of prose (at most {COURSE_PROSE_WORDS})")
    if output > COURSE_OUTPUT_WORDS:
        over.append(
            f"the course has {output} words of stored output (at most {COURSE_OUTPUT_WORDS})"
        )
    return over


def main(check: bool = False, folder: Path = ROOT / "notebooks") -> int:
    """Print each notebook's prose words and largest cell; with `check`, print nothing when all
    are within the limits, else the table and 1."""
    rows = lengths(folder)
    over = [row for row in rows if row.over]
    course = course_over(rows)
    if check and not over and not course:
        return 0  # quiet when every notebook is within the limits (a test phase)
    print(f"{'notebook':34} {'prose words':>11} {'largest cell':>12} {'output words':>12}")
    for row in rows:
        flag = "  over: " + "; ".join(row.over) if row.over else ""
        print(f"{row.name:34} {row.words:>11} {row.largest:>12} {row.output_words:>12}{flag}")
    total_prose, total_output = sum(r.words for r in rows), sum(r.output_words for r in rows)
    print(f"{'the course':34} {total_prose:>11} {'':>12} {total_output:>12}")
    if over:
        print(
            f"{len(over)} notebook(s) over the limits ({PROSE_WORDS} words of prose, "
            f"{CELL_WORDS} words in a markdown cell): cut or split them."
        )
    for sentence in course:
        print(f"Over: {sentence}: cut repetition, or show less of what a learner can open.")
    return 1 if check and (over or course) else 0


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(
        prog="python -m tools.lengths", description="each notebook's prose length"
    )
    _parser.add_argument("--check", action="store_true", help="fail when one is over the limits")
    sys.exit(main(check=_parser.parse_args().check))
