"""`python -m labhelpers lab` (what `make lab` runs): JupyterLab's settings for the course."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from labhelpers import lab
from labhelpers.__main__ import main


def test_the_news_prompt_is_off_and_other_settings_are_kept(tmp_path):
    path = lab.overrides_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "dark"}}))
    assert lab.settings(tmp_path) == path
    written = json.loads(path.read_text())
    assert written["@jupyterlab/apputils-extension:themes"] == {"theme": "dark"}
    assert written["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_the_settings_are_ones_jupyterlab_knows():
    """Each overridden setting is in the installed JupyterLab's own schema (a misspelt one would
    be ignored without a word)."""
    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    for plugin, values in lab.OVERRIDES.items():
        package, name = plugin.rsplit(":", 1)
        schema = json.loads((schemas / package / f"{name}.json").read_text())
        for key, value in values.items():
            allowed = schema["properties"][key]
            if "oneOf" in allowed:
                assert value in [choice["const"] for choice in allowed["oneOf"]], (key, value)
            else:
                assert isinstance(value, bool) == (allowed["type"] == "boolean"), (key, value)


def test_settings_only_writes_them_and_starts_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.setattr(lab.sys, "prefix", str(tmp_path))
    monkeypatch.setattr(lab.settings, "__defaults__", (str(tmp_path),))
    assert main(["lab", "--settings-only"]) == 0
    assert json.loads(lab.overrides_path(tmp_path).read_text())
