"""The pipeline (noxfile.py): which Engines it tests, which it compares strictly, how its tracks
run side by side, and what it says when an Engine or the browser is missing. No Engine needed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import noxfile
from tools import engines
from tools.engines import Engine

ROOT = Path(__file__).resolve().parents[1]
DEAD = "unix:///tmp/labhelpers-no-engine-here.sock"
REFERENCE = ("28", "overlayfs", "containerd")


def _engine(name: str, version: str, store: str, problem: str = "") -> Engine:
    return Engine(name, f"unix:///{name}.sock", version, "overlayfs", store, problem)


def test_each_name_maps_to_its_lab_engines_socket_or_to_the_one_given():
    found = engines.named("system 28-overlay2 lab=unix:///run/lab-engines/pl-20/docker.sock")
    assert [(e.name, e.host) for e in found] == [
        ("system", None),  # the docker CLI's default Engine
        ("28-overlay2", "unix:///run/lab-engines/28-overlay2/docker.sock"),
        ("lab", "unix:///run/lab-engines/pl-20/docker.sock"),
    ]
    mapped = engines.named("system=unix:///run/lab-engines/pl-20/docker.sock")
    assert mapped[0].host == "unix:///run/lab-engines/pl-20/docker.sock"
    assert engines.named("") == [Engine("default", None)]


def test_the_reference_is_the_first_engine_of_the_recordings_kind_else_the_first_answering():
    system = _engine("system", "20.10.24", "graph driver")
    overlay2 = _engine("28-overlay2", "28.5.2", "graph driver")
    containerd = _engine("28-containerd", "28.5.2", "containerd")
    assert engines.reference([system, overlay2, containerd], REFERENCE) is containerd
    assert engines.reference([system, overlay2], REFERENCE) is system
    down = _engine("28-containerd", "", "", problem="not running")
    assert engines.reference([down, system], REFERENCE) is system
    assert engines.reference([down], REFERENCE) is None
    kind = engines.reference_kind()  # what the committed recordings say
    assert kind[0] and kind[2] in ("containerd", "graph driver")


def test_the_tracks_run_each_engines_phases_in_order_and_the_rest_beside_them(monkeypatch):
    system = _engine("system", "20.10.24", "graph driver")
    containerd = _engine("28-containerd", "28.5.2", "containerd")
    monkeypatch.setattr(engines, "reference_kind", lambda: REFERENCE)
    monkeypatch.setattr(noxfile, "engines_of_its_own", lambda: True)
    planned = noxfile.tracks([system, containerd], browser_too=True)
    assert list(planned) == ["checks", "system", "28-containerd", "aside", "browser", "faults"]
    # the browser's replayed half needs no Engine: with the checks
    assert planned["checks"] == ["lint", "pairs", "api", "unit", "replay", "replayed_browser"]
    for name in ("system", "28-containerd"):
        phases = [s.split("(")[0] for s in planned[name]]
        assert phases == ["engine", "live", "drift", "safety", "twins"], phases
    # the shared Engine tests, and the browser's live half, on Engines of their own
    assert planned["aside"] == ["aside"] and planned["faults"] == ["faults"]
    assert planned["browser"] == ["live_browser"]
    # a reference started by scripts/lab-engines: Engines aside of the very same kind run every
    # Engine test of it, and its own track only the live run and what reads it
    lab = Engine(
        "28-containerd",
        "unix:///run/lab-engines/28-containerd/docker.sock",
        "28.5.2",
        "overlayfs",
        "containerd",
        "",
    )
    alike = noxfile.tracks([system, lab], browser_too=True)
    assert [s.split("(")[0] for s in alike["28-containerd"]] == ["live", "drift", "safety", "twins"]
    assert alike["system"][0] == "engine(system)"
    # with no Engine of its own to be had, all of it follows the reference Engine's own track
    monkeypatch.setattr(noxfile, "engines_of_its_own", lambda: False)
    alone = noxfile.tracks([system, containerd], browser_too=True)
    assert list(alone) == ["checks", "system", "28-containerd"]
    assert alone["28-containerd"][-2:] == ["browser", "faults"]
    assert alone["checks"] == ["lint", "pairs", "api", "unit", "replay"]
    without = noxfile.tracks([system], browser_too=False)
    assert not any("browser" in sessions for sessions in without.values())
    # with no Engine: the checks, and the browser's replayed half with them
    assert noxfile.tracks([], browser_too=True) == {
        "checks": ["lint", "pairs", "api", "unit", "replay", "browser"]
    }


def test_the_learner_owned_scenario_runs_on_one_engine_compared_lax(monkeypatch):
    monkeypatch.setattr(engines, "reference_kind", lambda: REFERENCE)
    system = _engine("system", "20.10.24", "graph driver")
    overlay2 = _engine("28-overlay2", "28.5.2", "graph driver")
    containerd = _engine("28-containerd", "28.5.2", "containerd")
    assert noxfile.owned_engine([containerd, system, overlay2]) == "system"
    assert noxfile.owned_engine([containerd]) == "28-containerd"


def _collected(marker: str, *paths: str) -> list[str]:
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only"]
    done = subprocess.run(
        [*argv, "-m", marker, *paths], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    return [line for line in done.stdout.splitlines() if line.startswith("tests/")]


def test_the_faults_the_browser_and_the_binder_stand_in_run_in_their_own_sessions_alone():
    """`unit` and `engine` both select within "not faults and not browser" (and `unit` leaves the
    Binder stand-in to `replay`): none of these is collected there. Two collections, not five."""
    stand_in = "tests/test_binder.py::test_binder_stand_in_replays_every_notebook_with_no_engine"
    alone = ("tests/test_faults.py", "tests/browser", stand_in)
    assert _collected("not faults and not browser and not binder", *alone) == []
    own = _collected("faults or browser or binder", *alone)
    assert len([t for t in own if t.startswith("tests/test_faults.py")]) >= 8, own
    assert len([t for t in own if t.startswith("tests/browser")]) >= 2, own
    assert stand_in in own, own


def _nox(*argv: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LABHELPERS_") and k != "CI"}
    environ[noxfile.TIMINGS_SETTING] = os.devnull  # not into a pipeline's table running meanwhile
    return subprocess.run(
        [sys.executable, "-m", "nox", *argv],
        cwd=ROOT,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_with_no_engine_an_engine_phase_says_so_in_the_labs_words_without_a_traceback():
    done = _nox("-s", "engine(system)", LABHELPERS_ENGINES="system", DOCKER_HOST=DEAD)
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert f"Could not reach a Docker Engine at DOCKER_HOST={DEAD}." in said
    assert "Why: " in said and "What to do: " in said
    assert "Traceback" not in said


def test_drift_and_safety_without_a_live_run_are_skipped_saying_why():
    name = "no-such-run"
    done = _nox("-s", f"drift({name})", f"safety({name})", LABHELPERS_ENGINES=name)
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    for phase in ("drift", "safety"):
        assert f"Session {phase}({name}) skipped: no passed live run on {name} to read" in said


def test_without_chromium_the_browser_is_not_run_and_says_what_to_install(tmp_path):
    """A learner's machine with no browser: skipped, saying why, unless CI asks for it."""
    (tmp_path / "docker").symlink_to(shutil.which("docker"))
    path = os.pathsep.join([str(Path(sys.executable).parent), str(tmp_path)])
    done = _nox("-s", "browser", PATH=path, DOCKER_HOST=DEAD)
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    assert "not run: No Chromium or Chrome found" in said and "apt-get install" in said
    for ci in ({"LABHELPERS_REQUIRE_BROWSER": "1"}, {"CI": "true"}):  # .ci/run's, a CI service's
        required = _nox("-s", "browser", PATH=path, DOCKER_HOST=DEAD, **ci)
        assert required.returncode != 0, ci
        assert "No Chromium or Chrome found" in required.stdout + required.stderr


