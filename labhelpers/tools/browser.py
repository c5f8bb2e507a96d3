"""What the learner sees: every notebook run in a real JupyterLab, in a real browser.

`python -m labhelpers browser` (make browser) starts JupyterLab the way `make lab` does (headless,
a free port on 127.0.0.1, a token) on a copy of the notebooks, drives Chromium with Playwright,
and for each notebook: opens it, runs all cells from the Run menu, waits until the kernel is idle,
and fails on any error output, any widget that did not render ("Loading widget...", "Error
displaying widget", a model not found), a progress bar that did not finish, or fewer plots than
the notebook's stored outputs hold. A full screenshot of each notebook goes to
build/screenshots/<notebook>.png; the time from Run All to idle is printed.

Interactions a learner makes with the mouse (a slider and a button, a quiz answered wrong then
right, an exercise check before and after its solution typed into a JupyterLab terminal) are
scripted in tests/test_browser.py on top of `Lab` and `Notebook`.

Chromium: Debian's (/usr/bin/chromium, or LABHELPERS_CHROMIUM); Playwright never downloads one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["CHROMIUM_FLAGS", "Lab", "Notebook", "Problem", "RunReport", "chromium", "main"]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NEWS_OFF = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}
WIDGET_FAILURES = ("Loading widget...", "Error displaying widget", "Model not found")


def chromium() -> str:
    """The system Chromium (Playwright's own download is not possible here, nor wanted)."""
    found = os.environ.get("LABHELPERS_CHROMIUM") or shutil.which("chromium") or ""
    if not found:
        raise RuntimeError(
            "No Chromium found: install Debian's `chromium` (apt-get install chromium), "
            "or set LABHELPERS_CHROMIUM to a Chromium binary."
        )
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclasses.dataclass
class Problem:
    notebook: str
    what: str


@dataclasses.dataclass
class RunReport:
    notebook: str
    seconds: float
    outputs: int
    images: int
    widgets: int
    problems: list
    screenshot: str


class Lab:
    """JupyterLab on a copy of the notebooks, as `make lab` starts it, and a browser on it.

    `env`: extra environment for the server and its kernels (DOCKER_HOST, LABHELPERS_MODE, ...).
    `disabled_extensions`: lab extensions to switch off (tests break widgets on purpose)."""

    def __init__(
        self,
        notebooks: Path | None = None,
        env: dict | None = None,
        disabled_extensions: tuple = (),
    ) -> None:
        self.source = notebooks or ROOT / "notebooks"
        self.extra_env = env or {}
        self.disabled = disabled_extensions
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.root: Path | None = None
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Lab:
        scratch = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="lab-ui-")))
        self.root = scratch / "notebooks"
        shutil.copytree(
            self.source,
            self.root,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "my-app", "workspace"),
        )
        config = scratch / "config"
        (config / "labconfig").mkdir(parents=True)
        page = {"disabledExtensions": dict.fromkeys(self.disabled, True)}
        (config / "labconfig" / "page_config.json").write_text(json.dumps(page))
        settings = scratch / "settings"
        settings.mkdir()
        (settings / "overrides.json").write_text(json.dumps(NEWS_OFF))
        env = {
            **os.environ,
            **self.extra_env,
            "JUPYTER_CONFIG_DIR": str(config),
            "JUPYTERLAB_SETTINGS_DIR": str(settings / "user"),
        }
        argv = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1"]
        argv += [f"--port={self.port}", f"--IdentityProvider.token={self.token}"]
        argv += [f"--ServerApp.root_dir={self.root}", "--LabApp.expose_app_in_browser=True"]
        argv += [f"--LabApp.app_settings_dir={settings}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            argv.append("--allow-root")  # as `make lab` does
        log = (scratch / "lab.log").open("w")
        self.server = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._stack.callback(self._stop)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                break
            if self.server.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited: {(scratch / 'lab.log').read_text()[-2000:]}"
                )
            time.sleep(0.3)
        from playwright.sync_api import sync_playwright

        self.playwright = self._stack.enter_context(sync_playwright())
        self.browser = self.playwright.chromium.launch(
            executable_path=chromium(), args=CHROMIUM_FLAGS
        )
        self._stack.callback(self.browser.close)
        return self

    def _stop(self) -> None:
        self.server.terminate()
        try:
            self.server.wait(20)
        except subprocess.TimeoutExpired:
            self.server.kill()

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/lab/tree/{path}?token={self.token}"

    @contextlib.contextmanager
    def notebook(self, name: str) -> Iterator[Notebook]:
        page = self.browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(self.url(name))
            page.wait_for_selector(".jp-Notebook", timeout=90_000)
            page.wait_for_function("window.jupyterapp !== undefined", timeout=60_000)
            yield Notebook(self, page, name)
        finally:
            with contextlib.suppress(Exception):
                page.evaluate("window.jupyterapp.commands.execute('kernelmenu:shutdown')")
            page.close()


