"""The classroom (deploy/, issue 25): a JupyterHub where each learner has the course and a Docker
Engine of their own, on a real server Engine.

The server's Engine is a private one (scripts/lab-engines start classroom-ci, or the one
CLASSROOM_TEST_ENGINE names), so this test runs beside the other phases and "the server's Engine
as it was before" is checked where nothing else works. Three learners (CLASSROOM_TEST_LEARNERS
changes how many) sign in, start their servers and run notebooks 00, 01 and 02 at the same time
through the hub and their Jupyter servers' APIs (deploy/drive.py); then isolation, the scope of a
learner's cleanup, culling, and `classroom.py down`.

Run it alone: `pytest -m classroom tests/test_classroom.py` (it needs root, as scripts/lab-engines
does, and deploy/requirements/render.txt installed for the Kubernetes part). The figures it
measures go to build/classroom/measurements-N.json (N learners) and into the test's output.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "deploy"))
import classroom  # noqa: E402  (deploy/ is not a package: it is the instructor's folder)

pytestmark = pytest.mark.classroom

ENGINE = os.environ.get("CLASSROOM_TEST_ENGINE", "classroom-ci")
CLASS = "classroom-test"
LEARNERS = ("ann", "bob", "cem", "dan", "eve", "fay")[
    : int(os.environ.get("CLASSROOM_TEST_LEARNERS", "3"))
]
PASSWORD = secrets.token_hex(12)
NOTEBOOKS = (
    "notebooks/00-check-your-lab.ipynb",
    "notebooks/01-image-layers.ipynb",
    "notebooks/02-writable-layer.ipynb",
)
CULL_TIMEOUT_S = 60
CULL_EVERY_S = 10
BASE = "labhelpers/python-base:bookworm"
MEASUREMENTS = REPO / "build" / "classroom"


def docker(*args: str, check: bool = True) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def server_engine_snapshot() -> dict:
    """Everything on the server's Engine, by id: what `down` must leave as it found it."""
    return {
        "containers": sorted(docker("ps", "-a", "-q", "--no-trunc").split()),
        "volumes": sorted(docker("volume", "ls", "-q").split()),
        "networks": sorted(docker("network", "ls", "-q", "--no-trunc").split()),
        "images": sorted(docker("image", "ls", "-a", "-q", "--no-trunc").split()),
    }


def loop_devices_of_engines() -> list[str]:
    """The machine's loop devices that back a learner Engine's disk (deploy's engine.ext4)."""
    listed = subprocess.run(["losetup", "-a"], capture_output=True, text=True).stdout
    return sorted(line for line in listed.splitlines() if "engine-disk/engine.ext4" in line)


def server(learner: str) -> str:
    return f"{CLASS}-server-{learner}"


def engine(learner: str) -> str:
    return f"{CLASS}-engine-{learner}"


def as_learner(learner: str, script: str, check: bool = True) -> str:
    """A shell command in the learner's server, as the learner (uid 1000, their environment):
    what their terminal in JupyterLab runs."""
    return docker(
        "exec",
        "-u",
        "1000",
        "-w",
        "/home/jovyan/course/notebooks",
        server(learner),
        "bash",
        "-c",
        script,
        check=check,
    )


def in_engine_netns(learner: str, script: str) -> str:
    """Python in the network namespace of the learner's Engine, where any container the learner
    runs with `--network host` in their Engine would be."""
    return docker("exec", engine(learner), "python3", "-c", script, check=False)


def engine_inventory(learner: str) -> dict:
    """The learner's Engine, as they see it: ids of containers, volumes, images."""
    listing = as_learner(
        learner,
        "docker ps -a -q --no-trunc; echo --; docker volume ls -q; echo --; "
        "docker image ls -a -q --no-trunc; echo --; docker ps -a --format '{{.Names}}'; "
        "echo --; docker image ls --format '{{.Repository}}'",
    )
    containers, volumes, images, names, repos = (part.split() for part in listing.split("--\n"))
    return {
        "containers": sorted(containers),
        "volumes": sorted(volumes),
        "images": sorted(images),
        "container_names": sorted(names),
        "image_repos": sorted(repos),
    }


