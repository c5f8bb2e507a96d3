"""Tests talk to a real Docker Engine; pure-logic tests need none.

Markers (pyproject.toml registers them):
    engine   the test needs a Docker Engine. Given automatically to every test that uses one of
             the Engine fixtures below; the pipeline (noxfile.py) runs these only when an
             Engine answers (`-m "not engine"` runs the rest).
    slow     takes more than a few seconds (builds, many containers, whole notebooks).
    faults   tests/test_faults.py: stops Engines, interrupts kernels, fills a disk; the `faults`
             phase runs them once, on one Engine (the `unit` and `engine` phases leave them out).
    binder   the Binder stand-in: a fresh virtual environment from binder/ only.
    classroom  deploy/ (tests/test_classroom.py): runs only when selected with -m classroom.

Every Engine test is checked for leftovers: a test that leaves a resource carrying this session's
lab labels fails (and the leftovers are removed so the next test starts clean).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import labhelpers as lh
from labhelpers.core.labels import MANAGED, is_mine, mark
from labhelpers.core.sessions import SESSION_ID
from labhelpers.engine import SESSION, lab_resources
from labhelpers.engine.connection import why_unavailable
from labhelpers.engine.names import course_name

ENGINE_FIXTURES = {"engine", "no_leftovers", "lesson_image", "my_image"}


def _engine_of_this_worker() -> None:
    """The pipeline's aside track spreads the Engine tests over pytest-xdist workers, each on an
    Engine of its own of the same kind (LABHELPERS_WORKER_HOSTS, one socket a worker, in order;
    noxfile.py's `aside`), so that tests which take snapshots of their Engine never see another
    worker's containers. Set before any test runs (the lab connects on first use)."""
    hosts = os.environ.get("LABHELPERS_WORKER_HOSTS", "").split()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not hosts or not worker.startswith("gw"):
        return
    host, given = hosts[int(worker[2:]) % len(hosts)], os.environ.get("DOCKER_HOST", "")
    os.environ["DOCKER_HOST"] = host
    engines = os.environ.get("LABHELPERS_ENGINES", "")
    if given and engines:  # the matrix names this worker's Engine where it named the given one
        os.environ["LABHELPERS_ENGINES"] = engines.replace(f"={given}", f"={host}")


def pytest_configure(config) -> None:
    """Tests never read the lab's remembered choices of this machine (which names the course
    uses on an Engine, which sessions live): each test run starts a state folder of its own. A
    pytest-xdist worker of the aside track takes its own Engine."""
    import tempfile

    os.environ["LABHELPERS_STATE_DIR"] = tempfile.mkdtemp(prefix="labhelpers-test-state-")
    _engine_of_this_worker()


# Tests that run the whole course: its last notebook cleans up every resource with the lab's
# label, the images the other tests share included, so they run after everything else.
WHOLE_COURSE = ("test_twins.py",)
# What differs by Engine: modules whose Engine tests assert each storage driver's, image store's,
# builder's or version's own figures, messages or choices. The pipeline runs these on every
# Engine of the matrix (marker `per_engine`), every other Engine test on the reference Engine
# only: the same API answers the same there, and each Engine's live run of the notebooks covers
# those lessons end to end.
PER_ENGINE = {
    "test_bad_input.py",  # the Engine's own error messages, fed into the lab's
    "test_build.py",  # classic builder or BuildKit
    "test_cleanup_lesson.py",  # system df by image store
    "test_containers.py",  # writable-layer sizes by image store
    "test_doctor.py",  # storage driver, version
    "test_drivers.py",  # storage and volume drivers
    "test_exercises_01.py",  # image sizes by image store
    "test_exercises_02.py",  # disk blocks on the containerd store
    "test_exercises_03.py",  # the same
    "test_layers.py",  # history, saved configs and builds by builder and store
    "test_lifecycle.py",  # system df by image store
    "test_named_volumes.py",  # volume sizes by image store
    "test_sessions.py",  # each session's delta, whole blocks on containerd
    "test_setup.py",  # the data root, the doctor's report
    "test_writable.py",  # upper directories and sizes by driver and store
}


def pytest_collection_modifyitems(config, items: list) -> None:
    for item in items:
        if ENGINE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.engine)
        if item.path.name in PER_ENGINE:
            item.add_marker(pytest.mark.per_engine)
    items.sort(key=lambda item: item.path.name in WHOLE_COURSE)  # stable: the rest keep order
    # The classroom (a hub, an Engine per learner, minutes of work) runs only when asked for by
    # name (`-m classroom`), never as part of another phase's selection.
    if "classroom" not in (config.getoption("markexpr") or ""):
        skipped = [item for item in items if item.get_closest_marker("classroom")]
        if skipped:
            config.hook.pytest_deselected(items=skipped)
            items[:] = [item for item in items if not item.get_closest_marker("classroom")]


@pytest.fixture(autouse=True)
def _quiet_commands():
    lh.echo_commands(False)
    yield
    lh.echo_commands(True)


