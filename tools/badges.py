"""The README's Binder and Codespaces badges, pointed at where the course is published.

    python -m tools.badges                 the repository the git remote `origin` names
    python -m tools.badges you/your-fork   that GitHub repository
    python -m tools.badges --check         fail while a badge still names the placeholder OWNER
                                           (publish mode: run it before publishing; CI runs it
                                           with LABHELPERS_PUBLISH=1)

A Binder link can only name a public GitHub repository, and the Codespaces link opens that
repository's dev container: both are the only way in for a learner without Docker, so a
placeholder left in either is a broken front door.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PLACEHOLDER = "OWNER"
BINDER = re.compile(r"(https://mybinder\.org/v2/gh/)([^/\s)]+/[^/\s)]+)(/)")
CODESPACES = re.compile(r"(https://codespaces\.new/)([^/\s)?]+/[^/\s)?]+)(\?)")
REMOTE = re.compile(
    r"^(?:https://|ssh://git@|git@)github\.com[:/]([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)(?:\.git)?/?$"
)
SLUG = re.compile(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+")


class BadgeError(Exception):
    """What went wrong, in a sentence a publisher can act on."""


def repository_of(remote_url: str) -> str:
    """The "owner/name" of a GitHub remote URL (https, ssh or scp-like)."""
    match = REMOTE.match(remote_url.strip())
    if not match:
        raise BadgeError(
            f"the remote {remote_url.strip()!r} is not a GitHub repository: Binder's gh/ links and "
            "Codespaces need one. Name it: python -m tools.badges OWNER/NAME"
        )
    return f"{match[1]}/{match[2]}"


def remote_repository(cwd: Path = ROOT) -> str:
    """The repository the git remote `origin` (else the only remote) points at."""
    remotes = subprocess.run(
        ["git", "remote"], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.split()
    if not remotes:
        raise BadgeError("this checkout has no git remote: name the repository, OWNER/NAME")
    name = "origin" if "origin" in remotes else remotes[0]
    url = subprocess.run(
        ["git", "remote", "get-url", name], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout
    return repository_of(url)


def badge_repositories(text: str) -> list[str]:
    """Every repository the badge links of the text name."""
    return [m[2] for m in BINDER.finditer(text)] + [m[2] for m in CODESPACES.finditer(text)]


def point_badges(text: str, repository: str) -> str:
    """The text with both badges' links naming repository ("owner/name")."""
    if not SLUG.fullmatch(repository):
        raise BadgeError(f"{repository!r} is not OWNER/NAME")
    if not BINDER.search(text) or not CODESPACES.search(text):
        raise BadgeError("the README has lost its Binder or Codespaces badge")
    text = BINDER.sub(lambda m: m[1] + repository + m[3], text)
    return CODESPACES.sub(lambda m: m[1] + repository + m[3], text)


def placeholders(text: str) -> list[str]:
    """The badge links still naming the placeholder owner."""
    return [r for r in badge_repositories(text) if r.split("/")[0] == PLACEHOLDER]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.badges", description=__doc__)
    parser.add_argument("repository", nargs="?", help="OWNER/NAME on GitHub (default: git remote)")
    parser.add_argument("--check", action="store_true", help="fail while OWNER remains")
    args = parser.parse_args(argv)
    text = README.read_text()
    try:
        if args.check:
            left = placeholders(text)
            if left:
                raise BadgeError(
                    f"the README's badges still point at {left[0]}, which does not exist: run "
                    "`python -m tools.badges` (or with OWNER/NAME) before publishing"
                )
            print("badges: " + ", ".join(sorted(set(badge_repositories(text)))))
            return 0
        repository = args.repository or remote_repository()
        README.write_text(point_badges(text, repository))
        print(f"README.md: the Binder and Codespaces badges now open {repository}")
        return 0
    except BadgeError as exc:
        print(f"badges: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
