"""The test pipeline: one nox session per phase; `make test` runs `nox` (the `pipeline` session).

    nox                         every phase, the Engines of the matrix side by side (pipeline)
    nox -l                      the sessions
    nox -s lint pairs api unit  a few phases (in that order)
    nox -s "live(system)"       one phase on one Engine of the matrix
    nox -s pipeline -- --plan   what would run here and what not (no Engine, no browser): no run

Phases (sessions), in the order a track runs them:

    lint          ruff check, ruff format --check, lint-imports (when contracts are configured)
    pairs         each notebook's .md and .ipynb in step (jupytext); its prose within its length
    api           docs/notebook-api.md and docs/bad-input.md current
    unit          the tests that need no Engine (pytest-xdist), less the Binder stand-in
    replay        every notebook under nbval, replayed, with no Engine reachable, in the Binder
                  stand-in (a fresh environment from binder/ only: tests/test_binder.py)
    engine(E)     the Engine tests marked `per_engine` (they differ by Engine); on the reference
                  Engine all of them, unless the pipeline runs the others in `aside`
    live(E)       THE one live run of the course on E: every notebook under nbval (every output
                  compared on the reference Engine, cells must run on the others), recording
                  into build/recordings/E (calls, audit, each cell's outputs). On one
                  non-reference Engine the learner's own my-image, my-vol and my-cont-1 are
                  planted first and checked byte for byte after (tools/owned.py).
    drift(E)      the committed recordings still match that live run (tools/record.py --check)
    safety(E)     what that live run created and removed kept the lab's rules (tools/audit.py)
    twins(E)      each notebook's CLI twin, written from that live run's recordings, run on E
                  once (the lecture's names); on the reference Engine with the course's `lab-`
                  names, then with the lecture's beside the learner who goes beyond
                  (tools/beyond.py; in `aside` when its Engine is of the very same kind)
    browser       every notebook in JupyterLab in Chromium (pytest-playwright), live on the
                  reference Engine and replayed with no Engine, with the widgets used by mouse
                  (the pipeline runs its halves apart: `replayed_browser` with the checks, the
                  live half as `live_browser`, on an Engine of its own like the reference)
    aside         on Engines of their own like the reference (started and purged by the
                  session), one per pytest-xdist worker (`aside_workers`): the Engine tests
                  every Engine answers alike; beside the reference Engine's track, which then
                  runs only what differs.
                  When its Engines are of the very same kind, the reference Engine's per_engine
                  tests too (its track runs no `engine` phase then) and, once the reference
                  Engine's live run passed, the learner who goes beyond, with twins written from
                  that run
    faults        the Engine stopped, a kernel interrupted, a full disk: on Engines of its own,
                  of the reference kind, started and purged by the session

Not in the pipeline: `record` (refresh stored outputs and recordings), `bench` (the benchmark).

The matrix: LABHELPERS_ENGINES (tools/engines.py; "system 28-overlay2 28-containerd", each name
mappable to a socket: "system=unix:///run/lab-engines/pl-20/docker.sock"); unset, the one
Engine the docker CLI reaches. The pipeline runs one track per Engine (its phases in order),
one for the phases that need no Engine, one for the faults, one for the browser's live half and
one aside, side by side, so that they end together: on 2 cores they keep both busy (the Engines'
own work is about half of it), so only less work makes the pipeline shorter. Logs and timings:
build/pipeline/.

Environments: three shared ones in .nox/ (test, lint, browser), made with uv from pyproject's
extras and made again only when pyproject.toml or binder/requirements.txt change; sessions use
them as they are (venv_backend "none"), so twelve per-Engine sessions cost no install.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tools import engines as matrix
from tools import plugin_env

nox.options.sessions = ["pipeline"]
nox.options.default_venv_backend = "none"
nox.options.error_on_missing_interpreters = False

ROOT = Path(__file__).resolve().parent
BUILD = ROOT / "build"
RECORDINGS = BUILD / "recordings"
LOGS = BUILD / "pipeline"
ENGINES = [engine.name for engine in matrix.named()]
SANITIZE = ROOT / "tests" / "nbval-sanitize.cfg"
DEAD = "unix:///nonexistent.sock"
# where sessions note their times (tests that run nox point it elsewhere, not at the pipeline's)
TIMINGS_SETTING = "LABHELPERS_TIMINGS"
# The tracks of the pipeline: the phases that need no Engine, then each Engine's (in order).
NO_ENGINE = ["lint", "pairs", "api", "unit", "replay"]
PER_ENGINE = ["engine", "live", "drift", "safety", "twins"]
# what cannot run with no Engine (the browser: its replayed half only)
ENGINE_PHASES = [*PER_ENGINE, "aside", "faults"]
PYTEST = ["-m", "pytest", "-q", "-p", "no:cacheprovider"]
# The pipeline sets it when the `aside` track runs the Engine tests shared by every Engine (and
# the browser's live half) on an Engine of its own, so the reference Engine's track does not.
ASIDE_SETTING = "LABHELPERS_ASIDE"
# The browser pass's halves: live on an Engine, replayed with none (and the broken front-end,
# replayed too).
BROWSER_LIVE = ["tests/browser/test_live.py"]
BROWSER_REPLAYED = ["tests/browser/test_replayed.py", "tests/browser/test_broken_front_end.py"]

# --- environments ------------------------------------------------------------------------------

EXTRAS = {"test": "test", "lint": "lint", "browser": "browser"}


def _uv() -> str:
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    return found or ""


def environment(session: nox.Session, flavour: str) -> Path:
    """The shared environment FLAVOUR (.nox/env-FLAVOUR): the package (editable) with the extra
    of that name, pinned as binder/requirements.txt pins the learner's set. Made (with uv, else
    venv and pip) when missing or when pyproject.toml or the pins changed; its bin folder."""
    path = ROOT / ".nox" / f"env-{flavour}"
    python = path / "bin" / "python"
    sources = [ROOT / "pyproject.toml", ROOT / "binder" / "requirements.txt"]
    wanted = hashlib.sha256(b"".join(p.read_bytes() for p in sources) + flavour.encode())
    stamp = path / ".labhelpers-stamp"
    with _lock(ROOT / ".nox" / f"env-{flavour}.lock"):
        if stamp.is_file() and stamp.read_text() == wanted.hexdigest() and python.exists():
            return path / "bin"
        spec = f".[{EXTRAS[flavour]}]"
        pins = ["-c", "binder/requirements.txt"]
        if uv := _uv():
            session.run(uv, "venv", "-q", "--clear", "--python", sys.executable, str(path))
            session.run(uv, "pip", "install", "-q", "--python", str(python), "-e", spec, *pins)
        else:
            shutil.rmtree(path, ignore_errors=True)
            session.run(sys.executable, "-m", "venv", str(path))
            session.run(str(python), "-m", "pip", "install", "-q", "-e", spec, *pins)
        stamp.write_text(wanted.hexdigest())
    return path / "bin"


@contextlib.contextmanager
def _lock(path: Path):
    """One process at a time makes an environment (the tracks start side by side)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run(session: nox.Session, bin_dir: Path, *argv: str, env: dict | None = None) -> None:
    """Run a command of the environment BIN_DIR (`python` is that environment's)."""
    program = str(bin_dir / argv[0]) if (bin_dir / argv[0]).exists() else argv[0]
    session.run(program, *argv[1:], env=env or {}, external=True)


