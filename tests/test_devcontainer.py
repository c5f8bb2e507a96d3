"""The dev container (.devcontainer/): its set-up runs on a stand-in, and the course passes in it.

Codespaces (or VS Code) builds the container from devcontainer.json: the devcontainers Python
image (Debian 12), the docker-in-docker feature (a dockerd of the container's own), then the
postCreateCommand as the user `vscode`. This machine reaches no container registry, so neither
the image nor the feature can be pulled. The stand-in, on the machine's own Engine:

- an image built here from Debian 12 packages (debootstrap: python3, python3-venv, make, git,
  docker.io, iptables, ca-certificates, procps) with a user `vscode` (uid 1000) in the `docker`
  group, cached as STAND_IN_IMAGE (about 2 minutes once; a second run reuses it);
- run with the capability set scripts/lab-engines gives its Engines (`--privileged` fails here),
  a clean copy of the repository at /workspaces/docker-storage-lab (tracked and untracked files,
  not ignored ones: no .venv, no build/), /var/lib/docker on a folder of its own (the feature puts
  it on a volume), the host's CA bundle and pip configuration passed in (read from this machine,
  never written into the project);
- dockerd started inside, as the feature's entrypoint does, and the lesson's base image moved in
  (`docker save | docker load`: the inner Engine cannot pull either);
- the postCreateCommand run exactly as devcontainer.json names it, as `vscode`, from the
  workspace; then nbval into that .venv and every notebook live under it against the inner
  Engine (`pytest --nbval-lax notebooks`), as `vscode`.

What it does not prove:

- the real image: Python 3.12 built into /usr/local there, Debian's 3.11 here; its extra tools;
- the real feature: Docker CE (moby) of the day there, started by its docker-init.sh; Debian's
  docker.io 20.10 started by hand here (so nbval compares no outputs, only that every cell runs);
- Codespaces itself: building from devcontainer.json, `privileged`, port forwarding, the browser
  hook `make lab` opens JupyterLab with, VS Code's extensions and interpreter setting;
- pulls from Docker Hub inside the container (the base image is loaded, not pulled).

It runs once, on the machine's own Engine (in the Engine matrix it skips the matrix's Engines),
in about 5 minutes (2 more the first time, to build the image). A safety audit of that live run
(the `safety` phase) is left to `make test`, which runs it on every Engine of the matrix.
LABHELPERS_SKIP_DEVCONTAINER_TEST=1 skips it.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".devcontainer" / "devcontainer.json"
WORKSPACE = "/workspaces/docker-storage-lab"
PACKAGES = "python3,python3-venv,make,git,docker.io,iptables,ca-certificates,procps"
STAND_IN_IMAGE = "labhelpers/devcontainer-stand-in:bookworm"
# A change to how the image is made changes this label, and the cached image is rebuilt
RECIPE = hashlib.sha256(f"bookworm {PACKAGES} vscode:1000:docker".encode()).hexdigest()[:12]
BASE_IMAGES = ("python:3.13-slim", "labhelpers/python-base:bookworm")  # as scripts/lab-engines
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
CA_INSIDE = "/usr/local/share/host-ca/ca-certificates.crt"
# nbval for the live run inside, as pyproject.toml's test extra asks for it, beside the learner's
# set pinned as the course is tested (paths from the workspace)
NBVAL = ("nbval>=0.11", "pytest>=8")
PINS = "binder/requirements.txt"
SANITIZE = "tests/nbval-sanitize.cfg"
# scripts/lab-engines: every capability but CAP_SYS_RESOURCE, unconfined, all devices
DIND = [
    "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE",
    "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
    "--security-opt", "systempaths=unconfined", "--device-cgroup-rule", "a *:* rwm",
    "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw", "--tmpfs", "/run",
]  # fmt: skip


def devcontainer_config() -> dict:
    """devcontainer.json as data (JSON with comments: `//` and `/* */` outside strings)."""
    text = CONFIG.read_text()
    pattern = r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/'
    plain = re.sub(pattern, lambda m: m[0] if m[0].startswith('"') else "", text, flags=re.S)
    return json.loads(plain)


def test_the_dev_container_has_an_engine_the_course_and_jupyterlab():
    config = devcontainer_config()
    assert "bookworm" in config["image"] and "python" in config["image"]
    assert any("/docker-in-docker:" in feature for feature in config["features"])
    script = ROOT / config["postCreateCommand"]
    assert script.parent.name == ".devcontainer" and os.access(script, os.X_OK)
    steps = script.read_text()
    assert "set -euo pipefail" in steps and "make install" in steps
    assert ".venv/bin/python -m labhelpers lab --settings-only" in steps
    assert 8888 in config["forwardPorts"]  # JupyterLab's port (`make lab`)
    extensions = config["customizations"]["vscode"]["extensions"]
    assert {"ms-python.python", "ms-toolsai.jupyter"} <= set(extensions)


def _run(argv: list, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert done.returncode == 0, f"{argv[:5]} failed:\n{(done.stdout + done.stderr)[-6000:]}"
    return done


def _piped(producer: list, consumer: list, timeout: float = 300) -> None:
    """PRODUCER | CONSUMER, both must succeed."""
    with subprocess.Popen(producer, stdout=subprocess.PIPE) as source:
        done = subprocess.run(
            consumer, stdin=source.stdout, capture_output=True, text=True, timeout=timeout
        )
        source.stdout.close()
    assert source.returncode == 0 and done.returncode == 0, f"{producer[:3]} | {consumer[:3]}"


def _image_label(image: str) -> str | None:
    template = "{{index .Config.Labels " + '"io.labhelpers.stand-in"' + "}}"
    done = subprocess.run(
        ["docker", "image", "inspect", "-f", template, image], capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else None


def _ensure_stand_in_image() -> None:
    """Build STAND_IN_IMAGE from Debian packages, as scripts/lab-engines builds its Engines'."""
    if _image_label(STAND_IN_IMAGE) == RECIPE:
        return
    if os.getuid() != 0 or shutil.which("debootstrap") is None:
        pytest.skip(f"building {STAND_IN_IMAGE} needs root and debootstrap")
    with tempfile.TemporaryDirectory(prefix="devcontainer-stand-in.") as root:
        argv = ["debootstrap", "--variant=minbase", f"--include={PACKAGES}", "bookworm", root]
        _run(argv, timeout=900)
        argv = ["useradd", "--create-home", "--uid", "1000", "--groups", "docker"]
        _run(["chroot", root, *argv, "--shell", "/bin/bash", "vscode"])
        _run(["sh", "-c", f"rm -rf {root}/var/cache/apt/archives/*.deb {root}/var/lib/apt/lists/*"])
        path = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        changes = ["--change", f"ENV {path}"]
        changes += ["--change", f"LABEL io.labhelpers.stand-in={RECIPE}"]
        _piped(["tar", "-C", root, "-c", "."], ["docker", "import", *changes, "-", STAND_IN_IMAGE])


