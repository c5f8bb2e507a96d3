"""Faults a learner meets, each on a real Engine, with the notebook run in a real kernel (nbclient,
as JupyterLab runs it). Each ends with the notebook green on a re-run from the top, and with every
byte of the learner's own data intact: a volume holding a file and a container without the lab's
label (with a file of its own), made before the fault and compared after it.

1. The Engine stops in the middle of a notebook (its container is stopped while the scaling
   widget runs): the cell shows the lab's short DockerUnavailable message, never a traceback.
2. The kernel is interrupted, or restarted, during a build (BuildKit) and during a large write:
   no container without the lab's label, no half-built tagged image, no `docker build` or `dd`
   left running, nothing half-written.
3. The Engine's disk is nearly full: a write that cannot fit is refused before it starts, the
   message giving the free space and the size asked for; the writable layer does not change.
4. A long step (the scaling experiment with 20 containers) shows its progress while it runs, and
   an interrupt stops it within seconds, leaving no scaling container.

Faults 1 and 3 need an Engine of their own, of the same kind as the Engine under test, started
with scripts/lab-engines (`faults<pid>-<kind>`, removed at the end; LABHELPERS_FAULT_ENGINE=NAME
uses a running one instead). Its data root is a 3 GiB ext4 file system on a loop device, so fault
3 can fill it; the tests skip, saying why, when the script or the loop device cannot be had.
Faults 2 and 4 run on the Engine under test. Slow: half a minute to a minute per case (about six
minutes in all), so the pipeline (noxfile.py) runs them once, in its `faults` session (marker
`faults`), on one Engine of the matrix.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tarfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from labhelpers.core.labels import MANAGED
from tools.kernels import notebook_client, run_notebook

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "lab-engines"
OUTER_HOST = os.environ.get("LAB_OUTER_DOCKER_HOST", "unix:///var/run/docker.sock")
FAULT_ENGINE_SETTING = "LABHELPERS_FAULT_ENGINE"
LEARNER_VOLUME, LEARNER_CONTAINER = "learner-notes", "learner-diary"
BASE_IMAGES = ("python:3.13-slim", "labhelpers/python-base:bookworm")
DISK_BYTES = 3 * 1024**3
MIB = 1024 * 1024

pytestmark = [pytest.mark.slow, pytest.mark.faults]


# --- the Engines --------------------------------------------------------------------------------


def docker(host: str, *args: str, check: bool = True, timeout: float = 120):
    """The real docker CLI against HOST."""
    env = dict(os.environ, DOCKER_HOST=host)
    done = subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, env=env
    )
    if check and done.returncode != 0:
        raise AssertionError(f"`docker {' '.join(args)}` failed: {done.stderr.strip()[-500:]}")
    return done


def _host_under_test() -> str:
    return os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"


def _kind(host: str) -> str:
    """The lab-engines kind of Engine like HOST's: 28-containerd, 28-overlay2 or dist (20.10)."""
    info = json.loads(docker(host, "info", "--format", "{{json .}}").stdout)
    status = dict(tuple(pair) for pair in info.get("DriverStatus") or [])
    if "io.containerd.snapshotter" in status.get("driver-type", ""):
        return "28-containerd"
    major = info.get("ServerVersion", "0").split(".")[0]
    return "28-overlay2" if major.isdigit() and int(major) >= 23 else "dist"


def _answers(host: str) -> bool:
    return docker(host, "version", check=False, timeout=30).returncode == 0


def _wait_until(condition, timeout_s: float, step_s: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step_s)
    return condition()


@dataclass
class FaultEngine:
    name: str
    host: str
    small_disk: str  # why it has none ("" when its data root is the 3 GiB file system)

    @property
    def box(self) -> str:
        return f"lab-engine-{self.name}"

    def stop(self) -> None:
        docker(OUTER_HOST, "stop", self.box, timeout=60)

    def start(self) -> None:
        docker(OUTER_HOST, "start", self.box)
        assert _wait_until(lambda: _answers(self.host), 60), f"{self.name} did not come back"

    def free_bytes(self) -> int:
        df = docker(OUTER_HOST, "exec", self.box, "df", "-P", "-B1", "/var/lib/docker").stdout
        return int(df.splitlines()[-1].split()[3])

    def fill(self, leave_bytes: int) -> None:
        """Fill the Engine's disk until LEAVE_BYTES are free (a file beside its data)."""
        size = self.free_bytes() - leave_bytes
        command = f"fallocate -l {size} /var/lib/docker/faults-filler"
        docker(OUTER_HOST, "exec", self.box, "sh", "-c", command)

    def unfill(self) -> None:
        docker(OUTER_HOST, "exec", self.box, "rm", "-f", "/var/lib/docker/faults-filler")