# --- timings -----------------------------------------------------------------------------------


def timed(fn):
    """Note the session's wall time and the CPU time of the commands it ran (children's user and
    system time) in build/pipeline/timings.jsonl: the pipeline prints them."""

    @functools.wraps(fn)
    def wrapper(session: nox.Session, **kwargs) -> None:
        started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        outcome = "passed"
        try:
            fn(session, **kwargs)
        except BaseException as exc:
            outcome = "skipped" if type(exc).__name__ == "_SessionSkip" else "failed"
            raise
        finally:
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            timings = Path(os.environ.get(TIMINGS_SETTING) or LOGS / "timings.jsonl")
            timings.parent.mkdir(parents=True, exist_ok=True)
            with open(timings, "a") as log:
                entry = {"session": session.name, "outcome": outcome}
                entry |= {"wall_s": round(time.perf_counter() - started, 1)}
                log.write(json.dumps({**entry, "cpu_s": round(cpu, 1)}) + "\n")

    return wrapper


# --- which Engine ------------------------------------------------------------------------------


def engine_of(session: nox.Session, name: str) -> tuple[matrix.Engine, bool]:
    """The Engine NAME of the matrix, with its facts, and whether it is the reference Engine;
    skips the session when the Engine does not answer (the pipeline fails a named Engine that
    does not answer in its own summary)."""
    found = matrix.matrix()
    engine = next(e for e in found if e.name == name)
    if engine.problem:
        session.error(f"Engine {name} does not answer:\n{engine.problem}")
    reference = matrix.reference(found)
    return engine, reference is not None and reference.name == name


def owned_engine(found: list[matrix.Engine]) -> str:
    """The Engine whose live run also plays the learner-owned scenario: the first answering
    Engine that is not the reference (outputs compared lax there: the course's names get the
    `lab-` prefix); the reference itself when it is the only one."""
    reference = matrix.reference(found)
    others = [e for e in found if not e.problem and e is not reference]
    return (others[0] if others else reference).name if reference else ""


def on(engine: matrix.Engine) -> dict:
    """The environment a command run against ENGINE gets (DOCKER_HOST, unless the default)."""
    return {"DOCKER_HOST": engine.host} if engine.host else {}


