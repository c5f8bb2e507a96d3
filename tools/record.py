"""`python -m tools.record` (`make record`): refresh the notebooks' stored outputs and the
replay mode's recordings from one live run.

Each notebook runs top to bottom in its own kernel against the live Engine, with
LABHELPERS_RECORD_DIR set and the recorder plugin on (`tools.recorder`), so every helper call
lands in labhelpers/recordings/<notebook>.json and the outputs the same run produced are stored
in the .ipynb: the two always come from one run. A notebook that fails keeps its previous
recording and outputs.

`record --check DIR` runs nothing: it compares the committed recordings with fresh ones in DIR
(`make test` records its live nbval run there) and fails when calls or shapes have drifted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from labhelpers.replay import modes

from . import drift, plugin_env

__all__ = ["NAMES_FILE", "check", "committed_dir", "read_names", "record", "select"]

NAMES_FILE = "names.json"

CELL_TIMEOUT_S = 900


def committed_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "labhelpers" / "recordings"


def notebooks_dir() -> Path:
    here = Path.cwd() / "notebooks"
    return here if here.is_dir() else Path(__file__).resolve().parents[1] / "notebooks"


def select(folder: Path, wanted: list[str]) -> list[Path]:
    """The course's notebooks (`[0-9]*.ipynb`, in order), or those whose name starts with one of
    `wanted` ("03", "03-the-writable-layer", a path)."""
    found = sorted(folder.glob("[0-9]*.ipynb"))
    if not wanted:
        return found
    stems = [Path(w).name.removesuffix(".ipynb") for w in wanted]
    return [p for p in found if any(p.stem.startswith(s) for s in stems)]


def _execute(path: Path, inplace: bool) -> None:
    from .kernels import run_notebook

    run_notebook(path, CELL_TIMEOUT_S, write=inplace)


def record(wanted: list[str], out: Path | None = None, inplace: bool = True) -> int:
    """Run the notebooks live: record every helper call, and (`inplace`) store the outputs in the
    .ipynb files. Each .ipynb is first brought in step with its .md. Returns the exit status
    (0: all recorded)."""
    from . import pairs as notebooks

    out = out or committed_dir()
    paths = select(notebooks_dir(), wanted)
    for synced in notebooks.sync(only=[p.stem for p in paths]):
        print(f"rewrote {synced.name} from its .md first", flush=True)
    if not paths:
        print(f"No notebook matches {wanted} in {notebooks_dir()}.", file=sys.stderr)
        return 1
    failed = []
    created: dict[str, set[str]] = {}
    for path in paths:
        with tempfile.TemporaryDirectory(prefix="labhelpers-recording-") as scratch:
            os.environ[modes.MODE_SETTING] = "live"
            os.environ[modes.RECORD_SETTING] = scratch
            os.environ.update(plugin_env("tools.recorder"))
            print(f"recording {path.name}", flush=True)
            started = time.perf_counter()
            try:
                _execute(path, inplace)
            except Exception as exc:  # a failing cell (or kernel) fails this notebook only
                failed.append(path.name)
                print(f"  FAILED after {time.perf_counter() - started:.0f} s", flush=True)
                print(_tail(exc), file=sys.stderr)
                continue
            made = sorted(Path(scratch).glob("*.json"))
            if not made:
                failed.append(path.name)
                print("  FAILED: it never called lh.start_lesson(...)", flush=True)
                continue
            out.mkdir(parents=True, exist_ok=True)
            for made_one in made:
                shutil.copyfile(made_one, out / made_one.name)
                data = json.loads(made_one.read_text())
                for kind, names in read_names(made_one).items():
                    created.setdefault(kind, set()).update(names)
                for problem in data.get("problems", []):
                    print(f"  warning: {problem}")
            calls = sum(len(json.loads(m.read_text())["calls"]) for m in made)
            names = ", ".join(str(out / m.name) for m in made)
            print(f"  ok: {calls} calls in {time.perf_counter() - started:.0f} s -> {names}")
    _write_names(out / NAMES_FILE, created, replace=not wanted and not failed)
    if failed:
        print(f"Not recorded (kept the previous recording): {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def read_names(recording: Path) -> dict[str, set[str]]:
    """The names a recorded run created, by kind, read from its commands: `docker run`/`create`
    `--name`, `docker volume create NAME`, `docker build -t TAG` (the course's prefix and a
    session's suffix taken off: names.json lists the lecture's forms); not those shown as not
    run."""
    import re

    names: dict[str, set[str]] = {}
    data = json.loads(recording.read_text()) if recording.is_file() else {"calls": []}
    for call in data["calls"]:
        for event in call.get("events", []):
            if event[0] != "command" or event[1].get("expect") == "not run":
                continue  # a command shown as not run creates nothing
            argv = event[1]["argv"]
            kind, name = "", ""
            if argv[1:2] in (["run"], ["create"]) and "--name" in argv:
                kind, name = "container", argv[argv.index("--name") + 1]
            elif argv[1:3] == ["volume", "create"]:
                kind, name = "volume", argv[-1]
            elif argv[1:2] == ["build"] and "-t" in argv:
                kind, name = "image", argv[argv.index("-t") + 1].removesuffix(":latest")
            if name and not re.match(r"^(ex\d\d-|lab-probe-)", name):
                plain = re.sub(r"-s[0-9a-f]{5}$", "", re.sub(r"^lab\d*-", "", name))
                names.setdefault(kind, set()).add(plain)
    return names


def _write_names(path: Path, fresh: dict[str, set[str]], replace: bool) -> None:
    """names.json: every name the course creates, by kind (the doctor looks for clashes with
    these). A run of every notebook replaces it; a run of some adds to it."""
    merged = {} if replace or not path.is_file() else json.loads(path.read_text())
    for kind, names in fresh.items():
        merged[kind] = sorted(set(merged.get(kind, [])) | names)
    path.write_text(json.dumps(dict(sorted(merged.items())), indent=1) + "\n")


def _tail(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return "\n".join("  " + line for line in text[-12:])


def check(fresh: Path, committed: Path | None = None, strict: bool = True, prefix: str = "") -> int:
    """Compare the committed recordings with the fresh ones in `fresh`; 0 when none drifted.
    `strict=False`: calls and the kinds of results only (a run on another kind of Engine).
    `prefix`: the fresh run named the course's things with it (beside a learner's own).
    What the fresh run created must all be in names.json."""
    committed = committed or committed_dir()
    made = sorted(p for p in fresh.glob("*.json") if p.name != NAMES_FILE)
    if not made:
        print(f"No fresh recordings in {fresh}: nothing to compare.", file=sys.stderr)
        return 1
    problems = []
    for path in made:
        new = json.loads(path.read_text())
        old_path = committed / path.name
        old = json.loads(old_path.read_text()) if old_path.is_file() else None
        problems += drift.compare(old, new, strict, prefix)
    known_file = committed / NAMES_FILE
    known = json.loads(known_file.read_text()) if known_file.is_file() else {}
    for path in made:
        for kind, names in read_names(path).items():
            made_names = {drift.unprefixed(name, prefix) for name in names}
            for name in sorted(made_names - set(known.get(kind, []))):
                problems.append(f"names.json lacks the {kind} name '{name}' the course creates.")
    if problems:
        print("The committed recordings no longer match a live run:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print(
            "Refresh them on a machine with Docker: `make record` "
            "(python -m tools.record), then commit labhelpers/recordings/.",
            file=sys.stderr,
        )
        return 1
    what = "" if strict else " in calls and kinds of results"
    print(f"The committed recordings match a live run{what} ({len(made)} notebooks).")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m tools.record` (make record)."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.record",
        description="run the notebooks live: refresh their stored outputs and recordings",
    )
    parser.add_argument("notebooks", nargs="*", help="names or number prefixes (default: all)")
    parser.add_argument("--out", type=Path, help="where to write (default: labhelpers/recordings)")
    parser.add_argument(
        "--recordings-only", action="store_true", help="leave the notebooks' stored outputs alone"
    )
    parser.add_argument(
        "--check",
        type=Path,
        metavar="FRESH_DIR",
        help="run nothing: fail when the committed recordings drifted from those in FRESH_DIR",
    )
    parser.add_argument(
        "--renamed",
        default="",
        metavar="PREFIX",
        help="with --check: the fresh run named things PREFIX+name (beside a learner's own)",
    )
    parser.add_argument(
        "--calls-only",
        action="store_true",
        help="with --check: compare calls and kinds of results, not their shapes",
    )
    args = parser.parse_args(argv)
    if args.check:
        return check(args.check, strict=not args.calls_only, prefix=args.renamed)
    return record(args.notebooks, args.out, inplace=not args.recordings_only)


if __name__ == "__main__":
    sys.exit(main())
