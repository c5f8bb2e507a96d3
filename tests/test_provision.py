"""scripts/provision-engine: on a provisioned machine it only checks and changes nothing; where
systemd manages the Engine it asks systemd; its logs are private."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "provision-engine"


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("apt-get"), reason="needs root on Debian")
def test_a_second_run_changes_nothing(engine):
    images_before = subprocess.run(
        ["docker", "image", "ls", "-q", "--no-trunc"], capture_output=True, text=True, check=True
    ).stdout
    out = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Docker Engine already answers" in out.stdout
    assert "is present" in out.stdout and "building" not in out.stdout
    images_after = subprocess.run(
        ["docker", "image", "ls", "-q", "--no-trunc"], capture_output=True, text=True, check=True
    ).stdout
    # `docker image ls` orders images created in the same second arbitrarily: compare the sets
    assert sorted(images_after.split()) == sorted(images_before.split())


def test_the_script_is_valid_bash():
    assert subprocess.run(["bash", "-n", str(SCRIPT)]).returncode == 0


# --- where it starts the Engine and where it logs (issue 24), with stand-ins for the tools ------

FAKES = {
    # `docker info` answers once a daemon was started; there is no image; pulls fail
    "docker": """
        [ "$1" = -H ] && shift 2
        echo "docker $*" >> "$FAKE/calls"
        case "$1" in
            info) [ -e "$FAKE/up" ] ;;
            version) echo 99.0 ;;
            *) exit 1 ;;
        esac""",
    "dockerd": """
        echo "dockerd $*" >> "$FAKE/calls"
        echo "fake dockerd: API listen on /var/run/docker.sock"
        touch "$FAKE/up" """,
    # a docker service exists when $FAKE/unit does; starting it starts the daemon
    "systemctl": """
        echo "systemctl $*" >> "$FAKE/calls"
        case "$1" in
            cat) [ -e "$FAKE/unit" ] ;;
            start) touch "$FAKE/up" ;;
        esac""",
    "debootstrap": """
        echo "debootstrap $*" >> "$FAKE/calls"
        for target; do :; done
        mkdir -p "$target/usr/bin"
        echo "E: fake debootstrap: cannot reach the archive"
        exit 1""",
}


@pytest.fixture
def fake_tools(tmp_path):
    """A PATH whose docker, dockerd, systemctl and debootstrap are stand-ins that note their calls
    in calls; temporary folders (TMPDIR) under this test's own."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, body in FAKES.items():
        (folder / name).write_text(f"#!/bin/sh\n{body}\n")
        (folder / name).chmod(0o755)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, PATH=f"{folder}:{os.environ['PATH']}", FAKE=str(tmp_path))
    env["TMPDIR"] = str(scratch)
    return tmp_path, env


def _provision(env, steps: str, timeout: float = 30):
    """Source the script (which then only defines its functions), then run STEPS."""
    code = f'source "$1"\n{steps}'
    return subprocess.run(
        ["bash", "-c", code, "provision-test", str(SCRIPT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def _calls(folder: Path) -> list[str]:
    calls = folder / "calls"
    return calls.read_text().splitlines() if calls.exists() else []


def _private_log(said: str, scratch: Path, name: str) -> Path:
    """The log the script named in SAID: NAME in a folder of its own, only its owner may enter."""
    log = Path(re.search(r"log: (\S+?)\)?$", said, re.M).group(1))
    assert log.name == name and log.parent.parent == scratch
    assert log.parent.stat().st_mode & 0o077 == 0 and log.parent.stat().st_uid == os.getuid()
    return log


def test_without_systemd_dockerd_is_started_and_logs_to_a_private_folder(fake_tools):
    folder, env = fake_tools
    done = _provision(env, "systemd_is_init() { return 1; }\nstart_daemon")
    assert done.returncode == 0, done.stderr
    assert "dockerd is up" in done.stdout
    log = _private_log(done.stdout, Path(env["TMPDIR"]), "dockerd.log")
    assert "fake dockerd: API listen" in log.read_text()
    assert [c for c in _calls(folder) if not c.startswith("docker ")] == ["dockerd "]


def test_where_systemd_manages_the_engine_its_service_is_started_not_a_dockerd(fake_tools):
    folder, env = fake_tools
    (folder / "unit").touch()
    done = _provision(env, "systemd_is_init() { return 0; }\nstart_daemon")
    assert done.returncode == 0, done.stderr
    assert "systemctl start docker" in done.stdout
    assert [c for c in _calls(folder) if not c.startswith("docker ")] == [
        "systemctl cat docker.service",
        "systemctl start docker",
    ]
    assert list(Path(env["TMPDIR"]).iterdir()) == []  # nor a log of a dockerd of its own


def test_with_systemd_but_no_docker_service_dockerd_is_started(fake_tools):
    folder, env = fake_tools
    done = _provision(env, "systemd_is_init() { return 0; }\nstart_daemon")
    assert done.returncode == 0, done.stderr
    assert "dockerd " in _calls(folder) and "systemctl start docker" not in _calls(folder)


def test_a_failed_base_image_build_keeps_its_log_private_and_no_root_filesystem(fake_tools):
    folder, env = fake_tools
    env = dict(env, LAB_BASE_IMAGE="lab-test/none:1", LAB_OFFLINE_IMAGE="lab-test/none:2")
    (folder / "up").touch()
    done = subprocess.run(
        [str(SCRIPT), "base-image"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 1
    assert "debootstrap failed" in done.stderr
    log = _private_log(done.stderr, Path(env["TMPDIR"]), "debootstrap.log")
    assert "fake debootstrap: cannot reach the archive" in log.read_text()
    assert [p.name for p in log.parent.iterdir()] == ["debootstrap.log"]  # the root is gone


@pytest.mark.skipif(os.geteuid() != 0, reason="lab-engines keeps its build locks in /var/lib")
def test_failed_engine_image_builds_keep_their_logs_private_and_no_root_filesystem(fake_tools):
    """Both kinds of Engine at once: their two images are built side by side."""
    _, env = fake_tools
    repo = f"lab-test/engine{os.getpid()}"
    lab_engines = SCRIPT.parent / "lab-engines"
    done = subprocess.run(
        [str(lab_engines), "prepare", "x-28-overlay2", "x-20"],
        capture_output=True,
        text=True,
        env=dict(env, LAB_ENGINE_REPO=repo),
    )
    for suite in ("sid", "bookworm"):
        Path(f"/var/lib/lab-engines/.build-{repo.replace('/', '-')}-{suite}.lock").unlink()
    assert done.returncode == 1
    assert "debootstrap sid failed" in done.stderr and "debootstrap bookworm failed" in done.stderr
    for said in re.findall(r"^.*debootstrap \w+ failed.*$", done.stderr, re.M):
        log = _private_log(said, Path(env["TMPDIR"]), "debootstrap.log")
        assert "fake debootstrap" in log.read_text()
        assert [p.name for p in log.parent.iterdir()] == ["debootstrap.log"]
