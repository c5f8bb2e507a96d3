"""The course's dependencies, from one source: pyproject.toml declares them, this writes the rest.

    python -m tools.lock              write requirements/lock.txt, binder/requirements.txt and
                                      environment.yml (keeps the locked versions that still fit)
    python -m tools.lock --upgrade    the same, moving every pin to the newest version that fits

requirements/lock.txt   every package of every set (the learner's, test, browser, lint, dev) and
                        what they pull in, pinned for every Python the course supports (uv's
                        universal resolution: a package gets one line per Python where its
                        versions differ, with a marker: matplotlib 3.10 on Python 3.10).
binder/requirements.txt the learner's set only, at the lock's versions: what repo2docker installs,
                        what `make lab` installs (as constraints), what the test environments
                        start from.
environment.yml         conda/mamba: a Python the course supports, then pip with the file above,
                        so a conda learner gets the versions the tests ran with.

Resolving asks the package index (uv); tests/test_dependencies.py checks offline that the three
files agree with pyproject.toml, and (marked `index`) that every locked package has a wheel for
every supported Python and platform.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"
BINDER = ROOT / "binder" / "requirements.txt"
CONDA = ROOT / "environment.yml"
FLOOR = "3.10"
SUPPORTED = ("3.10", "3.11", "3.12", "3.13")  # the Pythons the lock is checked for
COMMAND = "python -m tools.lock"


@dataclass(frozen=True)
class Pin:
    """One line of a lock: `name==version ; marker` (marker "" where it holds everywhere)."""

    name: str
    version: str
    marker: str = ""


def pins(text: str) -> list[Pin]:
    """The pins of a requirements file written by uv (comments and `# via` notes left out)."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)(?:\s*;\s*(.+))?", line)
        if not match:
            raise ValueError(f"not a pin: {line!r}")
        found.append(Pin(canonical(match[1]), match[2], (match[3] or "").strip()))
    return found


def canonical(name: str) -> str:
    """A distribution name as the package index compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def environment_yml(requires_python: str) -> str:
    """environment.yml's text: Python from pyproject, every package from the lock via pip."""
    return (
        "# Made by `python -m tools.lock` from pyproject.toml: edit that, not this.\n"
        "# The course's environment for conda/mamba users: `conda env create -f environment.yml`.\n"
        "# conda supplies Python and pip only; pip installs the learner's set at the versions the\n"
        "# tests ran with (binder/requirements.txt, from requirements/lock.txt), then the course.\n"
        "name: docker-storage-lab\n"
        "channels:\n"
        "  - conda-forge\n"
        "dependencies:\n"
        f"  - python{requires_python.replace(' ', '')}\n"
        "  - pip\n"
        "  - pip:\n"
        "      - -r binder/requirements.txt\n"
        "      - -e .\n"
    )


def _uv() -> list[str]:
    beside = Path(sys.executable).with_name("uv")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("uv")
    if found:
        return [found]
    sys.exit("uv is needed to resolve the lock: `python -m pip install uv` (in a venv), then again")


def _compile(*argv: str) -> None:
    subprocess.run(
        [
            *_uv(),
            "pip",
            "compile",
            "--quiet",
            "--universal",
            "--python-version",
            FLOOR,
            "--custom-compile-command",
            COMMAND,
            *argv,
        ],
        cwd=ROOT,
        check=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="move every pin to the newest")
    args = parser.parse_args(argv)
    try:
        import tomllib  # novermin (3.11+; tomli below on 3.10)
    except ModuleNotFoundError:
        import tomli as tomllib

    LOCK.parent.mkdir(exist_ok=True)
    upgrade = ["--upgrade"] if args.upgrade else []
    # Everything first, then the learner's set held to the same versions (a subset of the lock).
    _compile("pyproject.toml", "--all-extras", *upgrade, "-o", str(LOCK.relative_to(ROOT)))
    _compile(
        "pyproject.toml",
        "--constraint",
        str(LOCK.relative_to(ROOT)),
        "--upgrade",  # the learner's file follows the lock, never its own old pins
        "--no-annotate",
        "-o",
        str(BINDER.relative_to(ROOT)),
    )
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    CONDA.write_text(environment_yml(project["requires-python"]))
    for path in (LOCK, BINDER):
        print(f"wrote {path.relative_to(ROOT)}: {len(pins(path.read_text()))} pins")
    print(f"wrote {CONDA.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