def _why_lab_engines_cannot_run() -> str:
    if shutil.which("docker") is None:
        return "there is no docker CLI"
    if not SCRIPT.is_file() or shutil.which("bash") is None:
        return f"{SCRIPT} (or bash) is missing"
    if not _answers(OUTER_HOST):
        return f"the machine's own Engine ({OUTER_HOST}), which runs lab-engines, does not answer"
    return ""


def _small_disk(name: str, folder: Path) -> tuple[str, str]:
    """A 3 GiB ext4 file system on a loop device, as the outer Engine's volume for NAME's data
    root. Returns (loop device, why there is none)."""
    image = folder / "data-root.img"
    steps = [
        ["truncate", "-s", str(DISK_BYTES), str(image)],
        ["mkfs.ext4", "-q", "-F", str(image)],
        ["losetup", "-f", "--show", str(image)],
    ]
    device = ""
    for argv in steps:
        if shutil.which(argv[0]) is None:
            return "", f"no {argv[0]} here"
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode != 0:
            return "", f"`{' '.join(argv)}` failed: {done.stderr.strip()[-200:]}"
        device = done.stdout.strip()
    docker(OUTER_HOST, "volume", "rm", "-f", f"lab-engine-{name}-data", check=False)
    made = docker(
        OUTER_HOST,
        "volume",
        "create",
        "--driver",
        "local",
        "--opt",
        "type=ext4",
        "--opt",
        f"device={device}",
        f"lab-engine-{name}-data",
        check=False,
    )
    if made.returncode != 0:
        subprocess.run(["losetup", "-d", device], capture_output=True)
        return "", f"the outer Engine would not mount {device}: {made.stderr.strip()[-200:]}"
    return device, ""


@pytest.fixture(scope="module")
def fault_engine(tmp_path_factory):
    """An Engine of the same kind as the one under test, for faults that stop it or fill it."""
    why = _why_lab_engines_cannot_run()
    if why:
        pytest.skip(f"scripts/lab-engines cannot run here: {why}")
    reused = os.environ.get(FAULT_ENGINE_SETTING, "")
    name = reused or f"faults{os.getpid()}-{_kind(_host_under_test())}"
    device, no_disk = "", f"{FAULT_ENGINE_SETTING}={reused} is a running Engine of its own"
    if not reused:
        device, no_disk = _small_disk(name, tmp_path_factory.mktemp("fault-disk"))
    started = subprocess.run([str(SCRIPT), "start", name], capture_output=True, text=True)
    try:
        if started.returncode != 0:
            pytest.skip(f"scripts/lab-engines could not start {name}: {started.stderr[-400:]}")
        yield FaultEngine(name, started.stdout.strip().splitlines()[-1], no_disk)
    finally:
        if not reused:
            subprocess.run([str(SCRIPT), "purge", name], capture_output=True)
            if device:
                subprocess.run(["losetup", "-d", device], capture_output=True)


# --- the learner's own data ---------------------------------------------------------------------


def _contents(host: str, source: str) -> dict:
    """sha256 of every file under SOURCE (`docker cp CONTAINER:PATH -`), by path."""
    env = dict(os.environ, DOCKER_HOST=host)
    tar = subprocess.run(["docker", "cp", source, "-"], capture_output=True, check=True, env=env)
    with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as archive:
        return {
            member.name: hashlib.sha256(archive.extractfile(member).read()).hexdigest()
            for member in archive
            if member.isfile()
        }