class Notebook:
    """One open notebook in the browser."""

    def __init__(self, lab: Lab, page, name: str) -> None:
        self.lab, self.page, self.name = lab, page, name

    def wait_idle(self, timeout_s: float = 900) -> None:
        """Until no cell waits or runs ([*]) and the kernel says Idle."""
        self.page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll('.jp-InputArea-prompt')];
                const busy = prompts.some(p => p.textContent.includes('*'));
                const status = document.querySelector('.jp-StatusBar-TextItem, .jp-StatusBar');
                return !busy && (!status || !/Busy|Connecting|Starting/.test(status.textContent));
            }""",
            timeout=timeout_s * 1000,
            polling=500,
        )

    def run_all(self) -> float:
        """Run > Run All Cells, as a learner clicks it; returns the seconds until idle."""
        self.page.wait_for_function(
            "document.body.textContent.includes('Idle')", timeout=120_000, polling=500
        )
        self.page.get_by_role("menuitem", name="Run", exact=True).click()
        self.page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        started = time.perf_counter()
        self.page.wait_for_timeout(1000)
        self.wait_idle()
        self.page.wait_for_timeout(1500)  # the last widget views render after the kernel idles
        return time.perf_counter() - started

    def text(self) -> str:
        return self.page.locator(".jp-Notebook").inner_text()

    def problems(self, expected_images: int) -> list[Problem]:
        found = []
        page = self.page
        errors = page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        )
        for index in range(errors.count()):
            text = errors.nth(index).inner_text()
            if "Traceback" in text or "Error" in text:
                found.append(Problem(self.name, f"error output: {text.strip()[:300]}"))
        body = self.text()
        for failure in WIDGET_FAILURES:
            if failure in body:
                found.append(Problem(self.name, f"a widget did not render: {failure!r}"))
        unfinished = page.evaluate(
            """() => [...document.querySelectorAll('.widget-progress .progress-bar')]
                .map(b => parseFloat(b.style.width || '0'))
                .filter(w => w < 99.5).length"""
        )
        if unfinished:
            found.append(Problem(self.name, f"{unfinished} progress bar(s) did not finish"))
        images = page.locator(".jp-RenderedImage img").count()
        if images < expected_images:
            found.append(Problem(self.name, f"{images} plots shown, {expected_images} expected"))
        return found

    def screenshot(self) -> str:
        """The whole notebook: the window made as tall as its content, then one picture."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        height = self.page.evaluate(
            """() => { const n = document.querySelector('.jp-WindowedPanel-outer')
                       || document.querySelector('.jp-Notebook');
                       return n ? n.scrollHeight + 200 : 2000 }"""
        )
        self.page.set_viewport_size({"width": 1400, "height": min(int(height), 30000)})
        self.page.evaluate(
            """() => document.querySelectorAll('.jp-WindowedPanel-outer, .jp-Notebook')
                       .forEach(n => { n.scrollTop = 0; })"""
        )
        self.page.wait_for_timeout(2500)
        path = SCREENSHOTS / f"{Path(self.name).stem}.png"
        self.page.screenshot(path=str(path))
        self.page.set_viewport_size({"width": 1400, "height": 1000})
        return str(path)


def stored_images(path: Path) -> int:
    """How many plots (image/png outputs) the notebook's stored outputs hold."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    return sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    )


def run_notebook(lab: Lab, name: str) -> RunReport:
    with lab.notebook(name) as notebook:
        seconds = notebook.run_all()
        expected = stored_images(lab.source / name)
        problems = notebook.problems(expected)
        shot = notebook.screenshot()
        page = notebook.page
        return RunReport(
            name,
            seconds,
            page.locator(".jp-OutputArea-output").count(),
            page.locator(".jp-RenderedImage img").count(),
            page.locator(".widget-box, .jupyter-widgets").count(),
            problems,
            shot,
        )


def main(wanted: list[str] | None = None, env: dict | None = None) -> int:
    """Run every notebook (or those starting with `wanted`) in the browser; 0 when all pass."""
    names = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    if wanted:
        names = [n for n in names if any(n.startswith(w) for w in wanted)]
    failures = 0
    with Lab(env=env) as lab:
        for name in names:
            report = run_notebook(lab, name)
            status = "ok" if not report.problems else "FAILED"
            print(
                f"{name}: {status} in {report.seconds:.0f} s, {report.outputs} outputs, "
                f"{report.images} plots, screenshot {report.screenshot}",
                flush=True,
            )
            for problem in report.problems:
                print(f"  - {problem.what}")
            failures += bool(report.problems)
    return 1 if failures else 0
