"""Plugins (`labhelpers.core.plugins`): the package calls their hooks by module name only."""

from __future__ import annotations

import contextlib

import pytest

from labhelpers.core import plugins
from labhelpers.core.errors import BadInput, LabError
from labhelpers.engine.step import engine_step


@engine_step("do the thing")
def _step(fail: bool = False) -> int:
    if fail:
        raise BadInput("No.", "it was asked to fail.", "do not ask.")
    return 42


seen: list = []


@contextlib.contextmanager
def _watch(call: plugins.Call):
    seen.append(("start", call.name, call.kind))
    try:
        yield
    finally:
        seen.append(("end", call.returned, call.value, type(call.error).__name__))


def test_an_unknown_plugin_is_a_three_line_message(monkeypatch):
    monkeypatch.setenv(plugins.PLUGINS_SETTING, "tools.no_such_plugin")
    with pytest.raises(LabError) as caught:
        plugins.notify("created")
    assert "'tools.no_such_plugin'" in caught.value.what
    assert caught.value.why and "PYTHONPATH" in caught.value.todo


def test_around_sees_each_live_step_and_its_outcome(monkeypatch):
    monkeypatch.setenv("LABHELPERS_MODE", "live")
    monkeypatch.delenv(plugins.PLUGINS_SETTING, raising=False)
    monkeypatch.setattr(plugins, "_hooks", {"around": [_watch], "started": [], "event": []})
    seen.clear()
    assert _step() == 42
    with pytest.raises(BadInput):
        _step(fail=True)
    name = f"{__name__}._step"
    assert seen == [
        ("start", name, "step"),
        ("end", True, 42, "NoneType"),
        ("start", name, "step"),
        ("end", False, None, "BadInput"),
    ]