def nbval(strict: bool, folder: str = "notebooks") -> list[str]:
    argv = [*PYTEST, "--nbval", "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE)]
    argv += ["--nbval-cell-timeout", "900"]
    return [*argv, folder] if strict else [*argv, "--nbval-lax", folder]


def notebooks_of_its_own(engine: str) -> Path:
    """A copy of the notebooks folder for ENGINE's live run (build/live/ENGINE/notebooks): the
    notebooks write beside themselves (workspace/ for the bind mounts, my-app/), and the live
    runs of the Engines run side by side: in one folder, one Engine's run removed the file
    another's was timing (06b). Under the checkout, which every Engine of the matrix sees."""
    copy = BUILD / "live" / engine / "notebooks"
    shutil.rmtree(copy.parent, ignore_errors=True)
    made = ("workspace", "my-app", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "notebooks", copy, ignore=shutil.ignore_patterns(*made))
    return copy


# the twins' whole-course run reads a live run's recordings: the twins session runs it
TWIN_RUN = "tests/test_twins.py::test_twin_runs_and_leaves_the_engine_as_found"

# --- phases that need no Engine ----------------------------------------------------------------


@nox.session
@timed
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check; import-linter's contracts when they are configured."""
    bin_dir = environment(session, "lint")
    run(session, bin_dir, "ruff", "check", "-q", ".")
    run(session, bin_dir, "ruff", "format", "--check", "-q", ".")
    configured = (ROOT / ".importlinter").is_file() or "[tool.importlinter" in (
        ROOT / "pyproject.toml"
    ).read_text()
    if configured:
        run(session, bin_dir, "lint-imports")
    else:
        session.log("lint-imports: not run: no contracts configured yet (.importlinter)")


@nox.session
def format(session: nox.Session) -> None:
    """Apply ruff's fixes and formatting (not in the pipeline: it changes files)."""
    bin_dir = environment(session, "lint")
    run(session, bin_dir, "ruff", "check", "--fix", ".")
    run(session, bin_dir, "ruff", "format", ".")


@nox.session
@timed
def pairs(session: nox.Session) -> None:
    """Every notebook's .md and .ipynb in step (jupytext); each notebook's prose within limits."""
    bin_dir = environment(session, "test")
    run(session, bin_dir, "python", "-m", "tools.pairs", "--check")
    run(session, bin_dir, "python", "-m", "tools.lengths", "--check")


@nox.session
@timed
def api(session: nox.Session) -> None:
    """docs/notebook-api.md and docs/bad-input.md are current."""
    bin_dir = environment(session, "test")
    run(session, bin_dir, "python", "-m", "tools.api", "--check")
    run(session, bin_dir, "python", "-m", "tools.catalogue", "--check")


@nox.session
@timed
def unit(session: nox.Session) -> None:
    """The tests that need no Engine, spread over the machine's cores (pytest-xdist)."""
    bin_dir = environment(session, "test")
    workers = session.posargs or ["-n", os.environ.get("LABHELPERS_UNIT_WORKERS", "auto")]
    argv = [*PYTEST, "-m", "not engine and not faults and not browser and not binder", *workers]
    run(session, bin_dir, "python", *argv, env={"DOCKER_HOST": DEAD})


@nox.session
@timed
def replay(session: nox.Session) -> None:
    """Every notebook under nbval, replayed, with no Engine reachable: once, in the Binder
    stand-in (tests/test_binder.py: a fresh environment from binder/ only, every output compared,
    every notebook's replay banner), which proves what a plain replayed nbval run in this
    environment would, and Binder's install besides."""
    bin_dir = environment(session, "test")
    argv = [*PYTEST, "-m", "binder", "tests/test_binder.py", *session.posargs]
    run(session, bin_dir, "python", *argv, env={"DOCKER_HOST": DEAD})


# --- phases per Engine -------------------------------------------------------------------------


@nox.session
@nox.parametrize("engine", [nox.param(name, id=name) for name in ENGINES])
@timed
def engine(session: nox.Session, engine: str) -> None:
    """The Engine tests: every one on the reference Engine, those marked per_engine elsewhere.
    The twins and the learner-owned scenario are not here: they read the live run."""
    found, is_reference = engine_of(session, engine)
    bin_dir = environment(session, "test")
    # the tests every Engine answers alike run on the reference Engine, or, in the pipeline, on
    # an Engine of its own of the same kind, side by side with this track (session `aside`)
    aside = os.environ.get(ASIDE_SETTING) == "1"
    if is_reference and aside and aside_answers_alike(found):
        session.skip(f"every Engine test of {engine} runs in `aside`, on Engines of its very kind")
    which = "engine" if is_reference and not aside else "engine and per_engine"
    argv = [*PYTEST, "-m", f"{which} and not faults and not browser", "--durations=15"]
    argv += ["--deselect", TWIN_RUN]
    run(session, bin_dir, "python", *argv, *session.posargs, env=on(found))


@nox.session
@nox.parametrize("engine", [nox.param(name, id=name) for name in ENGINES])
@timed
def live(session: nox.Session, engine: str) -> None:
    """The one live run of every notebook on this Engine (see the module's docstring)."""
    found, strict = engine_of(session, engine)
    bin_dir = environment(session, "test")
    fresh = RECORDINGS / engine
    shutil.rmtree(fresh, ignore_errors=True)
    env = {
        **on(found),
        "LABHELPERS_MODE": "live",
        "LABHELPERS_RECORD_DIR": str(fresh),
        "LABHELPERS_STATE_DIR": str(fresh / "state"),  # names chosen afresh for this run
        "LABHELPERS_AUDIT": str(fresh / "audit.jsonl"),
        "LABHELPERS_OUTPUTS_DIR": str(fresh / "outputs"),
        **plugin_env("tools.recorder", "tools.audit"),  # in each kernel: they write the above
    }
    owned = not strict and owned_engine(matrix.matrix()) == engine
    how = "every output compared" if strict else "cells must run, outputs not compared"
    session.log(f"{engine}: {found.describe()} ({how})")
    if owned:
        session.log("with the learner's own my-image, my-vol and my-cont-1 beside the course")
        run(session, bin_dir, "python", "-m", "tools.owned", "plant", env=env)
    try:
        folder = str(notebooks_of_its_own(engine).relative_to(ROOT))
        run(session, bin_dir, "python", *nbval(strict, folder), *session.posargs, env=env)
        if owned:
            outputs = env["LABHELPERS_OUTPUTS_DIR"]
            run(session, bin_dir, "python", "-m", "tools.owned", "check", outputs, env=env)
    finally:
        if owned:
            run(session, bin_dir, "python", "-m", "tools.owned", "remove", env=env)
    (fresh / "passed").write_text(json.dumps({"strict": strict, "owned": owned}))


def _live_run(session: nox.Session, engine: str) -> dict:
    """What live(ENGINE) left, or a skip saying why there is nothing to read."""
    passed = RECORDINGS / engine / "passed"
    if not passed.is_file():
        session.skip(f'no passed live run on {engine} to read: run `nox -s "live({engine})"`')
    return json.loads(passed.read_text())


@nox.session
@nox.parametrize("engine", [nox.param(name, id=name) for name in ENGINES])
@timed
def drift(session: nox.Session, engine: str) -> None:
    """The committed recordings still match this Engine's live run (calls and shapes on the
    reference Engine; calls and kinds of results on the others)."""
    done = _live_run(session, engine)
    bin_dir = environment(session, "test")
    argv = ["python", "-m", "tools.record", "--check", str(RECORDINGS / engine)]
    if done["owned"]:  # the course chose its `lab-` names beside the learner's own
        argv += ["--renamed", "lab-"]
    run(session, bin_dir, *argv, *([] if done["strict"] else ["--calls-only"]))


@nox.session
@nox.parametrize("engine", [nox.param(name, id=name) for name in ENGINES])
@timed
def safety(session: nox.Session, engine: str) -> None:
    """Every container this Engine's live run created, and every removal, kept the lab's rules."""
    _live_run(session, engine)
    bin_dir = environment(session, "test")
    run(session, bin_dir, "python", "-m", "tools.audit", str(RECORDINGS / engine / "audit.jsonl"))


@nox.session
@nox.parametrize("engine", [nox.param(name, id=name) for name in ENGINES])
@timed
def twins(session: nox.Session, engine: str) -> None:
    """Each notebook's CLI twin, written from this Engine's live-run recordings, run on it."""
    done = _live_run(session, engine)
    found, reference = engine_of(session, engine)
    bin_dir = environment(session, "test")
    argv = [*PYTEST, "tests/test_twins.py", "-m", "engine", *session.posargs]
    env = {**on(found), "LABHELPERS_TWIN_RECORDINGS": str(RECORDINGS / engine)}
    if done["owned"]:  # that live run used the course's `lab-` names beside the learner's own
        env["LABHELPERS_TWIN_RECORDED_PREFIX"] = "lab-"
    # Names do not differ by Engine: each twin runs once per Engine, with the lecture's names
    # (on the reference Engine in the learner-who-goes-beyond check below) and, on the reference
    # Engine, with the course's `lab-` names too (tests/test_twins.py's TWIN_NAMES).
    env["LABHELPERS_TWIN_NAMES"] = "lab" if reference else "lecture"
    run(session, bin_dir, "python", *argv, env=env)
    if reference and not beyond_aside(found):
        beyond(session, bin_dir, engine, env)


def beyond(session: nox.Session, bin_dir: Path, engine: str, env: dict) -> None:
    """The learner who goes beyond the notebooks (tools/beyond.py), on the Engine ENV names, with
    twins written from ENGINE's live run: every exercise's solution followed, images built FROM
    the lab's, commits of their own container and of the lab's my-cont-1 (tagged and untagged),
    containers run from lab images; after every twin (with the lecture's names), notebook 99 and
    the cleanup, all of it must be as it was (ids, states, file checksums)."""
    state = LOGS / f"beyond-{engine}"
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    env = {**env, "LABHELPERS_STATE_DIR": str(state / "lab-state")}
    made = str(state / "made.json")
    try:
        run(session, bin_dir, "python", "-m", "tools.beyond", "plant", made, env=env)
        run(session, bin_dir, "python", "-m", "tools.beyond", "check", made, env=env)
    finally:
        run(session, bin_dir, "python", "-m", "tools.beyond", "remove", made, env=env)


def beyond_aside(reference: matrix.Engine) -> bool:
    """Whether the `aside` track runs the learner who goes beyond (on its Engine, of the very same
    kind as the reference) rather than the reference Engine's own track, the longest."""
    return os.environ.get(ASIDE_SETTING) == "1" and aside_answers_alike(reference)


def wait_for_live_run(session: nox.Session, engine: str, limit_s: float = 2400) -> dict:
    """What live(ENGINE), running in ENGINE's own track meanwhile, left once it passed."""
    passed, deadline = RECORDINGS / engine / "passed", time.monotonic() + limit_s
    while not passed.is_file():
        if time.monotonic() > deadline:
            session.error(f"live({engine}) had not passed after {limit_s:.0f} s: nothing to read")
        time.sleep(5)
    return json.loads(passed.read_text())


# --- phases run once ---------------------------------------------------------------------------


LAB_ENGINES = ROOT / "scripts" / "lab-engines"
LAB_ENGINES_RUN = "/run/lab-engines"  # where scripts/lab-engines puts its Engines' sockets


def engines_of_its_own() -> bool:
    """Whether the faults can start Engines of their own here (scripts/lab-engines: root, and a
    docker CLI to reach the machine's Engine with)."""
    return os.geteuid() == 0 and shutil.which("docker") is not None and LAB_ENGINES.is_file()


def lab_engines_kind(engine: matrix.Engine) -> str:
    """The name ending scripts/lab-engines starts an Engine like ENGINE from."""
    if engine.image_store == "containerd":
        return "28-containerd"
    major = engine.version.split(".", 1)[0]
    return "28-overlay2" if major.isdigit() and int(major) >= 23 else "dist"


@contextlib.contextmanager
def engines_aside(session: nox.Session, like: matrix.Engine, *purposes: str):
    """Engines of their own, one per PURPOSE, of LIKE's kind (scripts/lab-engines: started empty
    with the lesson's base image, side by side, purged after): their DOCKER_HOSTs, in order."""
    names = [f"{purpose}{os.getpid()}-under-test-{lab_engines_kind(like)}" for purpose in purposes]
    started = subprocess.run(
        [str(LAB_ENGINES), "start", *names], capture_output=True, text=True, check=False
    )
    try:
        if started.returncode != 0:
            session.error(f"scripts/lab-engines could not start {names}:\n{started.stderr[-800:]}")
        hosts = [line for line in started.stdout.split() if line.startswith("unix://")]
        for name, host in zip(names, hosts, strict=True):
            session.log(f"on {name} ({host}), an Engine of its own like {like.name}")
        yield hosts
    finally:
        subprocess.run([str(LAB_ENGINES), "purge", *names], capture_output=True, check=False)


@nox.session
@timed
def faults(session: nox.Session) -> None:
    """tests/test_faults.py, on an Engine of its own of the reference Engine's kind (started here,
    purged after), which the faults stop, fill and interrupt beside their own learner data: so
    they run side by side with the reference Engine's track and touch nothing it measures. Where
    no Engine of its own can be started, on the reference Engine (the pipeline then runs them
    after that Engine's track)."""
    found = matrix.reference(matrix.matrix())
    if found is None:
        session.error("no Engine of the matrix answers")
    bin_dir = environment(session, "test")
    argv = [*PYTEST, "-m", "faults", "--durations=10", *session.posargs]
    if not engines_of_its_own():
        session.log(f"on {found.name} itself: no Engine of its own can be started here")
        run(session, bin_dir, "python", *argv, env=on(found))
        return
    with engines_aside(session, found, "faults") as (host,):
        run(session, bin_dir, "python", *argv, env={"DOCKER_HOST": host})


def aside_answers_alike(reference: matrix.Engine) -> bool:
    """Whether the aside Engine answers every test as the reference Engine does: both started by
    scripts/lab-engines from the same kind (the same Engine build, image store and setup). A
    reference that is this machine's own Engine (or another host) differs from an Engine in a
    container in what it sees of this machine, so its per_engine tests all stay on it."""
    return bool(reference.host) and reference.host.startswith(f"unix://{LAB_ENGINES_RUN}/")


# How many Engines of its own the aside track spreads the Engine tests over, one pytest-xdist
# worker each (tests/conftest.py points each worker at its own), so that the reference kind's
# Engine tests end with the other tracks and not after them.
ASIDE_WORKERS_SETTING = "LABHELPERS_ASIDE_WORKERS"
WORKER_HOSTS_SETTING = "LABHELPERS_WORKER_HOSTS"  # read by tests/conftest.py


def aside_workers(engines: int) -> int:
    """LABHELPERS_ASIDE_WORKERS, else by the matrix's size: with one Engine, the aside track
    holds most of the Engine tests and three workers end it with the others (make test on one
    Engine, 2 cores: 678 s); with more, every Engine's own track already keeps both cores busy,
    and more Engines aside only add their own work (the whole matrix: 1,059 s with three, against
    1,004 s with one Engine aside before)."""
    return max(1, int(os.environ.get(ASIDE_WORKERS_SETTING) or (3 if engines == 1 else 1)))


@nox.session
@timed
def aside(session: nox.Session) -> None:
    """The pipeline's aside track, on Engines of their own of the reference Engine's kind
    (started here, purged after), one per pytest-xdist worker (each test file on one Engine):
    the Engine tests every Engine answers alike (those not marked per_engine), and, when they
    answer alike (`aside_answers_alike`), the reference Engine's per_engine tests too (its track
    then runs none) and the learner who goes beyond. The reference Engine's own live run, drift,
    safety and twins' tests stay on the reference Engine; the browser's live half has a track of
    its own (`live_browser`)."""
    answering = [engine for engine in matrix.matrix() if not engine.problem]
    found = matrix.reference(answering)
    if found is None:
        session.error("no Engine of the matrix answers")
    bin_dir = environment(session, "test")
    alike = aside_answers_alike(found)
    which = "engine" if alike else "engine and not per_engine"
    argv = [*PYTEST, "-m", f"{which} and not faults and not browser", "--durations=15"]
    argv += ["--deselect", TWIN_RUN]
    workers = aside_workers(len(answering))
    if workers > 1:
        argv += ["-n", str(workers), "--dist", "loadfile"]
    # a second Engine for the test that points a docker context at one (tests/test_contexts.py):
    # never one of the matrix, whose tracks take snapshots of their Engine meanwhile
    # (named in LABHELPERS_ENGINES by their kind, as the matrix names its own)
    purposes = [f"aside{n}" for n in range(workers)]
    with engines_aside(session, found, *purposes, "second") as hosts:
        *own, second = hosts
        kind = lab_engines_kind(found)
        env = {
            "DOCKER_HOST": own[0],  # each worker's own, from WORKER_HOSTS (tests/conftest.py)
            "LABHELPERS_ENGINES": f"{kind}={own[0]} second-{kind}={second}",
            WORKER_HOSTS_SETTING: " ".join(own),
        }
        run(session, bin_dir, "python", *argv, *session.posargs, env=env)
        if beyond_aside(found):  # with twins written from the reference Engine's live run
            del env[WORKER_HOSTS_SETTING]
            done = wait_for_live_run(session, found.name)
            env["LABHELPERS_TWIN_RECORDINGS"] = str(RECORDINGS / found.name)
            if done["owned"]:
                env["LABHELPERS_TWIN_RECORDED_PREFIX"] = "lab-"
            beyond(session, bin_dir, found.name, env)


def chromium_or_skip(session: nox.Session, skip: bool = True) -> str:
    """The browser to drive; without one the session is skipped saying what to install (with
    `skip=False`: the same line as a warning, and "" to carry on without it), unless CI asks for
    it (LABHELPERS_REQUIRE_BROWSER=1, or CI=true), where that is a failure."""
    from tools.browser import browser_required, chromium, not_run

    try:
        return chromium()
    except RuntimeError as exc:
        if browser_required():
            session.error(str(exc))
        if skip:
            session.skip(not_run(exc))
        session.warn(not_run(exc))
    return ""


@nox.session
@timed
def browser(session: nox.Session) -> None:
    """What the learner sees, in JupyterLab in Chromium (pytest-playwright): tests/browser/, live
    on the Engine DOCKER_HOST names (or the matrix's reference Engine) and replayed."""
    chromium_or_skip(session)
    found = matrix.reference(matrix.matrix())
    bin_dir = environment(session, "browser")
    env = on(found) if found else {"DOCKER_HOST": DEAD}
    halves = [*BROWSER_LIVE, *BROWSER_REPLAYED]
    if found is None:
        session.log("no Engine answers: the replayed half only")
        halves = BROWSER_REPLAYED
    argv = [*PYTEST, *halves, "-m", "browser", "--durations=15", *session.posargs]
    run(session, bin_dir, "python", *argv, env=env)


@nox.session
@timed
def replayed_browser(session: nox.Session) -> None:
    """The browser pass's replayed half, with no Engine reachable (the pipeline's checks track;
    the live half runs in the `aside` track)."""
    chromium_or_skip(session)
    bin_dir = environment(session, "browser")
    argv = [*PYTEST, *BROWSER_REPLAYED, "-m", "browser", "--durations=10", *session.posargs]
    run(session, bin_dir, "python", *argv, env={"DOCKER_HOST": DEAD})


@nox.session
@timed
def live_browser(session: nox.Session) -> None:
    """The browser pass's live half, on an Engine of its own of the reference Engine's kind
    (started here, purged after): the pipeline's browser track, beside the reference Engine's."""
    chromium_or_skip(session)
    found = matrix.reference(matrix.matrix())
    if found is None:
        session.error("no Engine of the matrix answers")
    bin_dir = environment(session, "browser")
    argv = [*PYTEST, *BROWSER_LIVE, "-m", "browser", "--durations=15", *session.posargs]
    with engines_aside(session, found, "browser") as (host,):
        env = {"DOCKER_HOST": host, "LABHELPERS_ENGINES": f"{lab_engines_kind(found)}={host}"}
        run(session, bin_dir, "python", *argv, env=env)


@nox.session
def record(session: nox.Session) -> None:
    """Run every notebook live (DOCKER_HOST's Engine): refresh stored outputs and recordings."""
    bin_dir = environment(session, "test")
    run(session, bin_dir, "python", "-m", "tools.record", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """The course against its speed budgets on the live Engine (bench/results.json)."""
    bin_dir = environment(session, "test")
    run(session, bin_dir, "python", "-m", "tools.bench", *session.posargs)


# --- the pipeline ------------------------------------------------------------------------------


def tracks(found: list[matrix.Engine], browser_too: bool) -> dict[str, list[str]]:
    """The pipeline's tracks: name -> the sessions it runs in order. One for the phases that need
    no Engine (with the browser's replayed half), one per Engine, and, where Engines of their own
    can be started (`engines_aside`), one for the faults, one for the browser's live half and one
    `aside` track: the Engine tests every Engine answers alike on Engines like the reference, so
    that the reference Engine's track runs only what differs by Engine (and, when they answer
    alike, not even that: only its live run and what reads it). Where none can be started, all
    of that follows the reference Engine's own track."""
    reference = matrix.reference(found)
    planned = {"checks": list(NO_ENGINE)}
    own = reference is not None and engines_of_its_own()
    for engine in found:
        phases = PER_ENGINE
        if own and engine is reference and aside_answers_alike(engine):
            phases = [phase for phase in PER_ENGINE if phase != "engine"]  # all in `aside`
        planned[engine.name] = [f"{phase}({engine.name})" for phase in phases]
    if reference is None:
        if browser_too:
            planned["checks"].append("browser")
    elif own:
        planned["aside"] = ["aside"]
        if browser_too:
            planned["checks"].append("replayed_browser")
            planned["browser"] = ["live_browser"]
        planned["faults"] = ["faults"]
    else:  # on the reference Engine itself: after everything else there
        planned[reference.name] += ["browser", "faults"] if browser_too else ["faults"]
    return {name: sessions for name, sessions in planned.items() if sessions}


def not_run(found: list[matrix.Engine], browser_missing: str) -> list[str]:
    """One line for each part of the pipeline that cannot run here and is not a failure, saying
    why and what to do: the Engine phases when the one default Engine does not answer (a learner's
    machine; an Engine LABHELPERS_ENGINES names must answer), the browser pass when no browser
    is found and CI does not ask for it (BROWSER_MISSING: tools.browser.not_run's line)."""
    lines = []
    if not os.environ.get(matrix.ENGINES_SETTING, "").strip() and all(e.problem for e in found):
        problem = " ".join(found[0].problem.splitlines())
        lines.append(f"not run: the Engine phases ({', '.join(ENGINE_PHASES)}): {problem}")
    if browser_missing:
        lines.append(browser_missing)
    return lines


@nox.session
def pipeline(session: nox.Session) -> None:
    """Every phase: the tracks side by side, each track's sessions in order; then one table of
    outcomes and timings (wall and CPU, per session and per track). `nox -s pipeline -- --plan`
    says what would run here, and what not, and runs nothing."""
    found = matrix.matrix()
    named = bool(os.environ.get(matrix.ENGINES_SETTING, "").strip())
    for engine in found:
        if engine.problem and named:
            session.warn(f"Engine {engine.name}: {engine.problem}")
    reference = matrix.reference(found)
    for engine in found:
        if not engine.problem:
            role = "reference: the whole suite, every output" if engine is reference else "lax"
            session.log(f"Engine {engine.name}: {engine.describe()} ({role})")
    from tools import browser

    missing = ""
    try:
        browser.chromium()
    except RuntimeError as exc:
        missing = "" if browser.browser_required() else browser.not_run(exc)
    browser_too = not missing  # where CI asks for it and none is found, the session fails
    skipped = not_run(found, missing)
    for line in skipped:
        session.warn(line)
    planned = tracks([e for e in found if not e.problem], browser_too)
    if "--plan" in session.posargs:
        for name, sessions in planned.items():
            session.log(f"track {name}: {' '.join(sessions)}")
        return
    shutil.rmtree(LOGS, ignore_errors=True)
    LOGS.mkdir(parents=True)
    for flavour in ("test", "lint", "browser") if browser_too else ("test", "lint"):
        environment(session, flavour)  # once, before the tracks share them
    if "aside" in planned:  # the reference Engine's track leaves the shared tests to it
        os.environ[ASIDE_SETTING] = "1"
    jobs = int(os.environ.get("LABHELPERS_TRACKS", "0")) or len(planned)
    started, running, done = time.perf_counter(), {}, {}
    waiting = list(planned.items())
    while waiting or running:
        while waiting and len(running) < jobs:
            name, sessions = waiting.pop(0)
            log = open(LOGS / f"{name}.log", "w")  # noqa: SIM115 (closed when the track ends)
            argv = [sys.executable, "-m", "nox", "-s", *sessions]
            process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
            running[process.pid] = (name, process, log, time.perf_counter())
            session.log(f"track {name}: {' '.join(sessions)}")
        pid, status, usage = os.wait4(-1, 0)
        if pid not in running:
            continue
        name, process, log, began = running.pop(pid)
        log.close()
        process.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
        done[name] = (process.returncode, time.perf_counter() - began, cpu)
        verdict = "passed" if process.returncode == 0 else "FAILED"
        session.log(f"track {name} {verdict} in {done[name][1]:.0f} s (CPU {cpu:.0f} s)")
    wall = time.perf_counter() - started
    print(summary(planned, done, wall))
    failed = [name for name, (code, _, _) in done.items() if code != 0]
    for name in failed:
        tail = (LOGS / f"{name}.log").read_text().splitlines()[-80:]
        print(f"--- the end of build/pipeline/{name}.log", *tail, sep="\n")
    for line in skipped:  # again, below the table, where the learner looks
        print(line)
    down = [engine.name for engine in found if engine.problem and named]
    if failed or down:
        what = [f"{n} (see build/pipeline/{n}.log)" for n in failed] + [
            f"{n} (does not answer)" for n in down
        ]
        session.error(f"failed: {', '.join(what)}")


def summary(planned: dict, done: dict, wall: float) -> str:
    """The table the pipeline ends with: each session's outcome, wall and CPU time, by track."""
    entries = []
    path = LOGS / "timings.jsonl"
    if path.is_file():
        entries = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    by_session = {entry["session"]: entry for entry in entries}
    lines = [f"{'track / session':34} {'outcome':>8} {'wall s':>8} {'CPU s':>8}"]
    for name, sessions in planned.items():
        code, seconds, cpu = done.get(name, (None, 0.0, 0.0))
        outcome = "passed" if code == 0 else "FAILED"
        lines.append(f"{name:34} {outcome:>8} {seconds:>8.0f} {cpu:>8.0f}")
        for session_name in sessions:
            entry = by_session.get(session_name, {})
            lines.append(
                f"  {session_name:32} {entry.get('outcome', 'not run'):>8} "
                f"{entry.get('wall_s', 0):>8.0f} {entry.get('cpu_s', 0):>8.0f}"
            )
    passed = sum(1 for e in entries if e["outcome"] == "passed")
    failed = sum(1 for e in entries if e["outcome"] == "failed")
    skipped = [e["session"] for e in entries if e["outcome"] == "skipped"]
    # the one-line form the benchmark's CI-log reader knows (tools/bench.py, parse_ci_log)
    labels = [
        f"{e['session'].replace('(', '@').rstrip(')')} {e['wall_s']:.0f}s"
        for e in entries
        if e["outcome"] != "skipped"
    ]
    lines.append(f"test: {passed}/{len(entries)} phases passed ({', '.join(labels)})")
    lines.append(f"pipeline: {len(planned)} tracks side by side, {wall:.0f} s wall")
    tail = f", {len(skipped)} skipped ({', '.join(skipped)})" if skipped else ""
    lines.append(f"{passed} passed, {failed} failed{tail}")
    return "\n".join(lines)