def _fingerprint(host: str) -> dict:
    container = json.loads(docker(host, "inspect", LEARNER_CONTAINER).stdout)[0]
    volume = json.loads(docker(host, "volume", "inspect", LEARNER_VOLUME).stdout)[0]
    return {
        "container": (container["Id"], container["Image"], container["Config"]["Labels"]),
        "volume": (volume["CreatedAt"], volume["Labels"]),
        "files in the volume": _contents(host, f"{LEARNER_CONTAINER}:/data"),
        "file in the container": _contents(host, f"{LEARNER_CONTAINER}:/root/diary.txt"),
    }


@contextmanager
def learners_data(host: str):
    """A volume with a file and a running container without the lab's label, made as a learner
    would; afterwards every byte must be as it was (then they are removed)."""
    if docker(host, "inspect", LEARNER_CONTAINER, check=False).returncode == 0:
        pytest.skip(f"this Engine already has a container {LEARNER_CONTAINER}")
    if docker(host, "volume", "inspect", LEARNER_VOLUME, check=False).returncode == 0:
        pytest.skip(f"this Engine already has a volume {LEARNER_VOLUME}")
    present = [
        i for i in BASE_IMAGES if docker(host, "image", "inspect", i, check=False).returncode == 0
    ]
    if not present:
        pytest.skip(f"none of {', '.join(BASE_IMAGES)} on this Engine")
    docker(host, "volume", "create", LEARNER_VOLUME)
    try:
        docker(
            host,
            "run",
            "-d",
            "--name",
            LEARNER_CONTAINER,
            "-v",
            f"{LEARNER_VOLUME}:/data",
            present[0],
            "sleep",
            "infinity",
        )
        script = (
            "head -c 3000000 /dev/urandom > /data/notes.bin && "
            "echo 'dear diary, the lab must not touch this' > /root/diary.txt"
        )
        docker(host, "exec", LEARNER_CONTAINER, "sh", "-c", script)
        before = _fingerprint(host)
        yield
        assert _fingerprint(host) == before, "the learner's own data changed"
    finally:
        docker(host, "rm", "-f", LEARNER_CONTAINER, check=False)
        docker(host, "volume", "rm", "-f", LEARNER_VOLUME, check=False)


# --- a notebook in a real kernel ----------------------------------------------------------------


class Notebook:
    """One of the course's notebooks in a real kernel, run cell by cell as JupyterLab runs it."""

    def __init__(self, course: Path, number: str, host: str, session: str = "") -> None:
        path = next(course.glob(f"{number}-*.ipynb"))
        self.nb = nbformat.read(path, as_version=4)
        self.client = notebook_client(
            self.nb,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(course)}},
        )
        self.env = kernel_env(course, host)
        if session:
            self.env["LABHELPERS_SESSION"] = session

    def __enter__(self) -> Notebook:
        self._kernel = self.client.setup_kernel(env=self.env)
        self._kernel.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._kernel.__exit__(None, None, None)

    @property
    def pid(self) -> int:
        return self.client.km.provisioner.pid

    def index(self, text: str) -> int:
        return next(
            i for i, c in enumerate(self.nb.cells) if c.cell_type == "code" and text in c.source
        )

    def run_to(self, text: str) -> int:
        """Run every cell before the first code cell containing TEXT; return that cell's index."""
        stop = self.index(text)
        for index in range(stop):
            self.run(index)
        return stop

    def run(self, index: int):
        """Run one cell; returns it, and the CellExecutionError it raised (or None)."""
        from nbclient.exceptions import CellExecutionError, DeadKernelError

        cell = self.nb.cells[index]
        try:
            self.client.execute_cell(cell, index)
        except (CellExecutionError, DeadKernelError) as exc:
            return cell, exc
        return cell, None

    def run_code(self, code: str):
        self.nb.cells.append(nbformat.v4.new_code_cell(code))
        return self.run(len(self.nb.cells) - 1)

    def widget_texts(self) -> list[str]:
        """The text of every widget the kernel has shown (labels, HTML panes, ...)."""
        return [
            str(state.get("value", ""))
            for state in self.client.widget_state.values()
            if isinstance(state.get("value", ""), str)
        ]

    def progress(self, since: frozenset = frozenset()) -> int:
        """The largest value a progress bar shows, of the widgets not in SINCE (`widgets()`)."""
        return max(
            (
                int(state.get("value") or 0)
                for key, state in list(self.client.widget_state.items())
                if state.get("_model_name") == "IntProgressModel" and key not in since
            ),
            default=0,
        )

    def widgets(self) -> frozenset:
        return frozenset(self.client.widget_state)