def _clean_copy(target: Path) -> Path:
    """The repository as a fresh clone would have it (plus files not committed yet): what git
    tracks or would track, never what it ignores (.venv, build/, caches)."""
    listed = subprocess.run(
        ["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0, f"git ls-files failed: {listed.stderr}"
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if name.startswith(".venv") or not source.exists():  # a local link, a deleted file
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name, follow_symlinks=False)
    for folder, _, files in os.walk(target):  # the workspace is the user's, as in a Codespace
        for path in [folder, *(os.path.join(folder, f) for f in files)]:
            os.chown(path, 1000, 1000, follow_symlinks=False)
    return target


def _local_paths(value: str) -> list[str]:
    """The local files and folders a pip setting names (find-links, file:// indexes, ...)."""
    found = []
    for word in value.split():
        path = Path(urlparse(word).path if word.startswith("file://") else word)
        if path.is_absolute() and path.exists():
            # a PEP 503 index in a folder `simple` links to files beside it (../../files/...)
            found.append(str(path.parent if path.name == "simple" else path))
    return found


def _pip_passthrough() -> list[str]:
    """`docker run` options that give pip inside what pip has here: the CA bundle, and the
    machine's pip configuration (files and PIP_* variables) as PIP_* variables, with the local
    paths it names mounted read-only at the same place."""
    options = []
    if HOST_CA.is_file():
        options += ["-v", f"{HOST_CA}:{CA_INSIDE}:ro"]
        options += ["-e", f"PIP_CERT={CA_INSIDE}", "-e", f"REQUESTS_CA_BUNDLE={CA_INSIDE}"]
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True
    ).stdout
    settings = {}
    for line in listed.splitlines():  # global.find-links='/opt/wheels', :env:.timeout='60'
        key, _, value = line.partition("=")
        name = key.rpartition(".")[2]
        if name and value and name != "cert":
            settings[f"PIP_{name.upper().replace('-', '_')}"] = ast.literal_eval(value)
    mounted = set()
    for variable, value in settings.items():
        options += ["-e", f"{variable}={value}"]
        for path in _local_paths(value):
            if path not in mounted:
                mounted.add(path)
                options += ["-v", f"{path}:{path}:ro"]
    return options


