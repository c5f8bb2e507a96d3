"""The safety audit: each rule can fail, and what the lab creates keeps them."""

from __future__ import annotations

import json

from labhelpers import engine as eng
from labhelpers.engine import audit
from tools.audit import problems

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
    "labels": {"io.labhelpers.managed": "true"},
}


def _problems(tmp_path, *entries: dict) -> list[str]:
    path = tmp_path / "audit.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    return problems(path)


def test_a_safe_run_has_no_problems(tmp_path):
    helper = {**SAFE, "role": "helper", "network_asked": False, "network_mode": "none"}
    helper["mounts"] = [
        {"type": "volume", "source": "/var/lib/docker/volumes/v/_data", "rw": False}
    ]
    removal = {"event": "remove", "kind": "volume", "name": "v", "managed": "true"}
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
        "does not carry the lab's label": {**SAFE, "labels": {}},
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
    eng.run_container("lab-t-audit", image=lesson_image, command="sleep 60")
    eng.run_once(lesson_image, ["true"])
    eng.remove_container("lab-t-audit")
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["event"] for e in entries] == ["create", "create", "remove", "remove"]
    helper = entries[1]
    assert helper["role"] == "helper" and helper["network_mode"] == "none"
    assert problems(log) == []
    eng.cleanup(eng.SESSION)
