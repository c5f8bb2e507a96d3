"""Notebook pairs: `notebooks/NN-name.md` (MyST Markdown, what people edit and review) and
`notebooks/NN-name.ipynb` (the same cells, plus the outputs nbval compares).

`check()` finds pairs out of step (a cell's type, source or tags differ, or one side is missing);
`sync()` rewrites each .ipynb from its .md, keeping the outputs of cells that did not change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["FIX", "Mismatch", "check", "notebooks_dir", "pairs", "sync"]

FIX = "python -m tools.notebooks   (make sync): rewrites each .ipynb from its .md, keeping outputs"


def notebooks_dir() -> Path:
    here = Path.cwd() / "notebooks"
    return here if here.is_dir() else Path(__file__).resolve().parents[1] / "notebooks"


def pairs(folder: Path | None = None) -> list[tuple[Path, Path]]:
    """(text file, notebook) for every course notebook, by name; a missing side is still listed."""
    folder = folder or notebooks_dir()
    stems = {p.stem for p in folder.glob("[0-9]*.md")} | {
        p.stem for p in folder.glob("[0-9]*.ipynb")
    }
    return [(folder / f"{stem}.md", folder / f"{stem}.ipynb") for stem in sorted(stems)]


def _cells(notebook) -> list[tuple[str, str, tuple]]:
    return [
        (c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", ()))) for c in notebook.cells
    ]


class Mismatch(str):
    """One way a pair is out of step, as a sentence."""


def _compare(text: Path, notebook: Path) -> list[Mismatch]:
    import jupytext
    import nbformat

    if not text.exists():
        return [Mismatch(f"{notebook.name} has no {text.name} (its text source)")]
    if not notebook.exists():
        return [Mismatch(f"{text.name} has no {notebook.name} (run the sync)")]
    mine = _cells(jupytext.read(text))
    theirs = _cells(nbformat.read(notebook, as_version=4))
    for number, (a, b) in enumerate(zip(mine, theirs, strict=False), 1):
        if a != b:
            what = "type" if a[0] != b[0] else ("tags" if a[1] == b[1] else "source")
            first = (a[1] or b[1]).splitlines()[0][:60] if (a[1] or b[1]) else ""
            return [
                Mismatch(
                    f"{text.name} and {notebook.name} differ in cell {number} ({what}): {first!r}"
                )
            ]
    if len(mine) != len(theirs):
        return [Mismatch(f"{text.name} has {len(mine)} cells, {notebook.name} has {len(theirs)}")]
    return []


def check(folder: Path | None = None) -> list[Mismatch]:
    """Every pair out of step (empty when all agree)."""
    found: list[Mismatch] = []
    for text, notebook in pairs(folder):
        found += _compare(text, notebook)
    return found


def sync(folder: Path | None = None, only: list[str] | None = None) -> list[Path]:
    """Rewrite each .ipynb whose cells differ from its .md, keeping the outputs (and ids) of cells
    that did not change; returns the notebooks rewritten. `only`: just these notebook names."""
    import jupytext

    written = []
    for text, notebook in pairs(folder):
        if only is not None and notebook.stem not in only:
            continue
        if not text.exists() or not _compare(text, notebook):
            continue
        fresh = jupytext.read(text)
        if notebook.exists():
            import nbformat

            old = nbformat.read(notebook, as_version=4)
            fresh = jupytext.combine.combine_inputs_with_outputs(fresh, old, fmt="md:myst")
        fresh.metadata.pop("jupytext", None)
        jupytext.write(fresh, notebook)
        written.append(notebook)
    return written


def main(argv: list[str] | None = None) -> int:
    """`python -m tools.notebooks [--check]` (make sync)."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.notebooks", description="rewrite each .ipynb from its .md"
    )
    parser.add_argument("--check", action="store_true", help="only report pairs out of step")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for problem in problems:
            print(f"out of step: {problem}", file=sys.stderr)
        if problems:
            print(f"Fix: {FIX}", file=sys.stderr)
        return 1 if problems else 0
    for path in sync():
        print(f"rewrote {path.name} from its .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
