"""Every notebook in JupyterLab in the browser with no Engine: each output that shows data
carries the replay banner, the widgets answer with recorded values, and a value that was not
recorded says so."""

from __future__ import annotations

import pytest

from tools.browser import notebook_names, run_notebook

from ._pass import verdict


@pytest.mark.parametrize("name", notebook_names())
def test_the_notebook_replays_and_its_widgets_answer_the_mouse(replayed_lab, name):
    report = run_notebook(replayed_lab, name)
    assert verdict(report) == []
    assert report.outputs > 0
