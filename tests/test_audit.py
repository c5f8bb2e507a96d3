"""The safety audit: each rule can fail, and what the lab creates keeps them."""

from __future__ import annotations

import json

from labhelpers import engine as eng
from labhelpers.core.plugins import PLUGINS_SETTING
from labhelpers.engine.containers import read_in_created
from tools import audit
from tools.audit import echo_problems, problems

SAFE = {
    "event": "create",
    "role": "lab",
    "writes": False,
    "network_asked": True,
    "name": "my-cont-1",
    "image": "my-image",
    "privileged": False,
    "network_mode": "bridge",
    "ports": {},
    "mounts": [],
    "labels": {"io.labhelpers.managed": "container:my-cont-1"},
}


def _problems(tmp_path, *entries: dict) -> list[str]:
    path = tmp_path / "audit.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    return problems(path)


def test_a_safe_run_has_no_problems(tmp_path):
    helper = {**SAFE, "role": "helper", "network_asked": False, "network_mode": "none"}
    helper["labels"] = {"io.labhelpers.managed": "container:"}
    helper["mounts"] = [
        {"type": "volume", "source": "/var/lib/docker/volumes/v/_data", "rw": False}
    ]
    removal = {"event": "remove", "kind": "volume", "name": "v", "managed": "volume:v"}
    assert _problems(tmp_path, SAFE, helper, {**removal, "asked_by_learner": False}) == []


def test_every_rule_can_fail(tmp_path):
    cases = {
        "is privileged": {**SAFE, "privileged": True},
        "publishes 5000/tcp on every address": {**SAFE, "ports": {"5000/tcp": [""]}},
        "publishes 5000/tcp on 0.0.0.0": {**SAFE, "ports": {"5000/tcp": ["0.0.0.0"]}},
        "mounts the Docker socket": {
            **SAFE,
            "mounts": [{"type": "bind", "source": "/var/run/docker.sock", "rw": True}],
        },
        "only reads, but mounts": {
            **SAFE,
            "role": "helper",
            "network_mode": "none",
            "network_asked": False,
            "mounts": [{"type": "volume", "source": "/v", "rw": True}],
        },
        "has a network": {**SAFE, "role": "helper", "network_asked": False},
        "does not carry the lab's mark": {**SAFE, "labels": {}},
        "does not carry the lab's mark naming it": {
            **SAFE,
            "labels": {"io.labhelpers.managed": "image:my-image:latest"},
        },
    }
    for words, entry in cases.items():
        found = _problems(tmp_path, entry)
        assert any(words in p for p in found), (words, found)
    removal = {"event": "remove", "kind": "container", "name": "mine", "managed": ""}
    found = _problems(tmp_path, {**removal, "asked_by_learner": False})
    assert found == ["removed container mine, which has no lab label"]
    assert _problems(tmp_path, {**removal, "asked_by_learner": True}) == []


def test_the_lab_audits_what_it_creates_and_removes(
    tmp_path, monkeypatch, lesson_image, no_leftovers
):
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv(audit.AUDIT_SETTING, str(log))
    monkeypatch.setenv(PLUGINS_SETTING, "tools.audit")
    eng.run_container("lab-t-audit", image=lesson_image, command="sleep 60")
    eng.run_once(lesson_image, ["true"])
    eng.remove_container("lab-t-audit")
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["event"] for e in entries] == ["create", "create", "remove", "remove"]
    helper = entries[1]
    assert helper["role"] == "helper" and helper["network_mode"] == "none"
    assert problems(log) == []
    assert echo_problems(log) == []


def test_every_printed_command_is_what_the_engine_made(
    tmp_path, monkeypatch, lesson_image, no_leftovers
):
    """The echo check on a real run: each container, volume and image the lab made is compared
    with the command it printed; then a doctored audit (an echo that says less than what ran)
    must fail it."""
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv(audit.AUDIT_SETTING, str(log))
    monkeypatch.setenv(PLUGINS_SETTING, "tools.audit")
    host_dir = tmp_path / "shared"
    host_dir.mkdir()
    mounts = [
        eng.volume_mount("lab-t-echo-vol", "/data"),
        eng.bind_mount(host_dir, "/shared", read_only=True),
        eng.tmpfs_mount("/scratch"),
        eng.anonymous_volume("/anon"),
    ]
    eng.run_container("lab-t-echo", image=lesson_image, mounts=mounts, command="sleep 60")
    eng.run_once(lesson_image, ["ls", "/"], volumes_from=["lab-t-echo:ro"])
    probe = eng.bind_mount(host_dir, "/probe", read_only=True)
    (host_dir / "marker").write_text("seen")
    assert read_in_created(lesson_image, "/probe/marker", [probe]) == "seen"
    assert read_in_created(lesson_image, "/probe/missing", [probe]) is None
    assert problems(log) == []
    assert echo_problems(log) == []
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    run = next(e for e in entries if e.get("name") == "lab-t-echo")
    said_less = {**run, "argv": [a for a in run["argv"] if a != "--init"]}
    other_label = {**run, "argv": [a.replace("container:lab-t-echo", "true") for a in run["argv"]]}
    no_tmpfs = {**run, "argv": [a for a in run["argv"] if a not in ("--tmpfs", "/scratch")]}
    doctored = tmp_path / "doctored.jsonl"
    for entry, words in ((said_less, "--init"), (other_label, "--label"), (no_tmpfs, "--tmpfs")):
        doctored.write_text(json.dumps(entry) + "\n")
        assert any(words in p for p in echo_problems(doctored)), words
    eng.cleanup(eng.SESSION)
    eng.cleanup(eng.SESSION)
