"""Banners: in replay every output that shows data says so (a line or a box on top of results and
tables, a footnote on plots, a last line under printed text). Each starts with BANNER_MARK, so
nbval's sanitize file can drop it when comparing a replay with the live outputs.
"""

from __future__ import annotations

import contextlib
import html
import sys
from collections.abc import Callable
from typing import Any

from ..core.errors import LabError
from .keys import install_hook
from .modes import reason, why_replay
from .player import meta
from .state import state

__all__ = ["BANNER_MARK", "CHECK_NOTE", "StartBanner", "banner_html", "banner_text", "install"]

BANNER_MARK = "\u27f2 REPLAY"


def _store(m: dict) -> str:
    """ "containerd image store" or "overlay2 graph driver", from a recording's meta."""
    if m.get("image_store") == "containerd":
        return "containerd image store"
    return f"{m.get('storage_driver', '?')} graph driver"


def banner_text() -> str:
    m = meta()
    when = m.get("recorded_on", "?")
    engine = m.get("engine_version", "?")
    where = f"{_store(m)}, {m.get('engine_os', '?')}, {m.get('platform', '?')}"
    return (
        f"{BANNER_MARK} of a real run recorded {when} on Docker Engine {engine} ({where}). "
        "Not your Engine: for live results run the course where Docker runs (README)."
    )


CHECK_NOTE = (
    f"{BANNER_MARK}: exercise checks need a live Docker Engine, so this check cannot see what "
    "you did. Below is what it said in the recorded run."
)


def banner_html(text: str = "") -> str:
    return (
        '<div class="lh-replay-banner" style="border-left:4px solid #9a6700;'
        'background:rgba(154,103,0,.08);padding:2px 8px;margin:2px 0;font-size:90%">'
        f"{html.escape(text or banner_text())}</div>"
    )


class StartBanner:
    """What `start_lesson` shows in replay mode."""

    def __init__(self, notebook: str) -> None:
        self.notebook = notebook
        m = meta()
        self.lines = [
            f"Lesson {notebook}: REPLAY MODE ({why_replay()}).",
            "Every figure, table and plot below replays a real run of this notebook, recorded "
            f"{m.get('recorded_on', '?')} on Docker Engine {m.get('engine_version', '?')} "
            f"(API {m.get('api_version', '?')}) with the {_store(m)}, {m.get('engine_os', '?')}, "
            f"{m.get('platform', '?')}"
            + (
                " (the image store Docker Engine 29 and Docker Desktop use by default)."
                if m.get("image_store") == "containerd"
                else "."
            ),
            "Changing a widget shows only values that were recorded; exercise checks need a "
            "live Engine.",
            "For live results: " + _live_advice(),
        ]

    def __repr__(self) -> str:
        return "\n".join([f"{BANNER_MARK}", *self.lines])

    def _repr_html_(self) -> str:
        first, *rest = (html.escape(line) for line in self.lines)
        body = "<br>".join(rest)
        return (
            "<div style='border:2px solid #9a6700;background:rgba(154,103,0,.08);"
            f"padding:6px 10px'><b>{BANNER_MARK} · {first}</b><br>{body}</div>"
        )


def _live_advice() -> str:
    cause = reason()
    if isinstance(cause, LabError) and cause.todo and "Binder" not in cause.why:
        todo = cause.todo.rstrip(".").removesuffix(", then try again")
        return f"{cause.why.rstrip('.')}: {todo}, then restart the kernel."
    return "run the course on a machine with Docker (README: `make lab`), then restart the kernel."


_NO_BANNER = {"StartBanner", "CheckResult", "Solution", "Question"}


def _is_figure(obj: Any) -> bool:
    return type(obj).__module__.startswith("matplotlib") and type(obj).__name__ == "Figure"


def _label_figure(fig: Any) -> None:
    if getattr(fig, "_lh_replay_banner", False):
        return
    m = meta()
    fig.text(
        0.5,
        -0.01,
        f"{BANNER_MARK}: recorded {m.get('recorded_on', '?')} on Docker Engine "
        f"{m.get('engine_version', '?')} ({m.get('engine_os', '?')}); not a live measurement",
        ha="center",
        va="top",
        fontsize=8,
        color="#9a6700",
    )
    fig._lh_replay_banner = True


def _with_banner(original: Callable) -> Callable:
    def format(obj: Any, include: Any = None, exclude: Any = None) -> Any:
        if _is_figure(obj):
            _label_figure(obj)
        data, metadata = original(obj, include=include, exclude=exclude)
        text = CHECK_NOTE if any(obj is v for v in state.checks) else banner_text()
        skip = type(obj).__name__ in _NO_BANNER and text != CHECK_NOTE
        if not skip and not any("widget" in k for k in data):
            data = dict(data)
            if "text/plain" in data:
                data["text/plain"] = text + "\n" + data["text/plain"]
            if "text/html" in data:
                data["text/html"] = banner_html(text) + data["text/html"]
            state.bannered = True
        return data, metadata

    return format


def _watch_stdout(_: Any = None) -> None:
    """Note whether the cell prints. IPython 9 swaps `sys.stdout.write` for each cell (to keep the
    output in its history), so the watch is put on again as each cell starts."""
    current = sys.stdout.write
    if getattr(current, "_lh_watch", False):
        return

    def write(text: str, *args: Any, **kwargs: Any) -> Any:
        if text:
            state.printed = True
        return current(text, *args, **kwargs)

    write._lh_watch = True  # type: ignore[attr-defined]
    with contextlib.suppress(AttributeError, TypeError):
        sys.stdout.write = write  # type: ignore[method-assign]


def _on_post_run_cell(result: Any) -> None:
    if state.printed and not state.bannered:
        print(banner_text())


def install() -> None:
    """Put the banners on every output of this IPython session (once)."""

    def hook(shell: Any) -> None:
        formatter = shell.display_formatter
        formatter.format = _with_banner(formatter.format)
        shell.events.register("pre_run_cell", _watch_stdout)
        shell.events.register("post_run_cell", _on_post_run_cell)

    install_hook("banners", hook)