def test_ci_asks_for_the_browser_and_a_learners_machine_does_not(monkeypatch):
    from tools.browser import browser_required

    for name in ("CI", "LABHELPERS_REQUIRE_BROWSER"):
        monkeypatch.delenv(name, raising=False)
    assert not browser_required()
    monkeypatch.setenv("CI", "true")
    assert browser_required()
    monkeypatch.setenv("LABHELPERS_REQUIRE_BROWSER", "0")  # a CI of one's own without a browser
    assert not browser_required()


def test_make_test_with_no_engine_and_no_browser_plans_the_checks_and_says_what_is_not_run(
    tmp_path, monkeypatch
):
    """`make test` on a learner's machine with no Engine reachable and no Chromium: the pipeline's
    plan (`-- --plan`: what would run, nothing run) keeps the checks, names in one line each the
    Engine phases and the browser pass it cannot run, and passes; an Engine that
    LABHELPERS_ENGINES names (CI's) must answer."""
    (tmp_path / "docker").symlink_to(shutil.which("docker"))
    path = os.pathsep.join([str(Path(sys.executable).parent), str(tmp_path)])
    done = _nox("-s", "pipeline", "--", "--plan", PATH=path, DOCKER_HOST=DEAD)
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    assert "Traceback" not in said
    assert "track checks: lint pairs api unit replay\n" in said
    phases = "engine, live, drift, safety, twins, aside, faults"
    assert f"not run: the Engine phases ({phases}): " in said
    assert f"Could not reach a Docker Engine at DOCKER_HOST={DEAD}." in said
    assert "not run: No Chromium or Chrome found" in said
    down = [_engine("default", "", "", problem="Could not reach a Docker Engine.")]
    monkeypatch.delenv(engines.ENGINES_SETTING, raising=False)
    assert noxfile.not_run(down, "") == [
        "not run: the Engine phases (engine, live, drift, safety, twins, aside, faults): "
        "Could not reach a Docker Engine."
    ]
    monkeypatch.setenv(engines.ENGINES_SETTING, "system")  # named: the pipeline fails it instead
    assert noxfile.not_run(down, "") == []