def keep_active(*learners: str) -> None:
    """Tell the hub these learners are active now (as their servers do while they work), so the
    idle culler leaves them alone while the test inspects them from outside."""
    now = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    for learner in learners:
        classroom.hub_api(
            CLASS,
            "POST",
            f"/users/{learner}/activity",
            {"last_activity": now, "servers": {"": {"last_activity": now}}},
        )


def cgroup_peak_bytes(container: str) -> int | None:
    """Peak memory of a container (cgroup v1 memory.max_usage_in_bytes: page cache included),
    read from the machine's cgroup tree; None where that tree is laid out otherwise."""
    cid = docker("inspect", "-f", "{{.Id}}", container).strip()
    path = Path(f"/sys/fs/cgroup/memory/docker/{cid}/memory.max_usage_in_bytes")
    return int(path.read_text()) if path.exists() else None


def cgroup_cpu_seconds(container: str) -> float | None:
    """CPU time a container used so far (cgroup v1 cpuacct.usage: its Engine's containers, which
    nest below it, included); None where the machine's cgroup tree is laid out otherwise."""
    cid = docker("inspect", "-f", "{{.Id}}", container).strip()
    path = Path(f"/sys/fs/cgroup/cpuacct/docker/{cid}/cpuacct.usage")
    return round(int(path.read_text()) / 1e9, 1) if path.exists() else None


def allocated_bytes(container: str, path: str) -> int:
    """Disk blocks used below `path` in a container (a sparse file counts what is written)."""
    return int(docker("exec", container, "du", "-s", "-B1", path).split()[0])


