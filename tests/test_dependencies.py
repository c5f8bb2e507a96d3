"""One source of dependencies: pyproject.toml declares them, requirements/lock.txt pins them for
every supported Python, binder/requirements.txt and environment.yml are made from the lock
(`python -m tools.lock`). Offline, these tests check that the files agree; the one marked `index`
asks the package index whether every locked package installs, from wheels, on every supported
Python (the floor included) and platform."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from tools import lock

try:
    import tomllib  # novermin (3.11+; tomli below on 3.10)
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package (the test extras)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# A learner's machine, as markers see it: Linux and WSL, a Mac (Apple silicon), plain Windows.
PLATFORMS = {
    "linux": {"sys_platform": "linux", "os_name": "posix", "platform_system": "Linux",
              "platform_machine": "x86_64"},
    "macos": {"sys_platform": "darwin", "os_name": "posix", "platform_system": "Darwin",
              "platform_machine": "arm64"},
    "windows": {"sys_platform": "win32", "os_name": "nt", "platform_system": "Windows",
                "platform_machine": "AMD64"},
}  # fmt: skip
# uv's names for the same machines (what `uv pip install --python-platform` takes)
UV_PLATFORMS = {
    "linux": "x86_64-manylinux_2_28",
    "macos": "aarch64-apple-darwin",
    "windows": "x86_64-pc-windows-msvc",
}
TEST_TOOLS = {"pytest", "ruff", "playwright", "pytest-playwright", "hypothesis", "nox", "vermin"}


def _machines():
    """(python, platform, marker environment) for every supported Python, at its first and a
    late patch release (a marker may split a minor version: soupsieve does at 3.11.5)."""
    for python in lock.SUPPORTED:
        for patch in ("0", "30"):
            for platform, markers in PLATFORMS.items():
                env = {
                    "python_version": python,
                    "python_full_version": f"{python}.{patch}",
                    "implementation_name": "cpython",
                    "platform_python_implementation": "CPython",
                    **markers,
                }
                yield f"{python}.{patch}", platform, env


def _chosen(pins: list[lock.Pin], env: dict) -> dict[str, str]:
    """name -> version of the pins that apply on that machine; a name twice is an error."""
    chosen: dict[str, str] = {}
    for pin in pins:
        if pin.marker and not Marker(pin.marker).evaluate(env):
            continue
        where = env["python_full_version"]
        assert pin.name not in chosen, f"{pin.name} is pinned twice for Python {where}"
        chosen[pin.name] = pin.version
    return chosen


def _declared(extras: list[str]) -> list[Requirement]:
    """pyproject's requirements of the learner's set and of those extras (self-references out)."""
    lines = list(PROJECT["dependencies"])
    for extra in extras:
        lines += PROJECT["optional-dependencies"][extra]
    return [r for r in map(Requirement, lines) if lock.canonical(r.name) != "labhelpers"]


LOCKED = lock.pins(lock.LOCK.read_text())
BINDER = lock.pins(lock.BINDER.read_text())


@pytest.mark.parametrize("python,platform,env", list(_machines()), ids=lambda v: str(v)[:10])
def test_lock_pins_every_declared_package_within_its_bounds(python, platform, env):
    """Every requirement of every set (learner, test, browser, lint, dev), on every supported
    Python and platform, is pinned once and the pin satisfies pyproject's bounds."""
    chosen = _chosen(LOCKED, env)
    for requirement in _declared(list(PROJECT["optional-dependencies"])):
        if requirement.marker and not requirement.marker.evaluate({**env, "extra": ""}):
            continue
        name = lock.canonical(requirement.name)
        assert name in chosen, (
            f"{name} (pyproject.toml) is not in requirements/lock.txt for Python {python} on "
            f"{platform}: run `python -m tools.lock`"
        )
        assert requirement.specifier.contains(chosen[name], prereleases=True), (
            f"the lock pins {name}=={chosen[name]}, outside pyproject's {requirement.specifier}: "
            "run `python -m tools.lock`"
        )


@pytest.mark.parametrize("python,platform,env", list(_machines()), ids=lambda v: str(v)[:10])
def test_binder_requirements_are_the_learner_set_at_the_lock_versions(python, platform, env):
    binder, locked = _chosen(BINDER, env), _chosen(LOCKED, env)
    for requirement in _declared([]):
        assert lock.canonical(requirement.name) in binder, requirement.name
    for name, pinned in binder.items():
        assert locked.get(name) == pinned, (
            f"binder/requirements.txt pins {name}=={pinned}, the lock {locked.get(name)}: "
            "run `python -m tools.lock`"
        )
    assert not TEST_TOOLS & set(binder), "no test tool in the learner's set"


