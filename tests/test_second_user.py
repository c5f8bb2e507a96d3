"""Two OS users, one Engine (a family laptop, a lab machine, a shared server): each one's lab work
carries their own owner mark (USER@HOST), so one user's cleanup removes only theirs.

Played for real: the test makes two throwaway accounts that may use the Engine's socket, starts a
lab session as each (a container with a volume, from the lab's image, through the package's API),
then runs `python -m labhelpers cleanup` as the first. The second user's container and volume are
still there with the same ids, and so is everything of the test runner's own."""

from __future__ import annotations

import grp
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import docker_cli

pytestmark = pytest.mark.engine


def _socket() -> Path | None:
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    parsed = urlparse(host)
    return Path(parsed.path) if parsed.scheme == "unix" else None


@pytest.fixture
def two_users(engine):
    """Two accounts in the group that may use this Engine's socket; removed with their homes."""
    if os.geteuid() != 0:
        pytest.skip("making two OS users needs root (CI runs as root)")
    if not (shutil.which("useradd") and shutil.which("runuser")):
        pytest.skip("needs useradd and runuser (util-linux, passwd)")
    socket = _socket()
    if socket is None or not socket.exists():
        pytest.skip("the Engine is not on a local socket: its users are not this machine's")
    gid = socket.stat().st_gid
    if gid == 0:
        pytest.skip(f"{socket} belongs to group root: only root may use it here")
    group = grp.getgrgid(gid).gr_name
    tag = uuid.uuid4().hex[:6]
    users = [f"labt{tag}a", f"labt{tag}b"]
    for user in users:
        subprocess.run(["useradd", "--create-home", "-G", group, user], check=True)
    try:
        python = _their_python(users[0])
        if python is None:
            pytest.skip(
                f"no Python {sys.version_info[0]}.{sys.version_info[1]} that another user may "
                f"run ({sys.executable} is private to its owner)"
            )
        yield users, python
    finally:
        for user in users:
            subprocess.run(["pkill", "-u", user], check=False)
            subprocess.run(["userdel", "--remove", user], check=False, capture_output=True)


def _run_as(user: str, python: str, code: str) -> subprocess.CompletedProcess:
    """Run Python CODE as USER, with a login's environment of their own (their home and state
    folder, the Engine this test uses), this run's packages and the checkout's labhelpers."""
    home = f"/home/{user}"
    env = {
        "HOME": home,
        "PATH": os.environ["PATH"],
        "DOCKER_HOST": os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock"),
        "PYTHONPATH": f"{Path(__file__).resolve().parents[1]}:{sysconfig.get_path('purelib')}",
    }
    return subprocess.run(
        ["runuser", "-u", user, "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()),
         python, "-c", code],
        capture_output=True, text=True, cwd=home, timeout=300,
    )  # fmt: skip


def _their_python(user: str) -> str | None:
    """This run's Python if USER may run it, else the system's of the same version (a venv's
    interpreter is often a link into its owner's home), else None."""
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for python in (sys.executable, f"/usr/bin/python{version}"):
        if Path(python).exists() and _run_as(user, python, "import docker").returncode == 0:
            return python
    return None


def _as(user: str, python: str, code: str) -> str:
    done = _run_as(user, python, code)
    assert done.returncode == 0, f"as {user}: {done.stdout}\n{done.stderr}"
    return done.stdout


_START = """
import json, labhelpers as lh
from labhelpers.core.labels import owner
lh.echo_commands(False)
lh.create_volume("{name}-vol")
lh.run_container("{name}-box", image="{image}", mounts=[lh.volume_mount("{name}-vol", "/data")])
lh.write_data("{name}-box", 1, path="/data/one.bin")
print(json.dumps({{"owner": owner()}}))
"""


CLEANUP = "import sys, labhelpers.__main__ as m; sys.exit(m.main(['cleanup']))"


def _ids(name: str, image: str) -> dict[str, str]:
    """The ids of NAME's container and volume ("" when gone) and the checksum of its data."""

    def one(*args: str) -> str:
        found = docker_cli(*args, check=False)
        return found.stdout.strip() if found.returncode == 0 else ""

    return {
        "container": one("container", "inspect", "-f", "{{.Id}}", f"{name}-box"),
        "volume": one("volume", "inspect", "-f", "{{.CreatedAt}}", f"{name}-vol"),
        "data": one("run", "--rm", "-v", f"{name}-vol:/data:ro", "--network", "none",
                    image, "sha256sum", "/data/one.bin"),
    }  # fmt: skip


def test_a_second_users_lab_work_survives_the_first_users_cleanup(two_users, lesson_image):
    users, python = two_users
    first, second = users
    image = lesson_image
    names = {user: f"lab-{user}" for user in users}
    mine = f"t2u-{first[:-1]}-runner"
    docker_cli("volume", "create", mine)  # the test runner's own, unmarked
    try:
        started = {u: _as(u, python, _START.format(name=names[u], image=image)) for u in users}
        owners = {user: json.loads(said)["owner"] for user, said in started.items()}
        assert owners[first].startswith(first + "@") and owners[second].startswith(second + "@")
        image_id = docker_cli("image", "inspect", "-f", "{{.Id}}", lesson_image).stdout
        before = _ids(names[second], lesson_image)
        assert all(before.values()), before

        said = _as(first, python, CLEANUP)

        gone = _ids(names[first], lesson_image)
        assert gone["container"] == "" and gone["volume"] == "", said
        assert _ids(names[second], lesson_image) == before, said  # same container, volume, bytes
        # the runner's own volume and the lab's image (built by the runner) are untouched
        assert docker_cli("volume", "inspect", mine, check=False).returncode == 0
        assert docker_cli("image", "inspect", "-f", "{{.Id}}", lesson_image).stdout == image_id
    finally:
        for name in names.values():
            docker_cli("rm", "-f", "-v", f"{name}-box", check=False)
            docker_cli("volume", "rm", "-f", f"{name}-vol", check=False)
        docker_cli("volume", "rm", "-f", mine, check=False)
