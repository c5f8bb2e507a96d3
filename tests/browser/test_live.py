"""Every notebook in JupyterLab in the browser, live on the Engine DOCKER_HOST names: Run All
from the menus, then the learner's mouse on the widgets (tools.browser.INTERACTIONS)."""

from __future__ import annotations

import pytest

from tools.browser import notebook_names, run_notebook

from ._pass import verdict


@pytest.mark.parametrize("name", notebook_names())
def test_the_notebook_runs_and_its_widgets_answer_the_mouse(live_lab, name):
    report = run_notebook(live_lab, name)
    assert verdict(report) == []
    assert report.outputs > 0
