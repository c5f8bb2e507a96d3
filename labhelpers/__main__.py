"""`python -m labhelpers COMMAND`: the learner's commands (`make lab`, `make doctor`, ...).

lab       check the Engine, then open JupyterLab on the first notebook
doctor    is this machine ready for the course? (checks the live Engine)
cleanup   remove what the lab made for you (selected by its marks only); --everyone: an
          instructor's cleanup of every learner's lab work on a shared Engine, shown first
twin      each notebook's CLI twin: its Docker work as a bash script (build/twins/)

Contributor tooling (recordings, the test pipeline, the benchmark) is not part of the package:
it lives in the checkout's tools/ folder (`python -m tools.record`, ...) and runs through nox.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="labhelpers", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    lab = sub.add_parser("lab", help="check the Engine, then open JupyterLab on notebook 00")
    lab.add_argument(
        "--settings-only", action="store_true", help="only write JupyterLab's settings (Binder)"
    )
    sub.add_parser("doctor", help="check the Engine, storage driver, base image and disk")
    clean = sub.add_parser("cleanup", help="remove what the lab made for you (by its marks only)")
    clean.add_argument("--include-base-image", action="store_true")
    clean.add_argument(
        "--everyone",
        action="store_true",
        help="every account's lab work on this Engine (listed first; asks before removing)",
    )
    clean.add_argument("--yes", action="store_true", help="with --everyone: do not ask")
    twn = sub.add_parser("twin", help="write each notebook's CLI twin, a bash script")
    twn.add_argument("notebooks", nargs="*", help="number prefixes or stems (default: all)")
    twn.add_argument("-o", "--out", type=Path, help="the folder to write to (default: build/twins)")
    twn.add_argument(
        "--recordings", type=Path, help="read these recordings (default: the committed ones)"
    )
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra  # `lab` hands the rest to JupyterLab (--port 8899, --no-browser, ...)
    return COMMANDS[args.command](args)


def _lab(args: argparse.Namespace) -> int:
    from . import lab

    return lab.main(args.extra, settings_only=args.settings_only)


def _doctor(args: argparse.Namespace) -> int:
    os.environ["LABHELPERS_MODE"] = "live"  # the doctor checks this machine, never a recording
    from .core.commands import echo_commands
    from .doctor import check

    echo_commands(False)
    report = check()
    print(report)
    if not report.ready:
        print("\nThe lab cannot run here yet: fix the FAIL lines above.", file=sys.stderr)
    return 0 if report.ready else 1


def _cleanup(args: argparse.Namespace) -> int:
    os.environ["LABHELPERS_MODE"] = "live"
    from .core.errors import LabError
    from .engine import EVERYONE, MINE, cleanup, lab_resources

    scope = EVERYONE if args.everyone else MINE
    try:
        if args.everyone:
            found = lab_resources(scope, args.include_base_image)
            for item in found:
                print(f"  {item.kind:<9} {item.name:<40} {item.owner or '(no owner mark)'}")
            if not found:
                print("The lab made nothing on this Engine that is still there.")
                return 0
            if not args.yes and input(f"Remove these {len(found)}? [y/N] ").strip() != "y":
                print("Nothing removed.")
                return 0
        done = cleanup(scope, include_base_image=args.include_base_image)
    except LabError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"removed {len(done.removed)} resources, reclaimed {done.reclaimed}")
    return 0


def _twin(args: argparse.Namespace) -> int:
    from . import twin
    from .core.errors import LabError
    from .engine import mode, name_plan

    folder = twin.course_root() / "notebooks"
    chosen = args.notebooks or [p.stem for p in sorted(folder.glob("[0-9]*.ipynb"))]
    prefix = None  # no Engine to ask: the lecture's names, as the twin's header says
    if mode() == "live":
        try:
            prefix = name_plan().prefix
        except LabError:
            prefix = None
    try:
        for notebook in chosen:
            print(f"wrote {twin.write_twin(notebook, args.out, args.recordings, prefix)}")
    except LabError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


COMMANDS = {
    "lab": _lab,
    "doctor": _doctor,
    "cleanup": _cleanup,
    "twin": _twin,
}

if __name__ == "__main__":
    sys.exit(main())