@pytest.fixture(scope="module")
def server_engine():
    """The server's Engine: a private Engine in a container (scripts/lab-engines)."""
    was_running = subprocess.run(
        [str(REPO / "scripts/lab-engines"), "host", ENGINE], capture_output=True, text=True
    ).stdout.strip()
    socket = was_running.removeprefix("unix://")
    running_before = os.path.exists(socket) and (
        subprocess.run(["docker", "-H", was_running, "version"], capture_output=True).returncode
        == 0
    )
    started = time.monotonic()
    host = subprocess.run(
        [str(REPO / "scripts/lab-engines"), "start", ENGINE],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    engine_start_s = time.monotonic() - started
    saved = os.environ.get("DOCKER_HOST")
    os.environ["DOCKER_HOST"] = host
    try:
        yield {"host": host, "start_s": engine_start_s}
    finally:
        if saved is None:
            os.environ.pop("DOCKER_HOST", None)
        else:
            os.environ["DOCKER_HOST"] = saved
        if not running_before:  # its data (the images built) stays for the next run
            subprocess.run([str(REPO / "scripts/lab-engines"), "stop", ENGINE], check=False)


@pytest.fixture(scope="module")
def lesson(server_engine):
    """Build (or reuse) the images, start the class, and play the learners through notebooks
    00-02 at the same time. Yields what the checks and the measurements need."""
    measured: dict = {"learners": len(LEARNERS), "engine_start_s": server_engine["start_s"]}
    classroom.down(CLASS)  # what an interrupted earlier run left, by its label only
    started = time.monotonic()
    tags = classroom.build()
    measured["build_s"] = round(time.monotonic() - started, 1)
    before = server_engine_snapshot()
    loops_before = loop_devices_of_engines()
    hub_started = time.time()
    assert (
        classroom.main(
            [
                "--name",
                CLASS,
                "up",
                "--bind",
                "127.0.0.1",
                "--engine-socket",
                "/run/lab-engine/docker.sock",  # as lab-engines runs it
                "--auth",
                "dummy-for-tests",
                "--test-password",
                PASSWORD,
                "--cull-timeout",
                str(CULL_TIMEOUT_S),
                "--cull-every",
                str(CULL_EVERY_S),
                "--activity-interval",
                "10",
            ]
        )
        == 0
    )
    measured["hub_up_s"] = round(time.time() - hub_started, 1)
    args = ["--password", PASSWORD]
    for learner in LEARNERS:
        args += ["--learner", learner]
    for notebook in NOTEBOOKS:
        args += ["--notebook", notebook]
    report = classroom.drive(CLASS, args)
    learners = report["learners"]
    measured["hub_start_to_first_ready_s"] = round(
        min(result.get("ready_at", float("inf")) for result in learners.values()) - hub_started, 1
    )
    measured["notebooks_00_02_s"] = {
        name: round(sum(nb["seconds"] for nb in result["notebooks"]), 1)
        for name, result in learners.items()
    }
    measured["per_notebook_s"] = {
        name: {Path(nb["path"]).stem[:2]: nb["seconds"] for nb in result["notebooks"]}
        for name, result in learners.items()
    }
    measured["all_learners_s"] = report["seconds"]
    context = {
        "tags": tags,
        "before": before,
        "loops_before": loops_before,
        "report": report,
        "measured": measured,
        "down": False,
    }
    try:
        yield context
    finally:
        if not context["down"]:
            classroom.down(CLASS)
        MEASUREMENTS.mkdir(parents=True, exist_ok=True)
        out = MEASUREMENTS / f"measurements-{len(LEARNERS)}.json"
        out.write_text(json.dumps(measured, indent=1) + "\n")
        print(f"\nclassroom measurements ({out}):\n{json.dumps(measured, indent=1)}")


def test_every_learner_runs_notebooks_00_to_02_at_the_same_time_without_error(lesson):
    learners = lesson["report"]["learners"]
    assert sorted(learners) == sorted(LEARNERS)
    for name, result in learners.items():
        assert "failure" not in result, f"{name}: {result.get('failure')}"
        ran = [nb["path"] for nb in result["notebooks"]]
        assert ran == list(NOTEBOOKS), f"{name} ran {ran}"
        for nb in result["notebooks"]:
            assert nb["cells"] > 5, f"{name}: {nb['path']} ran only {nb['cells']} cells"
            assert nb["errors"] == [], f"{name}: {nb['path']}: {nb['errors']}"
            assert nb["stderr"] == [], f"{name}: {nb['path']} wrote to stderr: {nb['stderr']}"
    # at the same time: every learner's notebook 01 ran while every other's did
    windows = [
        (result["notebooks"][1]["started_at"], result["notebooks"][1]["ended_at"])
        for result in learners.values()
    ]
    assert max(start for start, _ in windows) < min(end for _, end in windows), windows


def test_measure_memory_and_disk_per_learner(lesson):
    measured = lesson["measured"]
    measured["peak_memory_bytes"] = {
        learner: {
            "server": cgroup_peak_bytes(server(learner)),
            "engine": cgroup_peak_bytes(engine(learner)),
        }
        for learner in LEARNERS
    }
    measured["hub_peak_memory_bytes"] = cgroup_peak_bytes(f"{CLASS}-hub")
    measured["cpu_s"] = {
        learner: {
            "server": cgroup_cpu_seconds(server(learner)),
            "engine": cgroup_cpu_seconds(engine(learner)),
        }
        for learner in LEARNERS
    }
    measured["hub_cpu_s"] = cgroup_cpu_seconds(f"{CLASS}-hub")
    measured["disk_bytes"] = {
        learner: {
            "engine_data": allocated_bytes(engine(learner), "/var/lib/engine-disk"),
            "home": allocated_bytes(server(learner), "/home/jovyan"),
        }
        for learner in LEARNERS
    }
    keep_active(*LEARNERS)
    for learner in LEARNERS:
        limits = docker(
            "inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}", engine(learner)
        )
        assert limits.split() == [str(2 * 1024**3), str(10**9)], limits
        # the Engine's disk is the size the class gave it (10 GB), whatever the server's is
        size = as_learner(learner, f"docker run --rm {BASE} df -B1 --output=size / | tail -1")
        assert 9.5e9 < int(size) < 11e9, size


def test_the_driver_sees_a_failing_cell(lesson):
    """The check above could pass by not looking: a cell that raises must be reported."""
    report = classroom.drive(
        CLASS,
        ["--password", PASSWORD, "--learner", LEARNERS[0], "--code", "raise ValueError('seen')"],
    )
    errors = report["learners"][LEARNERS[0]]["code"][0]["errors"]
    assert errors and errors[0]["ename"] == "ValueError", report


def test_each_learner_has_an_engine_of_their_own_and_reaches_no_other(lesson):
    if len(LEARNERS) < 2:
        pytest.skip("isolation needs two learners")
    keep_active(*LEARNERS)
    server_id = docker("info", "-f", "{{.ID}}").strip()
    ids = {learner: as_learner(learner, "docker info -f '{{.ID}}'").strip() for learner in LEARNERS}
    assert len(set(ids.values())) == len(LEARNERS), ids
    assert server_id not in ids.values()
    # each learner makes a container, a volume and an image of their own, named after them
    for learner in LEARNERS:
        as_learner(
            learner,
            f"docker volume create --label owner={learner} mine-{learner} >/dev/null && "
            f"printf 'FROM {BASE}\\nLABEL owner={learner}\\n' | "
            f"docker build -q -t mine-{learner} - >/dev/null && "
            f"docker create --name mine-{learner} mine-{learner} true >/dev/null",
        )
    for learner in LEARNERS:
        seen = engine_inventory(learner)
        mine = {f"mine-{other}" for other in LEARNERS}
        assert mine & set(seen["volumes"]) == {f"mine-{learner}"}, seen
        assert mine & set(seen["container_names"]) == {f"mine-{learner}"}, seen
        assert mine & set(seen["image_repos"]) == {f"mine-{learner}"}, seen
        # no Docker socket in the learner's server but their own Engine's
        sockets = as_learner(
            learner,
            "find / \\( -path /proc -o -path /sys \\) -prune -o -type s -print 2>/dev/null || :",
        )
        assert sockets.split() == ["/run/engine/docker.sock"], sockets
    keep_active(*LEARNERS)
    # The network: a learner's server has no route to any Engine but through its socket, and
    # no Engine reaches another's (inter-container traffic is off on the Engines' network).
    first, second = LEARNERS[0], LEARNERS[1]
    as_learner(second, f"docker run -d --name listener -p 8080:8000 {BASE} python3 -m http.server")
    ip_of = {
        learner: docker(
            "inspect",
            "-f",
            "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
            engine(learner),
        ).strip()
        for learner in LEARNERS
    }
    # One attempt for a connection that must fail (refused at once, or dropped: 3 s); a few
    # for the control that must succeed (the listener may still be starting).
    probe = (
        "import socket, sys, time\n"
        "host, port, tries = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])\n"
        "for _ in range(tries):\n"
        "    try:\n"
        "        socket.create_connection((host, port), timeout=3).close(); print('open'); break\n"
        "    except OSError as exc: reason = type(exc).__name__; time.sleep(0.5)\n"
        "else: print('closed', reason)\n"
    )

    def reach(where: str, host: str, port: int, tries: int = 1) -> str:
        """'open' or 'closed REASON': a TCP connection from a learner's server ("ann") or from
        the network namespace of a learner's Engine ("engine:ann")."""
        if where.startswith("engine:"):
            command = ["exec", engine(where[7:])]
        else:
            command = ["exec", "-u", "1000", server(where)]
        keep_active(*LEARNERS)
        return docker(*command, "python3", "-c", probe, host, str(port), str(tries)).strip()

    # control: the listener answers inside its own Engine's namespace
    assert reach(f"engine:{second}", "127.0.0.1", 8080, tries=10) == "open"
    assert reach(first, ip_of[second], 8080).startswith("closed")
    assert reach(f"engine:{first}", ip_of[second], 8080).startswith("closed")
    hub_gateway = docker(
        "network", "inspect", "-f", "{{(index .IPAM.Config 0).Gateway}}", f"{CLASS}-hub"
    ).strip()
    for port in (2375, 2376):  # the Docker API over TCP, plain and TLS: nobody listens
        assert reach(f"engine:{first}", ip_of[second], port).startswith("closed")
        assert reach(f"engine:{first}", hub_gateway, port).startswith("closed")
        assert reach(first, hub_gateway, port).startswith("closed")
        assert reach(first, ip_of[second], port).startswith("closed")
    keep_active(*LEARNERS)


def test_a_learners_cleanup_touches_nothing_of_the_others(lesson):
    if len(LEARNERS) < 2:
        pytest.skip("needs two learners")
    keep_active(*LEARNERS)
    first, others = LEARNERS[0], LEARNERS[1:]
    before = {learner: engine_inventory(learner) for learner in others}
    mine_before = engine_inventory(first)
    assert "my-image" in mine_before["image_repos"], mine_before
    as_learner(first, "python3 -m labhelpers cleanup")
    mine_after = engine_inventory(first)
    assert "my-image" not in mine_after["image_repos"], "cleanup removed nothing"
    assert f"mine-{first}" in mine_after["volumes"], "cleanup removed the learner's own volume"
    for learner in others:
        assert engine_inventory(learner) == before[learner], (
            f"{first}'s cleanup changed {learner}'s"
        )
    keep_active(*LEARNERS)


def test_the_doctor_names_the_learners_own_engine(lesson):
    learner = LEARNERS[0]
    keep_active(*LEARNERS)
    said = as_learner(learner, "python3 -m labhelpers doctor 2>&1", check=False)
    keep_active(*LEARNERS)
    assert engine(learner) in said, said


def test_an_idle_learner_is_culled_and_their_engine_stops(lesson):
    idle, active = LEARNERS[-1], LEARNERS[:-1]
    deadline = time.monotonic() + CULL_TIMEOUT_S + 4 * CULL_EVERY_S + 60
    started = time.monotonic()
    while True:
        keep_active(*active)
        servers = classroom.hub_api(CLASS, "GET", f"/users/{idle}")["servers"]
        if not servers:
            break
        assert time.monotonic() < deadline, f"{idle} was not culled: {servers}"
        time.sleep(3)
    lesson["measured"]["culled_after_s"] = round(time.monotonic() - started, 1)
    time.sleep(2)
    states = docker(
        "ps",
        "-a",
        "--filter",
        f"label=io.labhelpers.classroom={CLASS}",
        "--format",
        "{{.Names}} {{.State}}",
    )
    assert engine(idle) not in states, f"{idle}'s Engine still there:\n{states}"
    assert server(idle) not in states
    for learner in active:
        assert f"{engine(learner)} running" in states, states
        assert f"{server(learner)} running" in states, states
    # their work stays: the volumes go only with `reset` or `down`
    volumes = docker(
        "volume", "ls", "-q", "--filter", f"label=io.labhelpers.classroom-learner={idle}"
    )
    assert sorted(volumes.split()) == sorted(
        f"{CLASS}-{kind}-{idle}" for kind in ("engine", "home", "socket")
    )


def test_down_leaves_the_server_engine_as_it_was(lesson):
    started = time.monotonic()
    classroom.down(CLASS)
    lesson["down"] = True
    lesson["measured"]["down_s"] = round(time.monotonic() - started, 1)
    assert server_engine_snapshot() == lesson["before"]
    assert loop_devices_of_engines() == lesson["loops_before"]


# ----------------------------------------------------------------- Kubernetes (offline, no cluster)

KUBERNETES = REPO / "deploy" / "kubernetes"


def rendered(*overlays: str, learner: str = "ann") -> tuple[dict, dict]:
    """The pod and home claim KubeSpawner makes for a learner from the values (render.py)."""
    pytest.importorskip("kubespawner", reason="pip install -r deploy/requirements/render.txt")
    sys.path.insert(0, str(KUBERNETES))
    import render

    files = [KUBERNETES / "values.yaml", *(KUBERNETES / name for name in overlays)]
    return render.render(files, learner)


def containers_of(pod: dict) -> dict[str, dict]:
    return {container["name"]: container for container in pod["spec"]["containers"]}


def mounts_of(container: dict) -> dict[str, str]:
    return {mount["mountPath"]: mount["name"] for mount in container.get("volumeMounts", [])}


def env_of(container: dict) -> dict[str, str]:
    return {item["name"]: item.get("value") for item in container.get("env", [])}


def test_kubernetes_pod_has_the_course_and_an_engine_of_its_own_beside_it():
    pod, _ = rendered()
    containers = containers_of(pod)
    assert sorted(containers) == ["engine", "notebook"], sorted(containers)
    course, engine_ = containers["notebook"], containers["engine"]
    assert course["image"].split("/", 1)[1].startswith("labhelpers/classroom-course:")
    assert engine_["image"].split("/", 1)[1].startswith("labhelpers/classroom-engine:")
    # the learner's DOCKER_HOST is the socket their own Engine makes, in a volume of this pod only
    assert env_of(course)["DOCKER_HOST"] == "unix:///run/engine/docker.sock"
    assert env_of(engine_)["ENGINE_SOCKET_DIR"] == "/run/engine"
    socket_volume = mounts_of(course)["/run/engine"]
    assert mounts_of(engine_)["/run/engine"] == socket_volume
    volumes = {volume["name"]: volume for volume in pod["spec"]["volumes"]}
    assert volumes[socket_volume] == {"name": socket_volume, "emptyDir": {}}
    # the Engine's socket is group-owned by the learner's group (the pod's fsGroup, their gid)
    assert env_of(engine_)["ENGINE_SOCKET_GID"] == str(pod["spec"]["securityContext"]["fsGroup"])
    assert course["securityContext"]["runAsUser"] == 1000
    assert course["securityContext"]["allowPrivilegeEscalation"] is False
    assert env_of(course)["LABHELPERS_CLASSROOM"]
    assert "jupyter-ann" in env_of(course)["LABHELPERS_ENGINE"]


def test_kubernetes_pod_mounts_nothing_of_the_node():
    for overlay in ((), ("values-sysbox.yaml",)):
        pod, _ = rendered(*overlay)
        for volume in pod["spec"]["volumes"]:
            assert set(volume) & {"emptyDir", "persistentVolumeClaim"}, volume
            assert "hostPath" not in volume, volume
        text = json.dumps(pod)
        assert "/var/run/docker.sock" not in text and "/run/docker.sock" not in text
        assert not pod["spec"].get("hostNetwork") and not pod["spec"].get("hostPID")


def test_kubernetes_pod_limits_and_storage():
    pod, claim = rendered()
    containers = containers_of(pod)
    course = containers["notebook"]["resources"]
    assert course["limits"] == {"cpu": 1.0, "memory": 1024**3}, course
    engine_ = containers["engine"]["resources"]
    assert engine_["limits"] == {"cpu": "1", "memory": "2Gi", "ephemeral-storage": "11Gi"}
    assert set(engine_["requests"]) == {"cpu", "memory", "ephemeral-storage"}
    # the Engine's data: the pod's own storage, of a bounded size, gone with the pod
    data = mounts_of(containers["engine"])["/var/lib/engine-disk"]
    volumes = {volume["name"]: volume for volume in pod["spec"]["volumes"]}
    assert volumes[data]["emptyDir"] == {"sizeLimit": "10Gi"}
    assert env_of(containers["engine"])["ENGINE_DISK_GB"] == "0"  # the sizeLimit is the limit
    # the learner's home: a claim of their own, at the same path in both containers
    home = mounts_of(containers["notebook"])["/home/jovyan"]
    assert mounts_of(containers["engine"])["/home/jovyan"] == home
    assert volumes[home]["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
    assert claim["metadata"]["name"] == "claim-ann"
    assert claim["spec"]["resources"]["requests"]["storage"] == "2Gi"


def test_kubernetes_learners_share_nothing():
    ann, ann_claim = rendered(learner="ann")
    bob, bob_claim = rendered(learner="bob")
    assert ann["metadata"]["name"] != bob["metadata"]["name"]
    assert ann_claim["metadata"]["name"] != bob_claim["metadata"]["name"]
    shared = {"persistentVolumeClaim"}
    claims = [
        {v["persistentVolumeClaim"]["claimName"] for v in pod["spec"]["volumes"] if shared & set(v)}
        for pod in (ann, bob)
    ]
    assert not claims[0] & claims[1], claims


def test_kubernetes_engine_is_privileged_only_without_sysbox():
    pod, _ = rendered()
    engine_ = containers_of(pod)["engine"]
    assert engine_["securityContext"]["privileged"] is True
    assert not containers_of(pod)["notebook"]["securityContext"].get("privileged")
    sysbox, _ = rendered("values-sysbox.yaml")
    assert sysbox["spec"]["runtimeClassName"] == "sysbox-runc"
    for container in containers_of(sysbox).values():
        assert not container.get("securityContext", {}).get("privileged"), container["name"]
    # the overlay replaced the sidecar whole (Helm replaces lists): still the same Engine
    assert containers_of(sysbox)["engine"]["image"] == engine_["image"]
    assert mounts_of(containers_of(sysbox)["engine"]) == mounts_of(engine_)