def kernel_env(course: Path, host: str) -> dict:
    return dict(
        os.environ,
        DOCKER_HOST=host,
        LABHELPERS_MODE="live",
        LABHELPERS_STATE_DIR=str(course / "state"),
    )


def rerun(course: Path, number: str, host: str) -> None:
    """Run notebook NUMBER from the top in a fresh kernel: it must pass."""
    run_notebook(next(course.glob(f"{number}-*.ipynb")), 600, env=kernel_env(course, host))


def text_of(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", "") or output.get("data", {}).get("text/plain", ""))
        parts += output.get("traceback", [])
    return "\n".join(parts)


def tracebacks(cell) -> list[str]:
    """Every output of CELL that is (or holds) a traceback."""
    found = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error" and output.get("traceback"):
            found.append("\n".join(output["traceback"])[:600])
        text = output.get("text", "")
        if "Traceback (most recent call last)" in text or re.search(r'^\s+File "', text, re.M):
            found.append(text[:600])
    return found


class When:
    """In a thread: wait until CONDITION holds, then do ACTION (once); `at` is when it did."""

    def __init__(self, condition, action, timeout_s: float = 300) -> None:
        self.condition, self.action, self.timeout_s = condition, action, timeout_s
        self.at: float | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        try:
            if _wait_until(self.condition, self.timeout_s, 0.02):
                self.at = time.monotonic()
                self.action()
        except BaseException as exc:  # reported by __exit__
            self.error = exc

    def __enter__(self) -> When:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.thread.join(timeout=self.timeout_s)
        if self.error is not None:
            raise self.error


def processes(*parts: str) -> list[str]:
    """Command lines of this machine's processes (those of the Engines' containers included)
    that contain every one of PARTS."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if line and all(part in line for part in parts):
            found.append(line.strip())
    return found


@pytest.fixture
def course(tmp_path):
    folder = tmp_path / "notebooks"
    shutil.copytree(
        ROOT / "notebooks", folder, ignore=shutil.ignore_patterns("my-app", "workspace")
    )
    return folder


def _session(name: str) -> str:
    return f"faults-{name}-{os.getpid()}"


def _containers(host: str) -> dict:
    """Every container on HOST: id -> its labels."""
    ids = docker(host, "ps", "-aq", "--no-trunc").stdout.split()
    if not ids:
        return {}
    found = json.loads(docker(host, "inspect", *ids).stdout)
    return {c["Id"]: c["Config"]["Labels"] or {} for c in found}


def _tags(host: str) -> dict:
    """Every tagged image on HOST: REPOSITORY:TAG -> id."""
    listed = docker(host, "image", "ls", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").stdout
    return dict(line.split() for line in listed.splitlines() if not line.startswith("<none>"))


def _unlabelled_since(host: str, before: dict) -> list[str]:
    """Containers made since BEFORE that do not carry the lab's label."""
    now = _containers(host)
    return [i[:12] for i, labels in now.items() if i not in before and MANAGED not in labels]


def _interrupt_as_jupyter_does(notebook: Notebook) -> None:
    """JupyterLab's interrupt: SIGINT to the kernel's process group."""
    os.killpg(os.getpgid(notebook.pid), signal.SIGINT)


def _interrupt_the_kernel_alone(notebook: Notebook) -> None:
    """SIGINT to the kernel process only (what a front end that signals the kernel does)."""
    os.kill(notebook.pid, signal.SIGINT)


def _restart_as_jupyter_does(notebook: Notebook) -> None:
    """JupyterLab's restart (jupyter_client's shutdown_kernel(now=False)): a shutdown request on
    the control channel, up to 5 s for the kernel to end, then SIGKILL to its process group."""
    from jupyter_client import BlockingKernelClient

    control = BlockingKernelClient()
    control.load_connection_info(notebook.client.km.get_connection_info())
    control.start_channels(shell=False, iopub=False, stdin=False, hb=False, control=True)
    pgid = os.getpgid(notebook.pid)
    control.shutdown(restart=True)
    if not _wait_until(lambda: not Path(f"/proc/{notebook.pid}").exists(), 5):
        os.killpg(pgid, signal.SIGKILL)
    control.stop_channels()


STOPS = {
    "interrupt": _interrupt_as_jupyter_does,
    "interrupt the kernel alone": _interrupt_the_kernel_alone,
    "restart": _restart_as_jupyter_does,
}


def _check_interrupted_cell(cell) -> None:
    assert tracebacks(cell) == []
    assert "You stopped this lab step" in text_of(cell), text_of(cell)


# --- 1. the Engine stops in the middle of a notebook -------------------------------------------


def test_the_engine_stops_while_a_step_runs_and_the_rerun_passes(fault_engine, course):
    host = fault_engine.host
    with learners_data(host):
        with Notebook(course, "02", host) as notebook:
            at = notebook.run_to("scaling_widget")

            def third_container() -> bool:
                listed = docker(host, "ps", "-q", "--filter", "name=scale-03", check=False)
                return bool(listed.stdout.strip())

            with When(third_container, fault_engine.stop, timeout_s=120) as stop:
                cell, _ = notebook.run(at)
            assert stop.at is not None, "the scaling run ended before the Engine was stopped"
            shown = text_of(cell) + "\n".join(notebook.widget_texts())
            assert "Could not reach a Docker Engine" in shown, shown
            assert tracebacks(cell) == []
            after, _ = notebook.run(notebook.index("check_three_megabytes"))  # a later step
            assert tracebacks(after) == []
            assert "Could not reach a Docker Engine" in text_of(after)
        fault_engine.start()
        rerun(course, "02", host)


# --- 2. the kernel is interrupted or restarted during a build and during a large write ---------


def _slow_step() -> str:
    """A command long enough to stop the build in (a slow `pip install`), and no other process's
    (`sleep 517.NNNNNN`), so the test sees its own build's step and nothing else."""
    return f"sleep 517.{time.monotonic_ns() % 10**6:06d}"


@pytest.mark.parametrize("how", list(STOPS))
def test_a_build_stopped_halfway_leaves_nothing_behind(how, course, engine):
    host = _host_under_test()
    session = _session(f"build{list(STOPS).index(how)}")
    building = ("build", str(course / "my-app"))  # this course's build: the CLI and buildx
    with learners_data(host):
        with Notebook(course, "01", host, session) as notebook:
            at = notebook.run_to('build_with_progress("my-app"')
            dockerfile = course / "my-app" / "Dockerfile"
            lesson = dockerfile.read_text()
            slow = _slow_step()
            dockerfile.write_text(lesson.replace("RUN pip", f"RUN {slow}\nRUN pip", 1))
            tags, containers = _tags(host), _containers(host)
            with When(lambda: processes(slow), lambda: STOPS[how](notebook)) as stop:
                cell, _ = notebook.run(at)
            assert stop.at is not None, "the build never reached its slow step"
            if how != "restart":  # at once, while the kernel is still there
                assert processes(*building) == [], "docker build goes on"
                assert _wait_until(lambda: not processes(slow), 10), "the build goes on"
        gone = _wait_until(lambda: not processes(*building), 10)
        assert gone, f"left running: {processes(*building)}"
        assert _wait_until(lambda: not processes(slow), 10), "the build goes on"
        assert _tags(host) == tags  # no half-built image tagged, none retagged
        assert _unlabelled_since(host, containers) == []
        if how != "restart":
            _check_interrupted_cell(cell)
        dockerfile.write_text(lesson)
        rerun(course, "01", host)


@pytest.mark.parametrize("how", ["interrupt", "restart"])
def test_a_large_write_stopped_halfway_leaves_nothing_half_written(how, course, engine):
    host = _host_under_test()
    session = _session("write")
    with learners_data(host):
        with Notebook(course, "02", host, session) as notebook:
            at = notebook.run_to("lh.writable.deltas_widget()")
            notebook.run(at)  # the lecture's deltas
            cell, _ = notebook.run_code(
                "from labhelpers.engine.names import course_name\n"
                "print(course_name('my-cont-1', 'container'))"
            )
            box = text_of(cell).strip()
            containers = _containers(host)
            writing = ("dd if=/dev/zero of=/app/delta.bin", "count=500")
            with When(lambda: processes(*writing), lambda: STOPS[how](notebook)) as stop:
                cell, _ = notebook.run_code("lh.writable.deltas_widget((500, 10, 6))")
            assert stop.at is not None, "the write never started"
            if how != "restart":
                assert not processes(*writing), "dd goes on writing"
                listed = docker(host, "exec", box, "ls", "-la", "/app").stdout
                assert "delta.bin" not in listed, f"half-written:\n{listed}"
                _check_interrupted_cell(cell)
        assert _wait_until(lambda: not processes(*writing), 10), "dd goes on writing"
        assert _unlabelled_since(host, containers) == []
        rerun(course, "02", host)


# --- 3. the Engine's disk nearly full ----------------------------------------------------------


def _writable_layer(host: str, name: str) -> int:
    sizes = docker(host, "ps", "-a", "-s", "--filter", f"name=^{name}$", "--format", "{{.Size}}")
    inspected = docker(host, "inspect", "--size", "-f", "{{.SizeRw}}", name).stdout.strip()
    assert sizes.stdout.strip(), f"no container {name}"
    return int(inspected)


def test_a_write_that_cannot_fit_is_refused_before_it_starts(fault_engine, course):
    if fault_engine.small_disk:
        pytest.skip(f"no small disk for the fault Engine: {fault_engine.small_disk}")
    host = fault_engine.host
    with learners_data(host):
        with Notebook(course, "02", host) as notebook:
            at = notebook.run_to("lh.writable.deltas_widget()")
            notebook.run(at)  # the lecture's deltas
            cell, _ = notebook.run_code(
                "from labhelpers.engine.names import course_name\n"
                "print(course_name('my-cont-3', 'container'))"
            )
            box = text_of(cell).strip()
            fault_engine.fill(leave_bytes=200 * MIB)
            try:
                layer = _writable_layer(host, box)
                listed = docker(host, "exec", box, "ls", "-la", "/app").stdout
                cell, error = notebook.run_code("lh.writable.deltas_widget((4, 10, 500))")
                assert _writable_layer(host, box) == layer
                assert docker(host, "exec", box, "ls", "-la", "/app").stdout == listed
                assert not processes("dd if=/dev/zero", "count=500")
            finally:
                fault_engine.unfill()
            shown = "\n".join(notebook.widget_texts())
            refused = re.search(r"Not writing (\S+) to \S+\.\nWhy: .* has only (\S+) free", shown)
            assert refused, shown
            assert refused[1] == "524MB"  # 500 MiB, as the docker CLI prints it
            assert refused[2].endswith(("MB", "kB", "B")) and not refused[2].endswith("GB")
            assert error is None and tracebacks(cell) == []
        rerun(course, "02", host)


# --- 4. a long step: progress while it runs, and an interrupt stops it ---------------------------


def test_a_long_experiment_shows_progress_and_stops_on_an_interrupt(course, engine):
    host = _host_under_test()
    with learners_data(host):
        with Notebook(course, "02", host) as notebook:
            at = notebook.run_to("scaling_widget")
            notebook.run(at)  # the default run, for the figures the interrupted one is set beside
            containers, shown = _containers(host), notebook.widgets()
            progress = lambda: notebook.progress(since=shown)  # noqa: E731
            watch = When(lambda: progress() >= 3, lambda: STOPS["interrupt"](notebook))
            with watch:
                cell, _ = notebook.run_code("panel = lh.writable.scaling_widget(count=20)")
            ended = time.monotonic()
            assert watch.at is not None, "no progress was shown while the run went on"
            assert progress() < 20, "the run was not stopped"
            assert ended - watch.at < 10, f"the interrupt took {ended - watch.at:.1f} s"
            left = docker(host, "ps", "-a", "--filter", "name=scale-", "--format", "{{.Names}}")
            assert left.stdout.split() == []
            assert _unlabelled_since(host, containers) == []
            _check_interrupted_cell(cell)
            assert "interrupted" in "\n".join(notebook.widget_texts())
        rerun(course, "02", host)
