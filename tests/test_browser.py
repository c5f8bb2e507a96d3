"""The notebooks as a learner sees them: a real JupyterLab in a real browser (Chromium).

Slow: each notebook runs from the top. The screenshots land in build/screenshots/.
"""

from __future__ import annotations

import os
import shutil

import pytest

from labhelpers.tools import browser

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("LABHELPERS_BROWSER") != "1",
        reason="the browser pass runs on its own (LABHELPERS_BROWSER=1)",
    ),
    pytest.mark.skipif(
        not (os.environ.get("LABHELPERS_CHROMIUM") or shutil.which("chromium")),
        reason="no Chromium here (apt-get install chromium)",
    ),
]


def test_a_broken_widget_front_end_fails_the_browser_pass(engine):
    """The check can fail: with the widget manager switched off, widgets cannot render."""
    broken = ("@jupyter-widgets/jupyterlab-manager",)
    with browser.Lab(disabled_extensions=broken) as lab:
        report = browser.run_notebook(lab, "00-check-your-lab.ipynb")
    assert any("widget did not render" in p.what for p in report.problems), report.problems


def test_replayed_notebooks_show_banners_and_widgets_with_no_engine():
    env = {"LABHELPERS_MODE": "replay", "DOCKER_HOST": "unix:///nonexistent.sock"}
    with browser.Lab(env=env) as lab, lab.notebook("02-writable-layer.ipynb") as notebook:
        notebook.run_all()
        assert notebook.problems(browser.stored_images(lab.source / notebook.name)) == []
        text = notebook.text()
        assert "REPLAY MODE" in text and text.count("REPLAY") > 5
