"""The browser pass as pytest tests: pytest-playwright launches the system's Chromium or Chrome
(tools.browser.chromium; Playwright downloads none here) headless with the flags below, and
tools/browser.py's page helpers and mouse scripts drive JupyterLab in it.

Without Chromium or Chrome the tests are skipped, saying what to install; where CI asks for them
(LABHELPERS_REQUIRE_BROWSER=1, which .ci/run sets, or CI=true), they fail instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pytest

from tools.browser import (
    CHROMIUM_FLAGS,
    REPLAY,
    SCREENSHOTS,
    Lab,
    browser_required,
    chromium,
    not_run,
)


def pytest_collection_modifyitems(items: list) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch: the system's browser, headless, no network of its own."""
    try:
        program = chromium()
    except RuntimeError as exc:
        missing = exc
    else:
        missing = None
    if missing is not None:  # outside the except: the message alone, no chained traceback
        if browser_required():
            pytest.fail(str(missing), pytrace=False)
        pytest.skip(not_run(missing))
    return {
        **browser_type_launch_args,
        "executable_path": program,
        "headless": True,
        "args": [*CHROMIUM_FLAGS, "--headless"],
    }


@pytest.fixture(scope="module")
def live_lab(browser):
    """JupyterLab on a copy of the notebooks, on the Engine DOCKER_HOST names, from a clean Engine
    (what the lab made is removed by label, as notebook 99 does, so that an exercise a run
    before left done does not pass its check before its solution) and with names chosen afresh
    (a state folder of its own), as in the live run."""
    subprocess.run([sys.executable, "-m", "labhelpers", "cleanup"], check=False)
    state = tempfile.mkdtemp(prefix="browser-state-")
    env = {"LABHELPERS_MODE": "live", "LABHELPERS_STATE_DIR": state}
    with Lab(env=env, screenshots=SCREENSHOTS, browser=browser) as lab:
        yield lab


@pytest.fixture(scope="module")
def replayed_lab(browser):
    """JupyterLab on a copy of the notebooks with no Engine reachable: the course replays."""
    with Lab(env=REPLAY, screenshots=SCREENSHOTS / "replay", browser=browser) as lab:
        yield lab
