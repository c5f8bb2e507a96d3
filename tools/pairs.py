"""Notebook pairs: `notebooks/NN-name.md` (MyST Markdown, what people edit and review) and
`notebooks/NN-name.ipynb` (the same cells, plus the outputs nbval compares), kept in step by
jupytext's own command line (jupytext.toml pairs them):

    sync    jupytext --to ipynb --update NN-name.md ...  (each .ipynb from its .md, outputs kept)
    check   the same, on a scratch copy: a pair whose .ipynb it would change is out of step, and
            jupytext --diff NN-name.md NN-name.ipynb says how (cells, sources or tags)

    python -m tools.pairs            rewrite each .ipynb from its .md (make sync)
    python -m tools.pairs --check    fail when a pair is out of step (nox -s pairs)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shutil
import sys
import tempfile
from pathlib import Path

__all__ = ["FIX", "Mismatch", "check", "main", "notebooks_dir", "pairs", "sync"]

FIX = "python -m tools.pairs   (make sync): rewrites each .ipynb from its .md, keeping outputs"
# jupytext marks the .ipynb with the lexer it used; the pair's .ipynb is kept free of jupytext's
# own metadata (jupytext.toml says which filters apply)
NO_JUPYTEXT_METADATA = '{"jupytext": null}'


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


def _jupytext(*args: str | Path) -> str:
    """Run jupytext's command line (its `jupytext` entry point, in this process: a process of
    its own per pair costs about a second and a half of CPU each); return what it printed."""
    from jupytext.cli import jupytext

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        status = jupytext([*map(str, args), "--quiet"]) if "--diff" not in args else None
        if status is None:
            status = jupytext(list(map(str, args)))
    if status:
        raise RuntimeError(f"jupytext {' '.join(map(str, args))} failed ({status})")
    return printed.getvalue()


class Mismatch(str):
    """One way a pair is out of step, as a sentence and jupytext's diff."""


_TAGS = re.compile(r"^[-+](:tags:|tags:|\s*- )")


def _synced(folder: Path, only: list[str] | None = None) -> dict[Path, bytes]:
    """What jupytext writes for each .ipynb of FOLDER from its .md (outputs kept), in one run of
    its command line over a scratch copy: {notebook: bytes}."""
    chosen = [
        (text, notebook)
        for text, notebook in pairs(folder)
        if text.exists() and (only is None or notebook.stem in only)
    ]
    if not chosen:
        return {}
    with tempfile.TemporaryDirectory(prefix="pairs-") as scratch:
        for text, notebook in chosen:
            shutil.copy2(text, Path(scratch) / text.name)
            if notebook.exists():
                shutil.copy2(notebook, Path(scratch) / notebook.name)
        # --update keeps the outputs of an existing .ipynb (and makes a new one otherwise)
        texts = [Path(scratch) / text.name for text, _ in chosen]
        _jupytext("--to", "ipynb", "--update", "--update-metadata", NO_JUPYTEXT_METADATA, *texts)
        return {notebook: (Path(scratch) / notebook.name).read_bytes() for _, notebook in chosen}


def _explain(text: Path, notebook: Path) -> Mismatch:
    diff = _jupytext("--diff", text, notebook)
    changed = [
        line
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    what = "tags" if changed and all(_TAGS.match(line) for line in changed) else "source"
    return Mismatch(f"{text.name} and {notebook.name} differ ({what}):\n{diff.rstrip()}")


def check(folder: Path | None = None) -> list[Mismatch]:
    """Every pair out of step (empty when all agree): a missing side, or an .ipynb that
    jupytext's sync would change (then jupytext's diff says how)."""
    found: list[Mismatch] = []
    synced = _synced(folder or notebooks_dir())
    for text, notebook in pairs(folder):
        if not text.exists():
            found.append(Mismatch(f"{notebook.name} has no {text.name} (its text source)"))
        elif not notebook.exists():
            found.append(Mismatch(f"{text.name} has no {notebook.name} (run the sync)"))
        elif synced[notebook] != notebook.read_bytes():
            found.append(_explain(text, notebook))
    return found


def sync(folder: Path | None = None, only: list[str] | None = None) -> list[Path]:
    """Rewrite each .ipynb whose cells differ from its .md (jupytext keeps the outputs of cells
    that did not change); returns the notebooks rewritten. `only`: just these notebook names."""
    written = []
    for notebook, content in _synced(folder or notebooks_dir(), only).items():
        if not notebook.exists() or notebook.read_bytes() != content:
            notebook.write_bytes(content)
            written.append(notebook)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.pairs", description="keep each .md and .ipynb pair in step"
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
