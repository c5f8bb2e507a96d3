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


def test_a_theme_that_failed_to_load_is_loaded_again_not_left_in_the_way(replayed_lab):
    # On a loaded machine the theme's stylesheet once failed: JupyterLab's modal "Error Loading
    # Theme" dialog then took every click of the pass. The page is loaded again until it loads.
    page, failed = replayed_lab.page, []

    def fail_once(route):
        if failed:
            route.continue_()
        else:
            failed.append(route.request.url)
            route.abort()

    page.route("**/api/themes/**/index.css", fail_once)
    try:
        replayed_lab._open_page()
    finally:
        page.unroute("**/api/themes/**/index.css")
    assert failed, "the stylesheet was never asked for: the test proves nothing"
    assert page.locator(".jp-Dialog").count() == 0
    assert page.evaluate("document.body.dataset.jpThemeName") == "JupyterLab Light"