@pytest.fixture
def engine():
    """Fails the test with the lab's own message when no Engine answers."""
    problem = why_unavailable()
    if problem is not None:
        pytest.fail(f"this test needs a Docker Engine:\n{problem}", pytrace=False)
    return True


SHARED_IMAGE = "lab-test-image"  # built once per run by the `lesson_image` fixture


@pytest.fixture
def no_leftovers(engine):
    """Fail the test if it leaves a resource labelled with this session behind.

    Tests clean up after themselves (usually `cleanup(eng.SESSION)` at the end); this
    fixture only checks, then removes what is left so the next test starts clean.
    """
    yield
    left = remove_leftovers()
    if left:
        pytest.fail(f"the test left lab resources behind: {left}", pytrace=False)


def remove_leftovers() -> tuple:
    """Remove what this session's tests left in the Engine; return (kind, name) of each."""
    left = tuple((item.kind, item.name) for item in lab_resources(SESSION))
    for kind, name in left:
        args = ("rm", "-f", "-v", name) if kind == "container" else (kind, "rm", "-f", name)
        docker_cli(*args, check=False)
    return left


def docker_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the real docker CLI, the way a learner would."""
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check)


# The test harness's own Engines (scripts/lab-engines runs each as a container `lab-engine-NAME`
# on the machine's Engine): other phases and other work start and stop them at any time, so a
# snapshot of "everything on the Engine" leaves them out.
HARNESS_ENGINES = "lab-engine-"


def containers_snapshot() -> list[str]:
    """Every container on the Engine as "ID NAME STATE", sorted, the harness's Engines left out."""
    lines = docker_cli(
        "ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.State}}"
    ).stdout.splitlines()
    return sorted(line for line in lines if not line.split()[1].startswith(HARNESS_ENGINES))


def volumes_snapshot() -> list[str]:
    """Every volume as "NAME DRIVER", sorted, the harness's Engines' data volumes left out (the
    faults session starts an Engine of its own, with a small disk, on the machine's Engine)."""
    lines = docker_cli("volume", "ls", "--format", "{{.Name}} {{.Driver}}").stdout.splitlines()
    return sorted(line for line in lines if not line.startswith(HARNESS_ENGINES))


def make_room_for(kind: str, name: str) -> None:
    """Before a test makes a learner's own KIND NAME (no lab label): a leftover of the lab's own
    by that name (an earlier course run's `my-image`, say) is removed; anything else of that name
    is someone's, and the test is skipped, saying so (never touch a learner's)."""
    inspect = ("inspect", "--type", "container") if kind == "container" else (kind, "inspect")
    labels = "{{json .Config.Labels}}" if kind in ("container", "image") else "{{json .Labels}}"
    found = docker_cli(*inspect, "-f", labels, name, check=False)
    if found.returncode != 0:
        return
    labels = json.loads(found.stdout or "null") or {}
    if labels.get(MANAGED, "") != mark(kind, name) or not is_mine(labels):
        pytest.skip(f"this Engine already has a {kind} {name} of someone's: not the test's to use")
    remove = {
        "container": ("rm", "-f", "-v"),
        "image": ("image", "rm", "-f"),
        "volume": ("volume", "rm", "-f"),
        "network": ("network", "rm"),
    }[kind]
    docker_cli(*remove, name)


def in_another_session(code: str, *argv: str) -> None:
    """Run Python `code` as another lab session (its resources are not this session's)."""
    env = dict(os.environ, LABHELPERS_SESSION=f"{SESSION_ID}-shared")
    subprocess.run([sys.executable, "-c", code, *argv], env=env, check=True, capture_output=True)


@pytest.fixture(scope="session")
def my_image():
    """`my-image`, as the exercises' solutions and the notebooks use it: built (in another lab
    session, like `lesson_image`) if the Engine lacks it; it stays, as the notebooks leave it.
    Its name as this Engine has it (`lab-my-image` when a prefix is in play), for the CLI."""
    name = course_name("my-image", "image")
    if docker_cli("image", "inspect", name, check=False).returncode != 0:
        in_another_session("import labhelpers as lh; lh.ensure_lesson_image()")
    return name


@pytest.fixture(scope="session")
def lesson_image(tmp_path_factory):
    """The lesson's image, built once for the whole run and removed at the end.

    It is built by another process (another lab session), so a test's own session cleanup
    leaves it alone while it still counts as the lab's.
    """
    context = tmp_path_factory.mktemp("my-app")
    code = (
        "import sys, labhelpers as lh\n"
        "from labhelpers.engine import build_image\n"
        "lh.write_lesson_files(sys.argv[1])\n"
        "build_image(sys.argv[1], tag=sys.argv[2])\n"
    )
    in_another_session(code, str(context), SHARED_IMAGE)
    yield SHARED_IMAGE  # the lab maps it (`lab-lab-test-image` with a prefix); the CLI needs:
    docker_cli("image", "rm", "-f", course_name(SHARED_IMAGE, "image"), check=False)