@contextlib.contextmanager
def _stage(name: str, times: dict):
    started = time.perf_counter()
    yield
    times[name] = time.perf_counter() - started
    print(f"devcontainer stand-in: {name}: {times[name]:.0f} s", flush=True)


def _inside(box: str, *argv: str, user: str = "root", timeout: float = 300):
    """Run ARGV in the container BOX from the workspace; its CompletedProcess."""
    argv = ["docker", "exec", "-u", user, "-w", WORKSPACE, box, *argv]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("LABHELPERS_SKIP_DEVCONTAINER_TEST") == "1",
    reason="LABHELPERS_SKIP_DEVCONTAINER_TEST=1",
)
def test_the_post_create_command_installs_the_course_and_it_passes_live_inside(engine, tmp_path):
    if "/run/lab-engines/" in os.environ.get("DOCKER_HOST", ""):
        pytest.skip("runs once, on the machine's own Engine, not on each Engine of the matrix")
    base = next((i for i in BASE_IMAGES if _image_label(i) is not None), None)
    if base is None:
        pytest.skip(f"no base image ({' or '.join(BASE_IMAGES)}): run scripts/provision-engine")
    times: dict = {}
    with _stage("stand-in image", times):
        _ensure_stand_in_image()
    box = f"lab-devcontainer-stand-in-{os.getpid()}"
    data = tmp_path / "var-lib-docker"
    data.mkdir()
    try:
        with _stage("copy and start", times):
            workspace = _clean_copy(tmp_path / "workspace")
            argv = ["docker", "run", "-d", "--name", box, "--label", "io.labhelpers.stand-in=run"]
            argv += [*DIND, "-v", f"{data}:/var/lib/docker", "-v", f"{workspace}:{WORKSPACE}"]
            _run([*argv, *_pip_passthrough(), STAND_IN_IMAGE, "sleep", "infinity"])
        with _stage("dockerd inside", times):
            # what the docker-in-docker feature's entrypoint does when the container starts
            _run(["docker", "exec", "-d", box, "sh", "-c", "dockerd >/var/log/dockerd.log 2>&1"])
            deadline = time.monotonic() + 60
            while _inside(box, "docker", "version").returncode != 0:
                if time.monotonic() > deadline:
                    log = _inside(box, "tail", "-n", "30", "/var/log/dockerd.log").stdout
                    pytest.fail(f"dockerd did not answer inside within 60 s:\n{log}")
                time.sleep(1)
        with _stage(f"load {base}", times):
            _piped(["docker", "save", base], ["docker", "exec", "-i", box, "docker", "load"])
        with _stage("postCreateCommand", times):
            command = devcontainer_config()["postCreateCommand"]
            argv = ["/bin/sh", "-c", command] if isinstance(command, str) else command
            done = _inside(box, *argv, user="vscode", timeout=1200)
            assert done.returncode == 0, f"{command} failed:\n{(done.stdout + done.stderr)[-6000:]}"
            settings = ".venv/share/jupyter/lab/settings/overrides.json"
            overrides = json.loads((workspace / settings).read_text())
            assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
        with _stage("notebooks live", times):
            # nbval into the dev container's .venv (make install gives the learner's set only),
            # then every notebook live, outputs not compared (Debian's Engine 20.10 inside)
            tools = [".venv/bin/python", "-m", "pip", "install", "-q", *NBVAL, "-c", PINS]
            done = _inside(box, *tools, user="vscode", timeout=600)
            assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
            argv = [".venv/bin/python", "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax"]
            argv += ["--nbval-current-env", "--nbval-sanitize-with", SANITIZE, "notebooks"]
            done = _inside(box, *argv, user="vscode", timeout=3600)
            summary = done.stdout.strip().splitlines()[-1:] or ["(no output)"]
            print(f"devcontainer stand-in: {summary[0]}")
            assert done.returncode == 0, (done.stdout + done.stderr)[-8000:]
    finally:
        subprocess.run(["docker", "rm", "-f", "-v", box], capture_output=True)
        shutil.rmtree(data, ignore_errors=True)  # the inner Engine's images; and the .venv:
        shutil.rmtree(tmp_path / "workspace", ignore_errors=True)
        print("devcontainer stand-in: " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items()))