def test_every_phase_is_a_session():
    done = _nox("-l")
    assert done.returncode == 0, done.stderr
    listed = {line.split()[1] for line in done.stdout.splitlines() if line[:2] in ("* ", "- ")}
    wanted = {"lint", "pairs", "api", "unit", "replay", "faults", "browser", "pipeline"}
    wanted |= {"aside", "replayed_browser", "live_browser"}
    assert wanted <= listed
    assert {"engine(default)", "live(default)", "drift(default)", "twins(default)"} <= listed


def test_the_learner_who_goes_beyond_runs_aside_only_on_an_engine_of_the_very_same_kind(
    monkeypatch, tmp_path
):
    lab_engine = Engine(
        "28-containerd",
        "unix:///run/lab-engines/28-containerd/docker.sock",
        "28.5.2",
        "overlayfs",
        "containerd",
        "",
    )
    own = _engine("system", "28.5.2", "containerd")  # the machine's own: not like an inner one
    monkeypatch.setenv(noxfile.ASIDE_SETTING, "1")
    assert noxfile.beyond_aside(lab_engine) and not noxfile.beyond_aside(own)
    monkeypatch.delenv(noxfile.ASIDE_SETTING)  # no aside track: on the reference Engine itself
    assert not noxfile.beyond_aside(lab_engine)
    # aside reads the reference Engine's live run once it passed, and says so when it never did
    monkeypatch.setattr(noxfile, "RECORDINGS", tmp_path)
    (tmp_path / "28-containerd").mkdir()
    (tmp_path / "28-containerd" / "passed").write_text('{"strict": true, "owned": false}')

    class Session:
        def error(self, message):
            raise RuntimeError(message)

    assert noxfile.wait_for_live_run(Session(), "28-containerd") == {"strict": True, "owned": False}
    try:
        noxfile.wait_for_live_run(Session(), "28-overlay2", limit_s=0)
    except RuntimeError as exc:
        assert "live(28-overlay2) had not passed" in str(exc)
    else:
        raise AssertionError("waited on a live run that never passed")


def test_each_aside_worker_takes_its_own_engine_and_the_matrix_names_it(monkeypatch):
    """The aside track's pytest-xdist workers: worker N on the Nth Engine of WORKER_HOSTS, named
    in LABHELPERS_ENGINES where the given one was; outside xdist nothing changes."""
    from conftest import _engine_of_this_worker

    hosts = "unix:///run/lab-engines/a0/docker.sock unix:///run/lab-engines/a1/docker.sock"
    given = "unix:///run/lab-engines/a0/docker.sock"
    second = "second-28-containerd=unix:///run/lab-engines/s/docker.sock"
    monkeypatch.setenv(noxfile.WORKER_HOSTS_SETTING, hosts)
    monkeypatch.setenv("DOCKER_HOST", given)
    monkeypatch.setenv("LABHELPERS_ENGINES", f"28-containerd={given} {second}")
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    _engine_of_this_worker()
    assert os.environ["DOCKER_HOST"] == given  # not a worker: as given
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    _engine_of_this_worker()
    mine = "unix:///run/lab-engines/a1/docker.sock"
    assert os.environ["DOCKER_HOST"] == mine
    assert os.environ["LABHELPERS_ENGINES"] == f"28-containerd={mine} {second}"


def test_the_aside_track_spreads_over_engines_of_its_own_only_when_the_matrix_has_one(monkeypatch):
    """With one Engine the aside track holds most Engine tests (three workers end it with the
    others); with a matrix, each Engine's track already keeps the cores busy (one worker)."""
    monkeypatch.delenv(noxfile.ASIDE_WORKERS_SETTING, raising=False)
    assert noxfile.aside_workers(1) == 3
    assert noxfile.aside_workers(3) == 1
    monkeypatch.setenv(noxfile.ASIDE_WORKERS_SETTING, "2")
    assert noxfile.aside_workers(3) == 2
