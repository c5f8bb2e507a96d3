"""What the learner sees: every notebook run in a real JupyterLab, in a real browser. The page
helpers and the mouse scripts of the browser pass, which tests/browser/ runs as ordinary pytest
tests (pytest-playwright gives them the browser; `nox -s browser`, `make browser`).

`Lab` starts JupyterLab the way `make lab` does (headless, a free port on 127.0.0.1, a token) on a
copy of the notebooks and opens a page on it in the browser it is given; for each notebook
(`notebooks/[0-9]*.ipynb`), `run_notebook`:
opens it, clears the stored outputs and runs all cells from the Run menu, waits until the kernel
is idle, and fails on

- any error output;
- any widget that did not render: "Loading widget...", "Error displaying widget", a model not
  found, or fewer widget views than the notebook's stored outputs hold (without the widget
  manager, JupyterLab shows a widget as its plain-text repr: no error message at all);
- a progress bar that did not finish;
- fewer plots than the notebook's stored outputs hold;
- a code cell that did not run.

A full-page screenshot of each notebook goes to build/screenshots/<notebook>.png (replayed:
build/screenshots/replay/; windowing is off, so every cell is in the page, for the screenshot as
for the checks).

Then the learner's mouse (INTERACTIONS, each found by the code of the cell it needs, never by a
cell's position): a slider and the write button of the writable-layer widget (the measured sizes
and the plot after it change), stop and start in the lifecycle widget (its table gains rows), a
rebuild in the add-a-layer widget, one trial of the mount widget, every quiz answered wrong and
then right, and notebook 00's exercise checked before and after its solution, typed into a
JupyterLab terminal.

The same runs again with no Engine (LABHELPERS_MODE=replay, DOCKER_HOST at no socket):
every output that shows data carries the replay banner, the widgets answer with recorded values,
and a value that was not recorded says so.

Reported: the time from Run All to idle per notebook, and each widget action's.

Chromium or Chrome: the system's (`chromium()` finds it, or LABHELPERS_CHROMIUM names it);
Playwright never downloads one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = [
    "CHROMIUM_FLAGS",
    "INTERACTIONS",
    "Action",
    "Lab",
    "Notebook",
    "Problem",
    "RunReport",
    "browser_required",
    "chromium",
    "not_run",
    "notebook_names",
    "run_notebook",
    "stored_outputs",
]

ROOT = Path(__file__).resolve().parents[1]
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
WIDGET_MANAGER = "@jupyter-widgets/jupyterlab-manager"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_FAILURES = ("Loading widget...", "Error displaying widget", "Model not found")
# A widget view a cell shows (not one inside another widget): JupyterLab gives it no mime type.
TOP_WIDGETS = (
    ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output > .jupyter-widgets"
)
REPLAY = {"LABHELPERS_MODE": "replay", "DOCKER_HOST": "unix:///nonexistent.sock"}
REPLAY_MARK = "\u27f2 REPLAY"
# Cells that show no data, so no replay banner either (labhelpers.replay.banners leaves a Solution
# without one; a StartBanner and a check's verdict carry their own).
NO_DATA = ("lh.show_solution(", "lh.write_twin(")  # cells that show no Engine data
REPLAY_SAYS = (REPLAY_MARK, "REPLAY MODE", "needs a live Docker Engine")
NOT_RECORDED = "no recorded result"
# Settings a learner could pick too: every cell attached to the page (JupyterLab 4 otherwise
# leaves cells out of view unrendered, and text capture, counts and screenshots miss them), a
# terminal whose text is in the page (the screen reader mode), and no news pop-up.
SETTINGS = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/terminal-extension:plugin": {"screenReaderMode": True},
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


REQUIRED = "LABHELPERS_REQUIRE_BROWSER"  # .ci/run sets it to 1
# Where Chrome and Chromium install themselves outside PATH (macOS, Windows).
INSTALLED = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "~/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "~/Applications/Chromium.app/Contents/MacOS/Chromium",
    "%PROGRAMFILES%/Google/Chrome/Application/chrome.exe",
    "%PROGRAMFILES(X86)%/Google/Chrome/Application/chrome.exe",
    "%LOCALAPPDATA%/Google/Chrome/Application/chrome.exe",
)


def chromium() -> str:
    """The system's Chromium or Chrome: LABHELPERS_CHROMIUM, else one on PATH, else where
    macOS and Windows install Chrome (Playwright's own download is not possible here).

    Raises:
        RuntimeError: none found, with what to install.
    """
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
    on_path = next(filter(None, map(shutil.which, names)), "")
    installed = (Path(os.path.expandvars(os.path.expanduser(p))) for p in INSTALLED)
    found = (
        os.environ.get("LABHELPERS_CHROMIUM")
        or on_path
        or next((str(p) for p in installed if "%" not in str(p) and p.is_file()), "")
    )
    if not found:
        raise RuntimeError(
            "No Chromium or Chrome found for the browser pass.\n"
            "Why: it drives the browser the machine has (Playwright downloads none here).\n"
            "What to do: install one (Debian/Ubuntu: `sudo apt-get install -y chromium`; macOS or "
            "Windows: Google Chrome), or set LABHELPERS_CHROMIUM to its program file"
        )
    return found


def browser_required() -> bool:
    """Whether a browser pass that cannot run is a failure: where CI asks for it
    (LABHELPERS_REQUIRE_BROWSER=1, or CI=true as CI services set it; LABHELPERS_REQUIRE_BROWSER=0
    says no). On a learner's machine it is reported as not run."""
    said = os.environ.get(REQUIRED, "")
    if said in ("0", "1"):
        return said == "1"
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def not_run(exc: BaseException) -> str:
    """The one line saying the browser pass was not run, from chromium()'s error: why, and what
    to install."""
    first, *_, todo = str(exc).splitlines()
    return f"not run: {first} {todo}"


def notebook_names(wanted: list[str] | None = None) -> list[str]:
    """The course's notebooks (`notebooks/[0-9]*.ipynb`), or those whose names start with WANTED."""
    names = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    if wanted:
        names = [n for n in names if any(n.startswith(w) for w in wanted)]
    return names


def stored_outputs(path: Path) -> dict:
    """How many plots (image/png) and widget views the notebook's stored outputs hold."""
    notebook = json.loads(Path(path).read_text())
    counts = {"images": 0, "widgets": 0}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            data = output.get("data", {})
            counts["images"] += "image/png" in data
            counts["widgets"] += WIDGET_VIEW in data
    return counts


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclasses.dataclass
class Problem:
    notebook: str
    what: str


@dataclasses.dataclass
class Action:
    """One thing done with the mouse: what, how long until the page showed the answer, and
    whether the answer was the expected one."""

    notebook: str
    name: str
    seconds: float
    ok: bool
    detail: str = ""


@dataclasses.dataclass
class RunReport:
    notebook: str
    seconds: float
    outputs: int
    images: int
    widgets: int
    problems: list
    screenshot: str
    actions: list = dataclasses.field(default_factory=list)


class Lab:
    """JupyterLab on a copy of the notebooks, as `make lab` starts it, and a browser on it.

    `env`: extra environment for the server, its kernels and terminals (DOCKER_HOST,
    LABHELPERS_MODE, ...). `disabled_extensions`: lab extensions switched off, as
    `jupyter labextension disable` does it, in a throw-away config folder (tests break the
    widgets on purpose with it)."""

    def __init__(
        self,
        notebooks: Path | None = None,
        env: dict | None = None,
        disabled_extensions: tuple = (),
        screenshots: Path = SCREENSHOTS,
        browser=None,
    ) -> None:
        self.source = notebooks or ROOT / "notebooks"
        self.browser = browser  # a Playwright Browser (pytest-playwright's); else one of its own
        self.screenshots = screenshots
        self.extra_env = env or {}
        self.disabled = disabled_extensions
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.root: Path | None = None
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Lab:
        try:
            return self._start()
        except BaseException:
            self._stack.close()
            raise

    def _start(self) -> Lab:
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
        (settings / "overrides.json").write_text(json.dumps(SETTINGS))
        env = {
            **os.environ,
            **self.extra_env,
            "JUPYTER_CONFIG_DIR": str(config),
            "JUPYTERLAB_SETTINGS_DIR": str(settings / "user"),
            "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
        }
        argv = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1"]
        argv += [f"--port={self.port}", f"--IdentityProvider.token={self.token}"]
        argv += [f"--ServerApp.root_dir={self.root}", "--LabApp.expose_app_in_browser=True"]
        argv += [f"--LabApp.app_settings_dir={settings}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            argv.append("--allow-root")  # as `make lab` does
        self.log = scratch / "lab.log"
        with self.log.open("w") as log:
            # started in the notebooks' folder, as `make lab` does (terminals open there)
            self.server = subprocess.Popen(
                argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=self.root
            )
        self._stack.callback(self._stop)
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                break
            if self.server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.3)
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            playwright = self._stack.enter_context(sync_playwright())
            self.browser = playwright.chromium.launch(
                executable_path=chromium(), args=CHROMIUM_FLAGS
            )
            self._stack.callback(self.browser.close)
        self.page = self.browser.new_page(viewport={"width": 1400, "height": 1000})
        self._stack.callback(self.page.close)
        self.page.set_default_timeout(120_000)
        self._open_page()
        # the file browser would take a fifth of every screenshot
        self.page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        return self

    def _open_page(self, attempts: int = 3) -> None:
        """JupyterLab's page, once its theme has loaded. On a loaded machine the theme's
        stylesheet request can fail; JupyterLab then shows a modal "Error Loading Theme" dialog
        that takes every click after it (a CI run lost all 11 live notebooks to one). The page is
        then loaded again, as a learner would reload it."""
        for _ in range(attempts):
            self.page.goto(f"http://127.0.0.1:{self.port}/lab?token={self.token}")
            self.page.wait_for_function("window.jupyterapp && window.jupyterapp.shell", polling=300)
            self.page.wait_for_selector(".jp-LabShell", timeout=90_000)
            self.page.wait_for_function(
                "() => document.body.dataset.jpThemeName || document.querySelector('.jp-Dialog')",
                polling=300,
            )
            dialog = self.page.locator(".jp-Dialog")
            if not dialog.count() or "Error Loading Theme" not in dialog.first.inner_text():
                return
        raise RuntimeError(
            f"JupyterLab could not load its theme {attempts} times: {self.log.read_text()[-2000:]}"
        )

    def _stop(self) -> None:
        self.server.terminate()
        try:
            self.server.wait(20)
        except subprocess.TimeoutExpired:
            self.server.kill()

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    @contextlib.contextmanager
    def notebook(self, name: str) -> Iterator[Notebook]:
        """NAME opened as a double click in the file browser opens it (docmanager:open)."""
        page = self.page
        page.evaluate(
            "([path]) => { window.jupyterapp.commands.execute('docmanager:open', {path}); }",
            [name],
        )
        page.wait_for_function(_PANEL_JS + f"panel({json.dumps(name)}) !== undefined")
        notebook = Notebook(self, page, name)
        try:
            notebook.wait_ready()
            yield notebook
        finally:
            with contextlib.suppress(Exception):
                notebook._js("return p.sessionContext.shutdown().then(() => p.dispose());")

    def terminal_run(self, command: str, expect: str, timeout_s: float = 300) -> str:
        """Open File > New > Terminal, type COMMAND and Enter; wait until EXPECT shows; return the
        terminal's text. The terminal is closed again."""
        page = self.page
        page.get_by_role("menuitem", name="File", exact=True).click()
        # a submenu's item has no menuitem role: found by its label
        page.locator(".lm-Menu-itemLabel").get_by_text("New", exact=True).hover()
        page.locator(".lm-Menu-itemLabel").get_by_text("Terminal", exact=True).click()
        terminal = page.locator(".jp-Terminal").last
        terminal.locator(".xterm-screen").click()
        page.wait_for_timeout(1000)  # the shell's first prompt
        page.keyboard.type(command, delay=5)
        page.keyboard.press("Enter")
        rows = terminal.locator(".xterm-accessibility-tree, .xterm-rows").first
        deadline = time.monotonic() + timeout_s
        text = ""
        while time.monotonic() < deadline:
            text = rows.inner_text().replace("\xa0", " ").strip()
            if expect in text:
                break
            page.wait_for_timeout(500)
        page.evaluate(
            "() => { const t = window.jupyterapp.shell.currentWidget;"
            " if (t && t.content && t.content.session) t.content.session.shutdown();"
            " if (t) t.dispose(); }"
        )
        return text


# The open notebook panel of a path (the app is exposed: LabApp.expose_app_in_browser).
_PANEL_JS = """
const panel = (path) => [...window.jupyterapp.shell.widgets('main')]
    .find(w => w.context && w.context.path === path && w.content && w.content.widgets);
"""


class Notebook:
    """One open notebook in the browser. Cells are found by the code they contain."""

    def __init__(self, lab: Lab, page, name: str) -> None:
        self.lab, self.page, self.name = lab, page, name
        self.replay = lab.extra_env.get("LABHELPERS_MODE") == "replay"
        self.view = page.locator(f".jp-NotebookPanel:has(.jp-Notebook)[id='{self._id()}']")

    def _id(self) -> str:
        return self.page.evaluate(_PANEL_JS + f"panel({json.dumps(self.name)}).id")

    def _js(self, body: str):
        return self.page.evaluate(
            "() => {" + _PANEL_JS + f"const p = panel({json.dumps(self.name)}); {body} }}"
        )

    def kernel_status(self) -> str:
        return self._js("return p.sessionContext.kernelDisplayStatus;")

    def wait_ready(self) -> None:
        """Until the kernel started (accepting the kernel dialog, as a learner would)."""
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            dialog = self.page.locator(".jp-Dialog")
            if dialog.count() and "Select Kernel" in dialog.first.inner_text():
                dialog.first.locator(".jp-mod-accept").click()
            if self.kernel_status() == "idle":
                return
            self.page.wait_for_timeout(500)
        raise TimeoutError(f"{self.name}: the kernel did not start ({self.kernel_status()})")

    def wait_idle(self, timeout_s: float = 900) -> None:
        """Until no cell waits or runs ([*]) and the kernel is idle."""
        self.page.wait_for_function(
            "() => {"
            + _PANEL_JS
            + f"const p = panel({json.dumps(self.name)});"
            + """
                const busy = [...p.node.querySelectorAll('.jp-InputArea-prompt')]
                    .some(e => e.textContent.includes('*'));
                return !busy && p.sessionContext.kernelDisplayStatus === 'idle';
            }""",
            timeout=timeout_s * 1000,
            polling=500,
        )

    def menu(self, top: str, item: str) -> None:
        self.page.get_by_role("menuitem", name=top, exact=True).click()
        self.page.get_by_role("menuitem", name=item, exact=True).click()

    def run_all(self) -> float:
        """Edit > Clear Outputs of All Cells, then Run > Run All Cells, as a learner clicks them;
        returns the seconds until idle."""
        self.view.click(position={"x": 5, "y": 5})
        self.menu("Edit", "Clear Outputs of All Cells")
        self.menu("Run", "Run All Cells")
        started = time.perf_counter()
        self.page.wait_for_timeout(1000)
        self.wait_idle()
        seconds = time.perf_counter() - started
        self.page.wait_for_timeout(1500)  # the last widget views render after the kernel idles
        return seconds

    # --- cells, found by their code ---------------------------------------------------------------

    def sources(self) -> list[str]:
        """Each cell's code, in order ("" for a markdown or raw cell)."""
        return self._js(
            "return p.content.widgets.map(c =>"
            " c.model.type === 'code' ? c.model.sharedModel.getSource() : '');"
        )

    def cell_index(self, code: str, after: int = -1) -> int | None:
        """The first cell after AFTER whose source contains CODE (None: no such cell)."""
        return next(
            (i for i, s in enumerate(self.sources()) if i > after and code in s),
            None,
        )

    def cell(self, index: int):
        return self.view.locator(".jp-Notebook .jp-Cell").nth(index)

    def run_cell(self, index: int) -> None:
        """Click the cell's prompt and press Shift+Enter; wait until the kernel is idle."""
        self.cell(index).locator(".jp-InputArea-prompt").click()
        self.page.keyboard.press("Shift+Enter")
        self.page.wait_for_timeout(500)
        self.wait_idle()

    def outputs_text(self, index: int) -> str:
        return self.cell(index).locator(".jp-Cell-outputArea").first.inner_text()

    def image(self, index: int) -> str:
        """The src of the cell's last image (a data URL: the plot itself), or ""."""
        images = self.cell(index).locator(".jp-RenderedImage img")
        return images.last.get_attribute("src") if images.count() else ""

    def click_button(self, index: int, label: str, changes: Callable[[], str]) -> float:
        """Click the button LABEL in cell INDEX; wait until CHANGES() gives something new and the
        kernel is idle; return the seconds that took."""
        before = changes()
        # a button's icon can add a space to its name: the label, whole, and nothing else
        whole = re.compile(rf"^\s*{re.escape(label)}\s*$")
        self.cell(index).locator("button").filter(has_text=whole).first.click()
        started = time.perf_counter()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(300)
            now = changes()
            if now != before and "..." not in now[-40:] and self.kernel_status() == "idle":
                break
        self.wait_idle()
        return time.perf_counter() - started

    # --- what is wrong on the page ------------------------------------------------------------

    def text(self) -> str:
        return self.view.locator(".jp-Notebook").inner_text()

    def problems(self, expected: dict) -> list[Problem]:
        found = []
        outputs = self.view.locator(".jp-OutputArea-output")
        errors = self.view.locator(
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
        shown = self.view.locator(TOP_WIDGETS).count()
        if shown < expected["widgets"]:
            plain = [
                t.strip()[:160]
                for t in outputs.all_inner_texts()
                if re.match(r"\s*(VBox|HBox|Box|Accordion|Tab)\(|\s*\[widget: ", t)
            ]
            as_text = f" (shown as text: {plain[0]!r} ...)" if plain else ""
            found.append(
                Problem(
                    self.name,
                    f"a widget did not render: {shown} widget views shown, "
                    f"{expected['widgets']} expected{as_text}",
                )
            )
        unfinished = self.page.evaluate(
            """() => [...document.querySelectorAll('.widget-progress .progress-bar')]
                .filter(b => b.offsetParent !== null)
                .map(b => parseFloat(b.style.width || '0'))
                .filter(w => w < 99.5).length"""
        )
        if unfinished:
            found.append(Problem(self.name, f"{unfinished} progress bar(s) did not finish"))
        images = self.view.locator(".jp-RenderedImage img").count()
        if images < expected["images"]:
            found.append(Problem(self.name, f"{images} plots shown, {expected['images']} expected"))
        not_run = self._js(
            "return p.content.widgets.filter(c => c.model.type === 'code'"
            " && c.model.sharedModel.getSource().trim() && !c.model.executionCount).length;"
        )
        if not_run:
            found.append(Problem(self.name, f"{not_run} code cell(s) did not run"))
        if self.replay:
            found += self._missing_banners()
        return found

    def _missing_banners(self) -> list[Problem]:
        """In a replay, each code cell's outputs (widgets aside) say that they are one."""
        found = []
        for index, source in enumerate(self.sources()):
            if "lh." not in source or any(code in source for code in NO_DATA):
                continue
            shown = self.cell(index).locator(
                ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output"
                ":not(:has(> .jupyter-widgets))"
            )
            text = "\n".join(shown.all_inner_texts()).strip()
            if text and not any(mark in text for mark in REPLAY_SAYS):
                line = source.strip().splitlines()[-1][:60]
                found.append(Problem(self.name, f"no replay banner on the output of `{line}`"))
        return found

    def screenshot(self) -> str:
        """The whole notebook: the window made as tall as its content, then one picture."""
        self.lab.screenshots.mkdir(parents=True, exist_ok=True)
        height = self._js(
            "const n = p.node.querySelector('.jp-WindowedPanel-outer') || p.node;"
            " return n.scrollHeight + 200;"
        )
        self.page.set_viewport_size({"width": 1400, "height": min(int(height), 32000)})
        self._js("p.node.querySelectorAll('.jp-WindowedPanel-outer').forEach(n => n.scrollTop = 0)")
        self.page.wait_for_timeout(2000)
        path = self.lab.screenshots / f"{Path(self.name).stem}.png"
        self.page.screenshot(path=str(path))
        self.page.set_viewport_size({"width": 1400, "height": 1000})
        return str(path)


# --- what a learner does with the mouse -------------------------------------------------------


def _widget_text(notebook: Notebook, index: int) -> Callable[[], str]:
    return lambda: notebook.outputs_text(index)


def _drag_slider(notebook: Notebook, index: int, fraction: float) -> str:
    """Drag the cell's first slider's handle to FRACTION of its track; return its readout."""
    slider = notebook.cell(index).locator(".widget-slider").first
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    track = slider.locator(".noUi-target, .slider").first.bounding_box()
    box = handle.bounding_box()
    mouse = notebook.page.mouse
    mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    mouse.down()
    mouse.move(track["x"] + track["width"] * fraction, box["y"] + box["height"] / 2, steps=8)
    mouse.up()
    notebook.page.wait_for_timeout(800)
    return slider.locator(".widget-readout").first.inner_text().strip()


def deltas(notebook: Notebook, index: int) -> list[Action]:
    """Writable layer: the write button as it is, then a slider moved and the button again. Live,
    the sizes and the equation's plot after the widget change; in a replay the first press shows
    the recorded sizes and the moved slider is said to be not recorded."""
    button = "Write into each container"
    actions = []
    shown = _widget_text(notebook, index)
    if notebook.replay:
        seconds = notebook.click_button(index, "Write into each container", shown)
        ok = "MB" in shown() and "Error" not in shown()
        actions.append(Action(notebook.name, "write, sliders as recorded", seconds, ok, shown()))
    plot_cell = next(
        (i for i in range(index + 1, len(notebook.sources())) if notebook.image(i)), None
    )
    plot_before = notebook.image(plot_cell) if plot_cell is not None else ""
    before = shown()
    value = _drag_slider(notebook, index, 0.05)
    seconds = notebook.click_button(index, button, shown)
    after = shown()
    if notebook.replay:
        ok = NOT_RECORDED in after
        actions.append(Action(notebook.name, f"write {value} MiB (not recorded)", seconds, ok))
        return actions
    # the table's bytes in the file: the slider's MiB, measured in the container
    ok = after != before and f"{int(float(value)) * 1024 * 1024:,}" in after
    detail = "" if ok else f"before: {before[-300:]!r}\nafter: {after[-300:]!r}"
    actions.append(Action(notebook.name, f"slider to {value} MiB, write", seconds, ok, detail))
    if plot_cell is None:
        actions.append(Action(notebook.name, "plot after the widget", 0, False, "no plot found"))
        return actions
    started = time.perf_counter()
    for cell in range(index + 1, plot_cell + 1):
        if notebook.sources()[cell].strip():
            notebook.run_cell(cell)
    ok = notebook.image(plot_cell) not in ("", plot_before)
    actions.append(
        Action(notebook.name, "cells re-run: the plot changed", time.perf_counter() - started, ok)
    )
    return actions


def lifecycle(notebook: Notebook, index: int) -> list[Action]:
    """Stop, then start: each press shows the commands it ran and redraws the timeline's plot
    below the buttons (a replay: the recorded step, or says it was not recorded)."""
    actions = []
    shown = _widget_text(notebook, index)
    for step in ("stop", "start"):
        plot = notebook.image(index)
        seconds = notebook.click_button(index, step, shown)
        text = shown()
        redrawn = notebook.image(index) not in ("", plot)
        ok = (f"docker {step}" in text and redrawn) or (notebook.replay and NOT_RECORDED in text)
        what = f"{step}: its commands shown, the plot redrawn"
        actions.append(Action(notebook.name, what, seconds, ok, text[-300:]))
    return actions


def add_layer(notebook: Notebook, index: int) -> list[Action]:
    """Another instruction picked (ENV: the cell ran RUN), Rebuild: its effect replaces the first
    (replay: says this build was not recorded). The same instruction again would rebuild the same
    image from the build cache and show the same effect: no change to wait for."""
    from labhelpers.lessons.layers.experiments import ADD_LAYER_CHOICES

    before = notebook.outputs_text(index)
    notebook.cell(index).locator("select").first.select_option(label=ADD_LAYER_CHOICES["env"])
    seconds = notebook.click_button(index, "Rebuild", _widget_text(notebook, index))
    after = notebook.outputs_text(index)
    ok = after != before and ("Error" not in after or NOT_RECORDED in after)
    return [Action(notebook.name, "add a layer: ENV, rebuild", seconds, ok, after[-300:])]


def trial(notebook: Notebook, index: int) -> list[Action]:
    """Another kind of storage picked, one trial: its verdict shows (in a replay, the recorded
    one, or a message that this pair was not recorded)."""
    shown = _widget_text(notebook, index)
    kinds = notebook.cell(index).locator("select").first
    other = next(o for o in kinds.locator("option").all_inner_texts() if o != kinds.input_value())
    kinds.select_option(label=other)
    seconds = notebook.click_button(index, "Write, do it, read back", shown)
    after = shown()
    ok = "KEPT" in after or "LOST" in after or (notebook.replay and NOT_RECORDED in after)
    return [Action(notebook.name, f"one trial: {other}", seconds, ok, after[-300:])]


def quiz(notebook: Notebook, index: int) -> list[Action]:
    """The first question answered wrong (picked, Check: "Not quite"), then right: once checked,
    the verdict follows the pick (labhelpers.widgets.quiz), so "Right" shows on the pick."""
    from labhelpers.teaching.questions import load_quiz

    source = notebook.sources()[index]
    name = re.search(r"lh\.quiz\(\s*[\"']([^\"']+)", source)
    question = load_quiz(name.group(1) if name else Path(notebook.name).stem)[0]
    row = notebook.cell(index).locator(".widget-vbox .widget-vbox").first
    wrong = next(i for i in range(len(question.options)) if i != question.answer)
    row.locator(".widget-radio-box label").nth(wrong).click()
    seconds = notebook.click_button(index, "Check", lambda: row.inner_text())
    actions = [Action(notebook.name, "quiz: not quite", seconds, "Not quite" in row.inner_text())]
    started = time.perf_counter()
    row.locator(".widget-radio-box label").nth(question.answer).click()
    deadline = time.monotonic() + 60
    while "Right" not in row.inner_text() and time.monotonic() < deadline:
        notebook.page.wait_for_timeout(200)
    seconds = time.perf_counter() - started
    actions.append(Action(notebook.name, "quiz: right", seconds, "Right" in row.inner_text()))
    return actions


def exercise(notebook: Notebook, index: int) -> list[Action]:
    """The exercise check before its solution (not yet), the solution typed into a JupyterLab
    terminal, the check again (passed). In a replay the check says it needs a live Engine."""
    before = notebook.outputs_text(index)
    if notebook.replay:
        ok = "live Docker Engine" in before
        return [Action(notebook.name, "exercise check (replay)", 0, ok, before[-300:])]
    name = re.search(r"solutions/([\w.-]+\.sh)", "\n".join(notebook.sources()))
    if "Not yet" not in before or name is None:
        detail = "the check passed before the solution" if name else "no solution file named"
        return [Action(notebook.name, "exercise check before", 0, False, detail)]
    started = time.perf_counter()
    # the marker is computed, so that the typed command itself does not show it
    command = f"bash solutions/{name.group(1)}; echo SOLUTION-$((6 * 7))"
    typed = notebook.lab.terminal_run(command, "SOLUTION-42")
    notebook.page.wait_for_timeout(500)
    notebook.run_cell(index)
    after = notebook.outputs_text(index)
    ok = "Passed" in after and "SOLUTION-42" in typed
    detail = "" if ok else f"terminal: {typed[-400:]!r}\ncheck: {after[-300:]!r}"
    return [
        Action(
            notebook.name,
            "exercise: not yet, solution in a terminal, passed",
            time.perf_counter() - started,
            ok,
            detail,
        )
    ]


# The code a cell contains -> what a learner does with the widget it shows.
INTERACTIONS: list[tuple[str, Callable[[Notebook, int], list[Action]]]] = [
    ("lh.writable.deltas_widget(", deltas),
    ("lh.lifecycle.lifecycle_widget(", lifecycle),
    ("lh.layers.add_layer_widget(", add_layer),
    ("lh.mounts.trial_widget(", trial),
    ("lh.quiz(", quiz),
    ("lh.setup.check_first_volume(", exercise),
]


def run_notebook(lab: Lab, name: str, interact: bool = True) -> RunReport:
    """Open NAME, Run All, check what the page shows, take the screenshot; then the learner's
    mouse on the widgets INTERACTIONS know (when INTERACT)."""
    with lab.notebook(name) as notebook:
        seconds = notebook.run_all()
        problems = notebook.problems(stored_outputs(lab.source / name))
        shot = notebook.screenshot()
        view = notebook.view
        report = RunReport(
            name,
            seconds,
            view.locator(".jp-OutputArea-output").count(),
            view.locator(".jp-RenderedImage img").count(),
            view.locator(TOP_WIDGETS).count(),
            problems,
            shot,
        )
        # widgets that did not render cannot be used: each try would only wait for its timeout
        usable = interact and not any("widget did not render" in p.what for p in problems)
        for code, interaction in INTERACTIONS if usable else ():
            index = notebook.cell_index(code)
            if index is None:
                continue
            try:
                report.actions += interaction(notebook, index)
            except Exception as exc:  # a timeout or a missing control: the pass reports it
                what = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                report.actions.append(Action(name, interaction.__name__, 0, False, what))
        return report
