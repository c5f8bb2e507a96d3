"""The browser pass can fail: served with the widget manager disabled (as `jupyter labextension
disable` leaves it, in a throw-away config folder), JupyterLab shows each widget as its plain-text
repr, with no error message at all, and `python -m tools.browser` must say so and fail.

Marker `browser`: the browser phase of `make test` runs these (they need Chromium); the unit and
engine phases leave them out. The pass itself (every notebook, live and replayed, with the widgets
used) is `python -m tools.browser`, which the same phase runs first.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools import browser

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_broken_widget_front_end_fails_the_browser_pass():
    # replayed, so no Engine is needed: the front-end is what is broken here
    first = browser.notebook_names()[0]
    broken = ["--replay-only", "--without-widget-manager"]
    done = subprocess.run(
        [sys.executable, "-m", "tools.browser", first[:2], *broken],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=900,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out[-3000:]
    assert "a widget did not render: 0 widget views shown" in out, out[-3000:]
    # each widget's text form instead: the lab's sentence (labhelpers.widgets.panel) or a repr
    shown_as_text = ("an interactive widget", "VBox(", "HBox(")
    assert "shown as text: " in out and any(t in out for t in shown_as_text), out[-3000:]
    assert out.rstrip().endswith("browser: FAILED, 1 notebook run(s)"), out[-3000:]
