"""`python -m labhelpers COMMAND`: the course's commands (each `make` target calls one).

lab       check the Engine, then open JupyterLab on the first notebook
doctor    is this machine ready for the course? (checks the live Engine)
cleanup   remove everything the lab created, selected by its label only
record    run every notebook live: refresh its stored outputs and its replay recording
sync      rewrite each notebook's .ipynb from its .md, keeping outputs (--check: only compare)
api       docs/notebook-api.md, the names notebooks use (--write / --check)
catalogue docs/bad-input.md, what the lab refuses and what it says (--check: only compare)
lengths   each notebook's prose words and largest markdown cell (--check: fail when over)
browser   every notebook in JupyterLab in Chromium, live and replayed: what the learner sees
twin      each notebook's CLI twin: its Docker work as a bash script (build/twins/)
test      every check of the course, in phases (lint ... browser)
bench     the course against its speed budgets, on the live Engine (bench/results.json)
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
    clean = sub.add_parser("cleanup", help="remove everything the lab created (by label only)")
    clean.add_argument("--include-base-image", action="store_true")
    rec = sub.add_parser("record", help="run the notebooks live: refresh outputs and recordings")
    rec.add_argument("notebooks", nargs="*", help="names or number prefixes (default: all)")
    rec.add_argument("--out", type=Path, help="where to write (default: labhelpers/recordings)")
    rec.add_argument(
        "--recordings-only", action="store_true", help="leave the notebooks' stored outputs alone"
    )
    rec.add_argument(
        "--check",
        type=Path,
        metavar="FRESH_DIR",
        help="run nothing: fail when the committed recordings drifted from those in FRESH_DIR",
    )
    rec.add_argument(
        "--calls-only",
        action="store_true",
        help="with --check: compare calls and kinds of results, not their shapes",
    )
    syn = sub.add_parser("sync", help="rewrite each .ipynb from its .md (keeping outputs)")
    syn.add_argument("--check", action="store_true", help="only report pairs out of step")
    api = sub.add_parser("api", help="docs/notebook-api.md: the names notebooks use")
    api.add_argument("--write", action="store_true", help="rewrite the page")
    api.add_argument("--check", action="store_true", help="fail when it is stale")
    cat = sub.add_parser("catalogue", help="docs/bad-input.md: the bad-input catalogue")
    cat.add_argument("--check", action="store_true", help="fail when it is stale")
    lng = sub.add_parser("lengths", help="each notebook's prose length (about 20 minutes' read)")
    lng.add_argument("--check", action="store_true", help="fail when one is over the limits")
    twn = sub.add_parser("twin", help="write each notebook's CLI twin, a bash script")
    twn.add_argument("notebooks", nargs="*", help="number prefixes or stems (default: all)")
    twn.add_argument("-o", "--out", type=Path, help="the folder to write to (default: build/twins)")
    twn.add_argument(
        "--recordings", type=Path, help="read these recordings (default: the committed ones)"
    )
    aud = sub.add_parser("audit", help="check a live run's safety audit (LABHELPERS_AUDIT)")
    aud.add_argument("file", type=Path, help="the audit file a live run wrote")
    brw = sub.add_parser("browser", help="every notebook in JupyterLab, in Chromium")
    brw.add_argument("notebooks", nargs="*", help="number prefixes or names (default: all)")
    brw.add_argument("--live-only", action="store_true", help="skip the replayed pass")
    brw.add_argument("--replay-only", action="store_true", help="skip the live pass")
    brw.add_argument(
        "--without-widget-manager",
        action="store_true",
        help="serve JupyterLab with the widget manager disabled (proves the pass can fail)",
    )
    test = sub.add_parser("test", help="lint, tests and every notebook (live and replayed)")
    test.add_argument("phases", nargs="*", help="some phases only (default: all)")
    sub.add_parser("bench", add_help=False, help="the speed budgets on the live Engine")
    args, extra = parser.parse_known_args(argv)
    if args.command == "bench":  # its own options: python -m labhelpers bench --help
        from .tools import bench

        return bench.main(list(argv if argv is not None else sys.argv[1:])[1:])
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra  # `lab` hands the rest to JupyterLab (--port 8899, --no-browser, ...)
    return COMMANDS[args.command](args)


def _lab(args: argparse.Namespace) -> int:
    from .tools import lab

    return lab.main(args.extra, settings_only=args.settings_only)


def _doctor(args: argparse.Namespace) -> int:
    os.environ["LABHELPERS_MODE"] = "live"  # the doctor checks this machine, never a recording
    from .core.echo import echo_commands
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
    from .engine import cleanup

    try:
        done = cleanup(include_base_image=args.include_base_image)
    except LabError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"removed {len(done.removed)} resources, reclaimed {done.reclaimed}")
    return 0


def _record(args: argparse.Namespace) -> int:
    from .replay import record

    if args.check:
        return record.check(args.check, strict=not args.calls_only)
    return record.record(args.notebooks, args.out, inplace=not args.recordings_only)


def _sync(args: argparse.Namespace) -> int:
    from .tools import notebooks

    if args.check:
        problems = notebooks.check()
        for problem in problems:
            print(f"out of step: {problem}", file=sys.stderr)
        if problems:
            print(f"Fix: {notebooks.FIX}", file=sys.stderr)
        return 1 if problems else 0
    for path in notebooks.sync():
        print(f"rewrote {path.name} from its .md")
    return 0


def _api(args: argparse.Namespace) -> int:
    from .tools import api

    page, path = api.api_page(), api.page_path()
    if args.write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page)
        print(f"wrote {path}")
        return 0
    current = path.read_text() if path.exists() else ""
    if args.check and current != page:
        print(f"{path.name} is stale. Fix: python -m labhelpers api --write", file=sys.stderr)
        return 1
    if not args.check:
        print(page)
    return 0


def _lengths(args: argparse.Namespace) -> int:
    from .tools import lengths

    return lengths.main(check=args.check)


def _catalogue(args: argparse.Namespace) -> int:
    from .tools import catalogue

    path = catalogue.page_path()
    if args.check:
        if not catalogue.check():
            print(f"{path.name} is stale. Fix: python -m labhelpers catalogue", file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(catalogue.page())
    print(f"wrote {path} ({len(catalogue.CASES)} cases)")
    return 0


def _audit(args: argparse.Namespace) -> int:
    from .engine import audit

    if not args.file.is_file():
        print(
            f"No audit at {args.file}: run a live pass with LABHELPERS_AUDIT set.", file=sys.stderr
        )
        return 1
    problems = audit.problems(args.file)
    for problem in problems:
        print(f"unsafe: {problem}", file=sys.stderr)
    entries = len(args.file.read_text().splitlines())
    if not problems:
        print(f"The lab kept its safety rules ({entries} containers created or resources removed).")
    return 1 if problems else 0


def _browser(args: argparse.Namespace) -> int:
    from .tools import browser

    broken = (browser.WIDGET_MANAGER,) if args.without_widget_manager else ()
    return browser.main(
        args.notebooks,
        live=not args.replay_only,
        replay=not args.live_only,
        disabled_extensions=broken,
    )


def _twin(args: argparse.Namespace) -> int:
    from .core.errors import LabError
    from .tools import twin

    folder = twin.course_root() / "notebooks"
    chosen = args.notebooks or [p.stem for p in sorted(folder.glob("[0-9]*.ipynb"))]
    try:
        for notebook in chosen:
            print(f"wrote {twin.write_twin(notebook, args.out, args.recordings)}")
    except LabError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def _test(args: argparse.Namespace) -> int:
    from .tools import testrun

    return testrun.main(args.phases)


COMMANDS = {
    "lab": _lab,
    "doctor": _doctor,
    "cleanup": _cleanup,
    "record": _record,
    "sync": _sync,
    "api": _api,
    "catalogue": _catalogue,
    "lengths": _lengths,
    "audit": _audit,
    "browser": _browser,
    "twin": _twin,
    "test": _test,
}

if __name__ == "__main__":
    sys.exit(main())
