"""Sessions: three kernels running notebook 02's experiment at once on one Engine each measure
their own containers, none removes another's, and a stale session's are the lab's to replace."""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
import time

import pytest

from conftest import docker_cli
from labhelpers.core import sessions
from labhelpers.core.sessions import SESSION_ID

# Each session writes its own deltas (MiB) into its own my-cont-1..3, at the same time.
DELTAS = {"aaaa01": (1, 2, 3), "bbbb02": (4, 5, 6), "cccc03": (7, 8, 9)}
SESSION_CODE = """
import json, os, sys, time
from pathlib import Path
import labhelpers as lh
from labhelpers.lessons.writable import experiments
lh.echo_commands(False)
sizes = tuple(json.loads(sys.argv[1]))
go = Path(sys.argv[2])
while not go.exists():  # all three start together
    time.sleep(0.05)
lh.start_lesson("02-writable-layer")
experiments.start_containers()
measured = experiments.write_deltas(sizes)
print(json.dumps([[s.name, s.writable_layer_bytes] for s in measured.sizes]), flush=True)
Path(sys.argv[3]).touch()
while not Path(sys.argv[4]).exists():  # stay alive until all three have measured
    time.sleep(0.05)
"""


@pytest.mark.slow
def test_three_live_sessions_each_measure_only_their_own(my_image, no_leftovers, tmp_path):
    state = tmp_path / "state"
    env_base = dict(os.environ, LABHELPERS_STATE_DIR=str(state), LABHELPERS_MODE="live")
    env_base.pop("LABHELPERS_NAME_PREFIX", None)
    go, done = tmp_path / "go", tmp_path / "all-measured"
    processes = {}
    for session, sizes in DELTAS.items():
        env = dict(env_base, LABHELPERS_SESSION=f"{SESSION_ID}{session}")
        argv = [sys.executable, "-c", SESSION_CODE, json.dumps(sizes), str(go)]
        argv += [str(tmp_path / f"{session}.measured"), str(done)]
        processes[session] = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)
    try:
        _run_and_check(processes, go, done, tmp_path)
    finally:
        for process in processes.values():
            process.kill()
        for record in (state / "sessions").glob("*.json"):  # what each session made
            for found in json.loads(record.read_text()).get("made", {}).get("container", []):
                docker_cli("rm", "-f", "-v", found, check=False)


def _run_and_check(processes: dict, go, done, tmp_path) -> None:
    go.touch()
    deadline = time.monotonic() + 300
    while not all((tmp_path / f"{s}.measured").exists() for s in DELTAS):
        assert time.monotonic() < deadline, "the sessions did not all measure in 5 minutes"
        assert all(p.poll() is None for p in processes.values()), "a session ended early"
        time.sleep(0.2)
    running = docker_cli("ps", "--format", "{{.Names}}").stdout.split()
    done.touch()
    measured = {
        s: json.loads(p.communicate(timeout=120)[0].splitlines()[-1]) for s, p in processes.items()
    }

    names = [name for rows in measured.values() for name, _ in rows]
    assert len(set(names)) == 9, names  # nine containers: no session took another's name
    assert all(name in running for name in names)  # and none removed another's
    for session, rows in measured.items():
        for (name, size), mib in zip(rows, DELTAS[session], strict=True):
            # the lecture's name, or the course's prefix before it (the Engine has a my-cont-1
            # of the learner's, say): `lab-my-cont-1`, `lab-my-cont-1-s1a2b3`
            assert re.match(r"(lab\d*-)?my-cont-\d", name), name
            # its own delta: the bytes it wrote (plus, on the containerd store, whole blocks)
            assert mib * 2**20 <= size < mib * 2**20 + 64 * 1024, (session, name, size)
    plain = [n for n in names if not n.split("my-cont-")[1][1:]]
    assert len(plain) == 3  # one session got the lecture's names; the others, a suffix each


def test_a_session_is_live_while_its_process_runs(tmp_path, monkeypatch):
    monkeypatch.setenv(sessions.STATE_SETTING, str(tmp_path))
    sessions.register()
    assert sessions.is_live(SESSION_ID)
    sessions.note_made("container", "a" * 64)
    assert sessions.held_by("container", "a" * 12) == sessions.THIS
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "from labhelpers.core import sessions as s; s.register(); "
            "s.note_made('container', 'b' * 64); print(s.SESSION_ID)",
        ],
        env=dict(
            os.environ, LABHELPERS_SESSION="deadbeef0001", **{sessions.STATE_SETTING: str(tmp_path)}
        ),
        capture_output=True,
        text=True,
        check=True,
    )
    assert child.stdout.strip() == "deadbeef0001"
    assert not sessions.is_live("deadbeef0001")  # its process has ended: stale
    assert not sessions.is_live("never-registered")
    assert sessions.made_by_session("container", "b" * 64) == "deadbeef0001"
    assert sessions.held_by("container", "b" * 64) == sessions.STALE
    assert sessions.held_by("container", "c" * 64) == sessions.STALE  # nobody's record


def test_state_files_are_written_whole(tmp_path):
    """An interrupted write leaves the old file or the new one, never half of one: written to a
    temporary file in the same folder, then renamed over."""
    path = tmp_path / "names.json"
    assert sessions.write_json(path, {"a": 1})
    before = os.stat(path).st_ino
    assert sessions.write_json(path, {"a": 2})
    assert json.loads(path.read_text()) == {"a": 2}
    assert os.stat(path).st_ino != before  # a new file took its place: no write in place
    assert [p.name for p in tmp_path.iterdir()] == ["names.json"]  # no scratch file left
    path.write_text('{"a": ')  # a file cut off (an older version's interrupted write)
    assert sessions.read_json(path, {}) == {}


class _Container:
    """What `claim_container_name` reads of a container: its id and when the Engine made it."""

    def __init__(self, seconds_ago: float):
        now = datetime.datetime.now(datetime.timezone.utc)
        made = now - datetime.timedelta(seconds=seconds_ago)
        self.id = "c" * 64
        self.attrs = {"Created": made.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}


@pytest.mark.parametrize(
    "records, seconds_ago, held",
    [
        ([""], 5, True),  # nobody's record yet, made a moment ago: a kernel about to note it
        ([""], 600, False),  # nobody's, and old: a stale session's, the lab's to replace
        (["other-live"], 600, True),  # a live kernel's record names it
        (["other-gone"], 5, False),  # a kernel that has ended: stale
        ([SESSION_ID], 5, False),  # this session's own: re-run replaces it
        # the race CI met: the record is written between two reads of the records (first
        # nobody's, then the live kernel's); one read decides, and it stays that kernel's
        (["", "other-live"], 5, True),
    ],
)
def test_a_live_kernels_container_is_never_replaced(monkeypatch, records, seconds_ago, held):
    from labhelpers.engine import ownership

    answers = iter(records + records[-1:] * 5)
    monkeypatch.setattr(ownership, "made_by_session", lambda kind, ident: next(answers))
    monkeypatch.setattr(ownership, "is_live", lambda session: session in ("other-live", SESSION_ID))
    assert ownership._held_by_another_kernel(_Container(seconds_ago)) is held
