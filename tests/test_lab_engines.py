"""scripts/lab-engines: the Engine matrix beside the machine's own, each on its own socket, each
seeing the course's folders at the same paths; safe to run twice or wrongly (names checked before
any rm, the machine's docker CLI left alone, no restart policy, $HOME not shared); and how the test
runner picks what to compare."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tools import engines

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "lab-engines"


def test_the_script_is_valid_bash_and_names_each_socket():
    assert subprocess.run(["bash", "-n", str(SCRIPT)]).returncode == 0
    host = subprocess.run([str(SCRIPT), "host", "28-containerd"], capture_output=True, text=True)
    assert host.stdout.strip() == "unix:///run/lab-engines/28-containerd/docker.sock"
    usage = subprocess.run([str(SCRIPT)], capture_output=True, text=True)
    assert usage.returncode == 2 and "start NAME" in usage.stdout


def test_the_runner_compares_outputs_only_on_the_reference_kind_of_engine():
    kind = engines.reference_kind()
    assert kind[0] and kind[2] in ("containerd", "graph driver")
    same = engines.Engine("x", None, f"{kind[0]}.9.9", kind[1], kind[2])
    other = engines.Engine("y", None, "20.10.24", "overlay2", "graph driver")
    assert same.kind == kind
    assert other.kind != kind or kind == ("20", "overlay2", "graph driver")


def _running(host: str) -> str | None:
    done = subprocess.run(
        ["docker", "-H", host, "info", "--format", "{{json .}}"], capture_output=True, text=True
    )
    return host if done.returncode == 0 else None


# The Engine 28s of the matrix LABHELPERS_ENGINES names (each maybe mapped to a socket of one's
# own: 28-containerd=unix:///run/lab-engines/pl-28-containerd/docker.sock); never one it does not
# name (another worker's, say).
MATRIX_28 = {e.host: e.name for e in engines.named() if e.name.startswith("28-") and e.host}


@pytest.mark.per_engine
def test_a_matrix_engine_is_what_its_name_says_and_sees_the_course(engine):
    """The Engine under test (DOCKER_HOST), when the matrix names it as an Engine 28: each
    track checks its own Engine, and no other track's (they take snapshots meanwhile)."""
    host = os.environ.get("DOCKER_HOST", "")
    name = MATRIX_28.get(host)
    if name is None:
        pytest.skip(f"the Engine under test ({host or 'the default'}) is no matrix Engine 28")
    if _running(host) is None:
        pytest.skip(f"{name} is not running here (scripts/lab-engines start {name})")
    info = json.loads(
        subprocess.run(
            ["docker", "-H", host, "info", "--format", "{{json .}}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert info["ServerVersion"].startswith("28.")
    status = dict(tuple(pair) for pair in info.get("DriverStatus") or [])
    if name.endswith("containerd"):
        assert "io.containerd.snapshotter" in status.get("driver-type", "")
    else:
        assert info["Driver"] == "overlay2"
    code = (
        "from labhelpers.engine import engine_locality\n"
        "import labhelpers as lh\n"
        "lh.echo_commands(False)\n"
        "place = engine_locality(sys.argv[1])\n"
        "print(place.files_here, place.folders_shared)\n"
    )
    env = dict(os.environ, DOCKER_HOST=host, LABHELPERS_MODE="live")
    done = subprocess.run(
        [sys.executable, "-c", "import sys\n" + code, str(ROOT / "notebooks")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # in a container of its own, its files are not here, but the course's folders are shared
    assert done.stdout.split() == ["False", "True"], done.stderr


# --- safe to run twice or wrongly (issue 24) ----------------------------------------------------

OUTER_HOST = os.environ.get("LAB_OUTER_DOCKER_HOST", "unix:///var/run/docker.sock")
# Where a docker CLI looks for plugins for every user of the machine (besides ~/.docker/cli-plugins)
CLI_PLUGINS = (
    "/usr/local/lib/docker/cli-plugins",
    "/usr/local/libexec/docker/cli-plugins",
    "/usr/lib/docker/cli-plugins",
    "/usr/libexec/docker/cli-plugins",
)
NO_IMAGE = "lab-engines-test/no-such-image:none"  # so that no base image is loaded: quick


def _fake_docker(folder: Path) -> Path:
    """A `docker` that only notes that it was called."""
    fake = folder / "bin" / "docker"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "docker $*" >> {folder / "calls"}\nexit 1\n')
    fake.chmod(0o755)
    return fake.parent


@pytest.mark.parametrize("command", ["start", "stop", "purge", "prepare", "host"], ids=lambda c: c)
@pytest.mark.parametrize(
    "name", ["../docker", "..", ".", "", "a/../../docker", "-rf", "Big", "a b", "x" * 49, "system"]
)
def test_a_name_that_is_no_engine_name_is_refused_before_anything_runs(command, name, tmp_path):
    fakes = _fake_docker(tmp_path)
    env = dict(os.environ, PATH=f"{fakes}:{os.environ['PATH']}")
    done = subprocess.run([str(SCRIPT), command, name], capture_output=True, text=True, env=env)
    assert done.returncode == 1
    said = ("is not an Engine name", "'system' names the machine's", "unknown option -rf")
    assert any(words in done.stderr for words in said), done.stderr
    assert not (tmp_path / "calls").exists(), "docker was called with a bad name"


def _why_no_root_engines() -> str:
    if os.geteuid() != 0:
        return "needs root (it starts Engines and writes /var/lib/lab-engines)"
    for tool in ("docker", "unshare", "make", "flock"):
        if shutil.which(tool) is None:
            return f"no {tool} here"
    outer = subprocess.run(["docker", "-H", OUTER_HOST, "version"], capture_output=True)
    if outer.returncode != 0:
        return f"the machine's own Engine ({OUTER_HOST}), which runs lab-engines, does not answer"
    return ""


root_engines = pytest.mark.skipif(bool(_why_no_root_engines()), reason=_why_no_root_engines())


@root_engines
def test_purge_never_leaves_the_data_folder():
    """`purge ../x` and `purge LINK` (a link in /var/lib/lab-engines to elsewhere): nothing goes."""
    canary = Path(f"/var/lib/lab-engines-canary-{os.getpid()}")
    link = Path(f"/var/lib/lab-engines/scripts-link{os.getpid()}")
    canary.mkdir()
    (canary / "keep").write_text("mine")
    Path("/var/lib/lab-engines").mkdir(exist_ok=True)
    link.symlink_to(canary)
    try:
        for name in (f"../{canary.name}", link.name):
            done = subprocess.run([str(SCRIPT), "purge", name], capture_output=True, text=True)
            assert done.returncode == 1, done.stderr
            assert (canary / "keep").read_text() == "mine"
        assert "outside /var/lib/lab-engines" in done.stderr
    finally:
        link.unlink()
        shutil.rmtree(canary)


def _digest(folders) -> dict:
    """Every file of FOLDERS with its sha256 (None for a folder that does not exist)."""
    seen = {}
    for folder in map(Path, folders):
        if not folder.is_dir():
            seen[str(folder)] = None
            continue
        for path in sorted(folder.rglob("*")):
            seen[str(path)] = (
                hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
            )
    return seen


def _outer(*args: str) -> str:
    return subprocess.run(
        ["docker", "-H", OUTER_HOST, *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def throwaway_engine():
    """An Engine 28 started with `make engines` for a user whose $HOME is outside the checkout and
    /tmp, with every CLI plugins folder of the machine hidden behind an empty file system of this
    test's own (a mount namespace), so that what `make engines` would put there shows."""
    name = f"scripts-test{os.getpid()}-28-overlay2"
    home = Path(tempfile.mkdtemp(prefix="lab-engines-home-", dir="/var/tmp"))
    present = [folder for folder in CLI_PLUGINS if Path(folder).is_dir()]
    before = _digest(CLI_PLUGINS)
    hide = "".join(f"mount -t tmpfs lab-engines-test {folder}\n" for folder in present)
    script = (
        f"set -e\n{hide}"
        f"make -s -C {ROOT} engines ENGINES={name}\n"
        f"find {' '.join(CLI_PLUGINS)} -mindepth 1 2>/dev/null || true\n"
    )
    env = dict(os.environ, HOME=str(home), LAB_BASE_IMAGE=NO_IMAGE, LAB_OFFLINE_IMAGE=NO_IMAGE)
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "bash", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    try:
        assert done.returncode == 0, done.stderr[-2000:]
        box = json.loads(_outer("container", "inspect", f"lab-engine-{name}"))[0]
        yield {"name": name, "home": home, "box": box, "made": done, "before": before, "env": env}
    finally:
        subprocess.run([str(SCRIPT), "purge", name], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


@root_engines
def test_make_engines_changes_nothing_in_the_clis_plugins(throwaway_engine):
    made = throwaway_engine["made"]  # its output ends with what `find` saw in the plugin folders
    assert [word for word in made.stdout.split() if word.startswith(CLI_PLUGINS)] == []
    assert _digest(CLI_PLUGINS) == throwaway_engine["before"]
    assert "lab-engines buildx" in made.stderr  # says how to have BuildKit builds, if wanted


@root_engines
def test_an_engine_restarts_after_a_reboot_only_when_asked(throwaway_engine):
    name, env = throwaway_engine["name"], throwaway_engine["env"]
    box = f"lab-engine-{name}"
    assert throwaway_engine["box"]["HostConfig"]["RestartPolicy"]["Name"] in ("no", "")
    policy = "{{.HostConfig.RestartPolicy.Name}}"
    for extra, expected in ((["--restart"], "unless-stopped"), ([], "no")):
        subprocess.run(
            [str(SCRIPT), "start", name, *extra], env=env, check=True, capture_output=True
        )
        assert _outer("container", "inspect", "-f", policy, box).strip() == expected


@root_engines
def test_an_engine_shares_the_checkout_and_tmp_but_not_home(throwaway_engine):
    name, home = throwaway_engine["name"], str(throwaway_engine["home"])
    sources = {mount["Source"] for mount in throwaway_engine["box"]["Mounts"]}
    assert not [s for s in sources if s == home or s.startswith(home + "/")]
    own = {f"/run/lab-engines/{name}", f"/var/lib/lab-engines/{name}", "/sys/fs/cgroup"}
    shared = {s for s in sources if s not in own and not s.startswith(f"/run/lab-engines/{name}/")}
    assert shared == {str(ROOT), "/tmp"}


@root_engines
def test_purge_deletes_only_that_engines_container_and_folders(throwaway_engine):
    name = throwaway_engine["name"]
    # folders whose names begin with NAME: what a careless `rm -rf FOLDER/NAME*` would take too
    neighbours = [
        Path(f"{folder}/{name}-keep") for folder in ("/var/lib/lab-engines", "/run/lab-engines")
    ]
    for folder in neighbours:
        folder.mkdir()
        (folder / "keep").write_text("mine")
    try:
        done = subprocess.run([str(SCRIPT), "purge", name], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert not Path(f"/var/lib/lab-engines/{name}").exists()
        assert not Path(f"/run/lab-engines/{name}").exists()
        box = ["docker", "-H", OUTER_HOST, "container", "inspect", f"lab-engine-{name}"]
        assert subprocess.run(box, capture_output=True).returncode != 0
        assert [(folder / "keep").read_text() for folder in neighbours] == ["mine", "mine"]
    finally:
        for folder in neighbours:
            shutil.rmtree(folder, ignore_errors=True)
