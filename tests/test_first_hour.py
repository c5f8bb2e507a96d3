"""A learner's first hour: the badges open the published course, shell scripts stay LF on a
Windows checkout, the README's set-up says what each platform needs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tools import badges

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/ada/docker-storage-lab.git",
        "https://github.com/ada/docker-storage-lab",
        "git@github.com:ada/docker-storage-lab.git",
        "ssh://git@github.com/ada/docker-storage-lab.git",
    ],
)
def test_a_github_remote_names_its_repository(url):
    assert badges.repository_of(url) == "ada/docker-storage-lab"


def test_a_remote_elsewhere_asks_for_the_repository():
    with pytest.raises(badges.BadgeError, match="not a GitHub repository"):
        badges.repository_of("https://git.example.org/ada/docker-storage-lab.git")


def test_badges_are_pointed_at_the_repository_and_keep_their_paths():
    text = badges.point_badges(README, "ada/storage-course")
    assert badges.badge_repositories(text) == ["ada/storage-course"] * 2
    assert "/v2/gh/ada/storage-course/HEAD?urlpath=lab/tree/notebooks/00-" in text
    assert "https://codespaces.new/ada/storage-course?quickstart=1" in text
    assert badges.placeholders(text) == []
    back = badges.point_badges(text, badges.badge_repositories(README)[0])
    assert back == README  # nothing but the two links changed


def test_the_command_reads_the_git_remote(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(
        ["git", "remote", "add", "origin", "git@github.com:ada/lab.git"], cwd=tmp_path, check=True
    )
    assert badges.remote_repository(tmp_path) == "ada/lab"


def test_the_publish_check_fails_on_the_placeholder():
    placeholder = badges.point_badges(README, f"{badges.PLACEHOLDER}/docker-storage-lab")
    assert badges.placeholders(placeholder) == [f"{badges.PLACEHOLDER}/docker-storage-lab"] * 2


@pytest.mark.skipif(
    os.environ.get("LABHELPERS_PUBLISH") != "1",
    reason="publish mode only (LABHELPERS_PUBLISH=1): the repository's own README keeps the "
    "placeholder until `python -m tools.badges` runs where the course is published",
)
def test_published_badges_name_a_real_repository():
    assert badges.main(["--check"]) == 0, "run `python -m tools.badges` before publishing"


def test_shell_scripts_stay_lf_in_any_checkout():
    scripts = [
        "notebooks/solutions/00-check-your-lab.sh",
        "binder/postBuild",
        "binder/start",
        "scripts/lab-engines",
        "labhelpers/lesson_app/Dockerfile",
    ]
    done = subprocess.run(
        ["git", "check-attr", "eol", "--", *scripts],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.count(": eol: lf\n") == len(scripts), done.stdout


def test_readme_keeps_two_commands_and_covers_the_platforms():
    for needed in (
        "make lab",
        "make test",
        "make check",
        "WSL integration",
        "Xcode Command Line Tools",
        "uv",
        "docker save",
        "wheelhouse",
        "python -m tools.badges",
    ):
        assert needed in README, needed
