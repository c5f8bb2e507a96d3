"""`python -m labhelpers doctor` (and `labhelpers doctor`): is this machine ready for the course?

`record` re-records the replay mode's recordings from a live run (see `labhelpers._record`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="labhelpers", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("doctor", help="check the Engine, storage driver, base image and disk")
    clean = sub.add_parser("cleanup", help="remove everything the lab created (by label only)")
    clean.add_argument("--include-base-image", action="store_true")
    rec = sub.add_parser(
        "record", help="run the notebooks live and record every helper call for the replay mode"
    )
    rec.add_argument("notebooks", nargs="*", help="names or number prefixes (default: all)")
    rec.add_argument("--out", type=Path, help="where to write (default: labhelpers/recordings)")
    rec.add_argument(
        "--inplace", action="store_true", help="also save the executed notebooks' outputs"
    )
    rec.add_argument(
        "--check",
        type=Path,
        metavar="FRESH_DIR",
        help="run nothing: fail when the committed recordings drifted from those in FRESH_DIR",
    )
    args = parser.parse_args(argv)
    if args.command == "record":
        from . import _record

        if args.check:
            return _record.check(args.check)
        return _record.record(args.notebooks, args.out, args.inplace)
    if args.command == "doctor":
        from .doctor import check

        report = check(replayed=False)
        print(report)
        if not report.ready:
            print("\nThe lab cannot run here yet: fix the FAIL lines above.", file=sys.stderr)
        return 0 if report.ready else 1
    if args.command == "cleanup":
        from ._errors import LabError
        from .system import cleanup

        try:
            done = cleanup(include_base_image=args.include_base_image)
        except LabError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"removed {len(done.removed)} resources, reclaimed {done.reclaimed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
