"""The browser pass can fail: served with the widget manager disabled (as `jupyter labextension
disable` leaves it, in a throw-away config folder), JupyterLab shows each widget as its plain-text
repr, with no error message at all, and the pass must say so and fail."""

from __future__ import annotations

from tools.browser import REPLAY, SCREENSHOTS, WIDGET_MANAGER, Lab, notebook_names, run_notebook

from ._pass import verdict


def test_a_broken_widget_front_end_fails_the_browser_pass(browser):
    # replayed, so no Engine is needed: the front-end is what is broken here
    first = notebook_names()[0]
    broken = Lab(
        env=REPLAY,
        disabled_extensions=(WIDGET_MANAGER,),
        screenshots=SCREENSHOTS / "broken",
        browser=browser,
    )
    with broken as lab:
        report = run_notebook(lab, first)
    said = "\n".join(verdict(report))
    assert "a widget did not render: 0 widget views shown" in said, said
    # each widget's text form instead: the lab's sentence (labhelpers.widgets.panel) or a repr
    shown_as_text = ("[widget: ", "VBox(", "HBox(")
    assert "shown as text: " in said and any(t in said for t in shown_as_text), said