def test_environment_yml_is_made_from_pyproject():
    assert lock.CONDA.read_text() == lock.environment_yml(PROJECT["requires-python"]), (
        "environment.yml differs from what `python -m tools.lock` writes: run it"
    )


def test_the_files_say_how_they_are_made():
    for path in (lock.LOCK, lock.BINDER):
        assert f"#    {lock.COMMAND}\n" in path.read_text()[:200], path


def test_supported_pythons_match_pyproject():
    floor = PROJECT["requires-python"]
    assert floor == f">={lock.FLOOR}"
    assert all(python in SpecifierSet(floor) for python in lock.SUPPORTED)
    classifiers = {c.rsplit(" :: ", 1)[1] for c in PROJECT["classifiers"] if "Python :: 3." in c}
    assert classifiers == set(lock.SUPPORTED)
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip().removeprefix("python-")
    assert runtime in lock.SUPPORTED


def test_docker_sdk_is_bounded_below_its_next_major_release():
    """engine/ reaches into private internals of the SDK: a major release may move them."""
    (docker,) = [r for r in _declared([]) if r.name == "docker"]
    assert "7.2" in docker.specifier and "8.0" not in docker.specifier


def test_one_version_number_and_a_licence_for_code_and_prose():
    import labhelpers

    text = (ROOT / "pyproject.toml").read_text()
    assert "version" in PROJECT["dynamic"] and "version" not in PROJECT
    assert 'version = {attr = "labhelpers.__version__"}' in text
    assert labhelpers.__version__.count(".") == 2
    assert PROJECT["license"] == "MIT AND CC-BY-4.0"
    assert set(PROJECT["license-files"]) == {"LICENSE", "LICENSE-prose.md"}
    assert all((ROOT / name).is_file() for name in PROJECT["license-files"])


def test_the_learner_set_installed_here_is_the_locked_one():
    """The test environments start from binder/requirements.txt: what they test is what a
    learner gets."""
    env = {
        "python_version": f"{sys.version_info.major}.{sys.version_info.minor}",
        "python_full_version": ".".join(map(str, sys.version_info[:3])),
        "implementation_name": sys.implementation.name,
        **PLATFORMS[{"darwin": "macos", "win32": "windows"}.get(sys.platform, "linux")],
    }
    for requirement in _declared([]):
        name = lock.canonical(requirement.name)
        try:
            installed = version(name)
        except PackageNotFoundError:
            pytest.skip(f"{name} is not installed here")
        assert installed == _chosen(BINDER, env)[name], (
            f"{name} {installed} is installed, the lock says {_chosen(BINDER, env)[name]}"
        )


def _index_or_skip(uv: str) -> None:
    """Skip offline, unless CI asks for this test (LABHELPERS_REQUIRE_INDEX=1): then fail."""
    probe = subprocess.run(
        [uv, "pip", "compile", "-", "--quiet", "--no-header", "--refresh-package", "six"],
        input="six\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    if probe.returncode != 0:
        reason = "the package index is not reachable: " + probe.stderr.strip().splitlines()[-1]
        if os.environ.get("LABHELPERS_REQUIRE_INDEX") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.mark.index
@pytest.mark.slow
def test_every_locked_package_installs_from_wheels_on_every_supported_python(tmp_path):
    """What `pip install` would do on a learner's machine, for each supported Python and
    platform, asked of the package index without installing (wheels only: a package that would
    need compiling on the learner's machine is a failure)."""
    uv = str(Path(sys.executable).with_name("uv"))
    uv = uv if Path(uv).exists() else shutil.which("uv")
    if not uv:
        pytest.skip("uv is not installed here (the test extras install it)")
    _index_or_skip(uv)
    failures = []
    for python in lock.SUPPORTED:
        for platform, triple in UV_PLATFORMS.items():
            done = subprocess.run(
                [uv, "pip", "install", "--dry-run", "--only-binary", ":all:",
                 "--python-version", python, "--python-platform", triple,
                 "--target", str(tmp_path / f"{python}-{platform}"), "-r", str(lock.LOCK)],
                capture_output=True,
                text=True,
                timeout=600,
            )  # fmt: skip
            where = f"Python {python} on {platform}"
            if done.returncode != 0:
                failures.append(f"{where}:\n{done.stderr.strip()}")
                continue
            # the lock is closed: the install it would make is the lock's pins, nothing more
            would = dict(
                line.strip()[2:].split("==", 1)
                for line in done.stderr.splitlines()
                if line.startswith(" + ")
            )
            env = next(e for p, pl, e in _machines() if p == f"{python}.0" and pl == platform)
            locked = _chosen(LOCKED, env)
            extra = {n: v for n, v in would.items() if locked.get(lock.canonical(n)) != v}
            if extra:
                failures.append(f"{where}: would install, beyond the lock: {extra}")
    assert not failures, "\n\n".join(failures)
