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


# WSL: faked by its kernel's name and WSL_DISTRO_NAME (this machine is plain Linux).
DEAD = "unix:///tmp/labhelpers-no-engine-here.sock"


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    """Point the WSL probe at a kernel release of our choosing; no WSL_DISTRO_NAME."""
    from labhelpers.core import platforms

    release = tmp_path / "osrelease"
    monkeypatch.setattr(platforms, "KERNEL_FILES", (str(release),))
    monkeypatch.delenv("WSL_DISTRO_NAME", raising=False)
    return release


@pytest.mark.parametrize(
    ("release", "distro", "expected"),
    [
        ("6.6.87.2-microsoft-standard-WSL2", "", True),
        ("4.4.0-19041-Microsoft", "", True),  # WSL 1
        ("6.1.0-28-amd64", "Ubuntu", True),  # the environment alone says so
        ("6.1.0-28-amd64", "", False),
        (None, "", False),  # no /proc (macOS)
    ],
)
def test_wsl_is_recognised_by_its_kernel_or_its_environment(
    kernel, monkeypatch, release, distro, expected
):
    from labhelpers.core.platforms import on_wsl

    if release is not None:
        kernel.write_text(release + "\n")
    if distro:
        monkeypatch.setenv("WSL_DISTRO_NAME", distro)
    assert on_wsl() is expected


@pytest.fixture
def dead_engine_in_wsl(kernel, tmp_path, monkeypatch):
    """Live mode, nothing behind DOCKER_HOST, in a WSL distribution named Ubuntu-22.04 whose PATH
    has no `docker` (the test adds one where it needs it)."""
    from labhelpers.engine import connection

    kernel.write_text("5.15.167.4-microsoft-standard-WSL2\n")
    monkeypatch.setenv("WSL_DISTRO_NAME", "Ubuntu-22.04")
    monkeypatch.setenv("DOCKER_HOST", DEAD)
    monkeypatch.setenv("LABHELPERS_MODE", "live")
    for marker in ("BINDER_SERVICE_HOST", "BINDER_REQUEST", "BINDER_LAUNCH_HOST"):
        monkeypatch.delenv(marker, raising=False)
    monkeypatch.setattr(connection, "_client", None)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


def _engine_advice() -> str:
    import labhelpers as lh

    report = lh.check()
    [engine] = [f for f in report.findings if f.topic == "Docker Engine"]
    assert engine.blocking and not report.ready
    return engine.advice


def test_wsl_without_docker_is_told_to_turn_on_the_integration(dead_engine_in_wsl):
    advice = _engine_advice()
    assert "`docker` is missing in 'Ubuntu-22.04'" in advice
    assert "Settings > Resources > WSL integration" in advice
    assert "turn it on for 'Ubuntu-22.04'" in advice
    assert "systemctl" not in advice


def test_wsl_with_docker_but_no_engine_hears_of_desktop_and_the_integration(dead_engine_in_wsl):
    docker = dead_engine_in_wsl / "docker"
    docker.write_text("#!/bin/sh\nexit 1\n")
    docker.chmod(0o755)
    advice = _engine_advice()
    assert "Docker Desktop is not running on Windows" in advice
    assert "turn it on for 'Ubuntu-22.04'" in advice  # not "start Docker Desktop" alone


def test_outside_wsl_the_linux_advice_is_unchanged(dead_engine_in_wsl, kernel, monkeypatch):
    kernel.write_text("6.1.0-28-amd64\n")
    monkeypatch.delenv("WSL_DISTRO_NAME")
    monkeypatch.setattr("platform.system", lambda: "Linux")
    advice = _engine_advice()
    assert "systemctl start docker" in advice
    assert "WSL" not in advice


@pytest.mark.parametrize("wsl", [True, False])
def test_make_lab_in_wsl_says_where_to_open_the_address(wsl, monkeypatch, tmp_path, capsys):
    from labhelpers import lab

    started = []
    monkeypatch.setattr(lab, "on_wsl", lambda: wsl)
    monkeypatch.setattr(lab, "settings", lambda: tmp_path)
    monkeypatch.setattr(
        "subprocess.run",
        lambda argv, **kw: started.append(argv) or subprocess.CompletedProcess(argv, 0),
    )
    assert lab.main(["--no-browser"]) == 0
    assert [argv[2] for argv in started] == ["labhelpers", "jupyter"]  # the doctor, then the lab
    out = capsys.readouterr().out
    assert ("open your Windows browser" in out) is wsl
    assert ("http://127.0.0.1:8888/lab?token=" in out) is wsl


@pytest.mark.parametrize(
    ("kind", "debian", "says", "never"),
    [
        ("native-linux", True, "sudo scripts/provision-engine base-image", "Proxies"),
        ("native-linux", False, "docker load -i", "provision-engine"),  # Fedora, Arch, ...
        ("docker-desktop", True, "Settings > Resources > Proxies", "provision-engine"),  # macOS
        ("wsl2", True, "Settings > Resources > Proxies", "provision-engine"),
        ("remote", True, "where the Engine runs", "provision-engine"),
    ],
)
def test_a_base_image_that_cannot_be_pulled_gets_advice_for_this_platform(
    kind, debian, says, never, tmp_path, monkeypatch
):
    """The Debian-only build script is offered only where it can work, never on macOS or Windows."""
    from types import SimpleNamespace

    from labhelpers import doctor

    marker = tmp_path / "debian_version"
    if debian:
        marker.write_text("12.8\n")
    monkeypatch.setattr(doctor, "DEBIAN_MARKER", str(marker))
    facts = SimpleNamespace(platform_kind=kind)
    advice = doctor._base_image_advice("python:3.13-slim", "missing", facts)
    assert says in advice and never not in advice
    assert "`docker pull python:3.13-slim`" in advice
    setting = doctor._base_image_advice("course-base", "setting", facts)
    assert "LAB_BASE_IMAGE" in setting and "provision-engine" not in setting
