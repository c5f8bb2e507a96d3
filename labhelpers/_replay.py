"""Live, replay and recording: the course on machines with no Docker Engine (Binder).

Modes (the LABHELPERS_MODE setting): `live` talks to the Engine; `replay` answers every helper
from a recording of a real run; `auto` (the default) is live when an Engine answers, else replay.

Recording: with LABHELPERS_RECORD_DIR=DIR set in a live run, each notebook that calls
`lh.start_lesson(name)` writes DIR/<name>.json: every helper call (each `@engine_step`, outermost
only) with its arguments, what it printed, the callbacks it made, and its result or lab error.
`python -m labhelpers record` does this for every notebook into labhelpers/recordings/.

Keys: a call is found again by the notebook, the code cell it ran in (a hash of the cell's code)
and how many times that cell had run, then by helper and arguments (machine-specific paths
normalised) and its order among equal calls in that cell. So the same `container_sizes()` gives
what it gave at that point of the notebook, and re-running a cell gives the same answer again.
A call not recorded in that cell (a widget moved back to its default) gets the last recorded
result of the same call, with a note saying so; a call never recorded raises NotRecorded.

Banner: in replay every output that shows data says so (a line or a box on top of results and
tables, a footnote on plots, a last line under printed text). It starts with BANNER_MARK, so
nbval's sanitize file can drop it when comparing a replay with the live outputs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import html
import importlib
import inspect
import json
import os
import platform
import re
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from ._errors import DockerUnavailable, LabError, NotRecorded

MODE_SETTING = "LABHELPERS_MODE"
RECORD_SETTING = "LABHELPERS_RECORD_DIR"
RECORDINGS_SETTING = "LABHELPERS_RECORDINGS"  # replay from this folder, not the package's
FORMAT = 1
BANNER_MARK = "\u27f2 REPLAY"
SCRIPT_CELL = "script"  # the cell of calls made outside IPython

_auto: dict[str, Any] = {}  # the auto mode's verdict, decided once per process
_local = threading.local()


# --- modes -----------------------------------------------------------------------------------


def setting() -> str:
    value = os.environ.get(MODE_SETTING, "auto").strip().lower() or "auto"
    if value not in ("live", "replay", "auto"):
        raise LabError(
            f"{MODE_SETTING}={value} is not a mode the lab knows.",
            "the modes are live (a Docker Engine), replay (recorded results) and auto.",
            f"set {MODE_SETTING} to live, replay or auto (or unset it).",
        )
    return value


def mode() -> str:
    """ "live" or "replay"; in auto mode, live when an Engine answers (asked once per process)."""
    chosen = setting()
    if chosen != "auto":
        return chosen
    if "mode" not in _auto:
        from ._engine import client

        try:
            client()
            _auto["mode"] = "live"
        except DockerUnavailable as exc:
            _auto["mode"], _auto["reason"] = "replay", exc
    return _auto["mode"]


def active() -> bool:
    """True when helpers answer from recordings instead of the Engine."""
    return mode() == "replay"


def forced_replay_error() -> DockerUnavailable | None:
    """What `client()` raises when replay is forced, so no live data mixes into a replay."""
    if setting() != "replay":
        return None
    return DockerUnavailable(
        "The lab is in replay mode, so it does not talk to a Docker Engine.",
        f"{MODE_SETTING}=replay is set: helpers answer from a recording of a real run.",
        f"unset {MODE_SETTING} (or set it to live) on a machine with Docker, then restart "
        "the kernel.",
    )


def why_replay() -> str:
    if setting() == "replay":
        return f"{MODE_SETTING}=replay is set"
    reason = _auto.get("reason")
    first = str(reason).splitlines()[0] if reason else "no Docker Engine answers"
    return first.rstrip(".")


def reset() -> None:
    """Forget the auto verdict and the loaded recordings (tests)."""
    _auto.clear()
    _state.__init__()  # type: ignore[misc]


# --- which cell runs -------------------------------------------------------------------------


def cell_hash(source: str) -> str:
    """A code cell's identity: its code without blank lines, comments and trailing spaces."""
    lines = [line.rstrip() for line in source.splitlines()]
    code = "\n".join(line for line in lines if line.strip() and not line.lstrip().startswith("#"))
    return hashlib.sha1(code.encode()).hexdigest()[:12]


def cell_head(source: str) -> str:
    lines = [line.strip() for line in source.splitlines()]
    code = [line for line in lines if line and not line.startswith("#")]
    return (code[0] if code else "")[:80]


@dataclasses.dataclass
class _State:
    notebook: str = ""
    cwd: str = ""  # the notebook's folder: paths under it are normalised in keys
    cell: str = SCRIPT_CELL
    run: int = 1
    runs: Counter = dataclasses.field(default_factory=Counter)
    used: Counter = dataclasses.field(default_factory=Counter)
    heads: dict = dataclasses.field(default_factory=dict)
    record_path: Path | None = None
    recording: dict | None = None
    replaying: dict | None = None
    hooks: set = dataclasses.field(default_factory=set)
    checks: list = dataclasses.field(default_factory=list)  # replayed check verdicts
    # per cell, for the banner
    replayed_calls: int = 0
    printed: bool = False
    bannered: bool = False


_state = _State()


def _on_pre_run_cell(info: Any) -> None:
    source = getattr(info, "raw_cell", "") or ""
    _state.cell = cell_hash(source)
    _state.runs[_state.cell] += 1
    _state.run = _state.runs[_state.cell]
    _state.used = Counter()
    _state.heads.setdefault(_state.cell, cell_head(source))
    _state.replayed_calls, _state.printed, _state.bannered = 0, False, False


def _shell():
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    return get_ipython()


def _install(hook: str, install: Callable[[Any], None]) -> None:
    shell = _shell()
    if shell is not None and hook not in _state.hooks:
        install(shell)
        _state.hooks.add(hook)


def _track_cells() -> None:
    _install("cells", lambda shell: shell.events.register("pre_run_cell", _on_pre_run_cell))


# --- what a recording holds --------------------------------------------------------------------


class Unrecordable(Exception):
    """A value that a JSON recording cannot hold."""


def encode(value: Any) -> Any:
    """A result (dataclasses, tuples, lists, dicts, plain values) as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__result__": cls.__name__, "__module__": cls.__module__, **fields}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise Unrecordable(type(value).__name__)


def _result_class(module: str, name: str) -> type:
    found = getattr(importlib.import_module(module), name, None) if module else None
    if found is None:
        from ._results import _REGISTRY

        found = _REGISTRY[name]
    return found


def decode(value: Any) -> Any:
    """Rebuild what `encode` produced."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if "__tuple__" in value:
            return tuple(decode(v) for v in value["__tuple__"])
        if "__result__" in value:
            cls = _result_class(value.get("__module__", ""), value["__result__"])
            names = {f.name for f in dataclasses.fields(cls)}
            return cls(**{k: decode(v) for k, v in value.items() if k in names})
        return {k: decode(v) for k, v in value.items()}
    return value


def encode_error(exc: LabError) -> dict:
    attrs = {k: v for k, v in vars(exc).items() if not k.startswith("_")}
    return {
        "type": type(exc).__name__,
        "module": type(exc).__module__,
        "attrs": encode(attrs),
    }


def decode_error(data: dict) -> LabError:
    cls = getattr(importlib.import_module(data["module"]), data["type"], LabError)
    exc = cls.__new__(cls)
    exc.__dict__.update(decode(data["attrs"]))
    Exception.__init__(exc, exc.message)
    return exc


# --- keys ------------------------------------------------------------------------------------

_RANDOM_TMP = re.compile(r"^(<tmp>)/[^/]+")


def _path_prefixes() -> list[tuple[str, str]]:
    places = [
        (_state.cwd or os.getcwd(), "<notebooks>"),
        (str(Path(__file__).resolve().parent), "<labhelpers>"),
        (tempfile.gettempdir(), "<tmp>"),
        ("/tmp", "<tmp>"),
        (os.path.expanduser("~"), "~"),
    ]
    return sorted(((p.rstrip("/") or "/", name) for p, name in places), key=lambda x: -len(x[0]))


def normalise_path(text: str) -> str:
    """Host paths differ between machines: `/home/me/course/notebooks/my-app` and
    `/tmp/tmpab12cd34/my-app` become `<notebooks>/my-app` and `<tmp>/*/my-app`. Paths inside
    containers (`/app/data.bin`, even `/tmp/x` when no such host path exists) stay as they are."""
    if not text.startswith(("/", "~")) or "\n" in text:
        return text
    for prefix, name in _path_prefixes():
        if text == prefix or text.startswith(prefix + "/"):
            if name == "<tmp>":
                if not os.path.exists(text):
                    return text  # a path inside a container, not on this machine
                return _RANDOM_TMP.sub(r"\1/*", name + text[len(prefix) :])
            return name + text[len(prefix) :]
    return text


def _is_callback(value: Any) -> bool:
    return callable(value) and not isinstance(value, type) and not dataclasses.is_dataclass(value)


def normalise(value: Any) -> Any:
    """An argument as it goes into a key: JSON-ready, paths normalised, callbacks anonymous."""
    if isinstance(value, str):
        return normalise_path(value)
    if isinstance(value, os.PathLike):
        return normalise_path(os.fspath(value))
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: normalise(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__result__": type(value).__name__, **fields}
    if isinstance(value, (tuple, list)):
        return [normalise(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((normalise(v) for v in value), key=repr)
    if isinstance(value, dict):
        return {str(k): normalise(v) for k, v in value.items()}
    if _is_callback(value):
        return "<callback>"
    return f"<{type(value).__name__}>"


def helper_name(fn: Callable) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def bind(fn: Callable, args: tuple, kwargs: dict) -> inspect.BoundArguments | None:
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    return bound


def call_args(fn: Callable, args: tuple, kwargs: dict) -> dict:
    """The call's arguments by name, defaults filled in, normalised."""
    bound = bind(fn, args, kwargs)
    if bound is None:
        return {"args": normalise(args), "kwargs": normalise(kwargs)}
    bound.apply_defaults()
    return {name: normalise(value) for name, value in bound.arguments.items()}


def key_of(helper: str, args: dict) -> str:
    return helper + json.dumps(args, sort_keys=True)


def show_call(helper: str, args: dict) -> str:
    shown = ", ".join(f"{k}={v!r}" for k, v in args.items() if v != "<callback>")
    return f"{helper.removeprefix('labhelpers.')}({shown})"


# --- recording -------------------------------------------------------------------------------


def _engine_meta() -> dict:
    from . import __version__
    from ._engine import client

    engine = client()
    version, info = engine.version(), engine.info()
    return {
        "recorded_on": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
        "engine_version": version.get("Version", "?"),
        "api_version": version.get("ApiVersion", "?"),
        "engine_os": info.get("OperatingSystem", "?"),
        "platform": f"{version.get('Os', '?')}/{version.get('Arch', '?')}",
        "kernel": info.get("KernelVersion", "?"),
        "storage_driver": info.get("Driver", "?"),
        "labhelpers": __version__,
        "python": platform.python_version(),
    }


def _start_recording(notebook: str, directory: str) -> Path:
    path = Path(directory).expanduser().resolve() / f"{notebook}.json"
    _state.record_path = path
    _state.recording = {
        "format": FORMAT,
        "notebook": notebook,
        "meta": _engine_meta(),
        "cells": {},
        "calls": [],
        "problems": [],
    }
    _save()
    return path


def _save() -> None:
    path, data = _state.record_path, _state.recording
    if path is None or data is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(".json.part")
    scratch.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    os.replace(scratch, path)


class _Capture:
    """While the outermost step runs: copy what it prints, and note the callbacks it makes."""

    def __init__(self) -> None:
        self.events: list[list] = []
        self.paused = 0
        self.stream: Any = None

    def write(self, text: str) -> int:
        if text and not self.paused:
            if self.events and self.events[-1][0] == "out":
                self.events[-1][1] += text
            else:
                self.events.append(["out", text])
        return self.stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

    def callback(self, name: str, fn: Callable) -> Callable:
        def noted(*args: Any, **kwargs: Any) -> Any:
            try:
                self.events.append(["call", name, encode(list(args)), encode(kwargs)])
            except Unrecordable as exc:
                self.events.append(["unrecordable-call", name, str(exc)])
            self.paused += 1
            try:
                return fn(*args, **kwargs)
            finally:
                self.paused -= 1

        return noted


@contextlib.contextmanager
def recorder(fn: Callable, args: tuple, kwargs: dict) -> Iterator[Any]:
    """Wrap one helper call in a live run: yields an object with `.args`, `.kwargs` (callbacks
    wrapped when recording) and `.done(value)` / `.failed(error)` to note the outcome."""
    outer = _state.recording is not None and not getattr(_local, "depth", 0)
    call = _Call(fn, args, kwargs, outer)
    if not outer:
        yield call
        return
    _local.depth = 1
    capture = _Capture()
    call.wrap_callbacks(capture)
    capture.stream, sys.stdout = sys.stdout, capture
    try:
        yield call
    finally:
        if sys.stdout is capture:
            sys.stdout = capture.stream
        _local.depth = 0
        call.save(capture.events)


class _Call:
    def __init__(self, fn: Callable, args: tuple, kwargs: dict, recording: bool) -> None:
        self.fn, self.args, self.kwargs, self.recording = fn, args, kwargs, recording
        self.outcome: dict | None = None

    def wrap_callbacks(self, capture: _Capture) -> None:
        bound = bind(self.fn, self.args, self.kwargs)
        if bound is None:
            return
        for name, value in list(bound.arguments.items()):
            if _is_callback(value):
                bound.arguments[name] = capture.callback(name, value)
        self.args, self.kwargs = bound.args, bound.kwargs

    def done(self, value: Any) -> None:
        if not self.recording:
            return
        try:
            self.outcome = {"result": encode(value)}
        except Unrecordable as exc:
            self.outcome = {"unrecordable": str(exc)}

    def failed(self, error: LabError) -> None:
        if self.recording and not isinstance(error, DockerUnavailable):
            self.outcome = {"error": encode_error(error)}

    def save(self, events: list) -> None:
        data = _state.recording
        if data is None or self.outcome is None:
            return
        helper = helper_name(self.fn)
        args = call_args(self.fn, self.args, self.kwargs)
        if "unrecordable" in self.outcome:
            data["problems"].append(
                f"{show_call(helper, args)} returned a {self.outcome['unrecordable']}, which a "
                "recording cannot hold: make the helper return @result dataclasses."
            )
        data["cells"].setdefault(_state.cell, _state.heads.get(_state.cell, ""))
        entry = {"cell": _state.cell, "run": _state.run, "helper": helper, "args": args}
        entry["events"] = events
        entry.update(self.outcome)
        data["calls"].append(entry)
        _save()


# --- replaying -------------------------------------------------------------------------------


def recording_path(notebook: str) -> Any:
    where = os.environ.get(RECORDINGS_SETTING)
    if where:
        return Path(where) / f"{notebook}.json"
    return resources.files("labhelpers").joinpath("recordings", f"{notebook}.json")


def load(notebook: str) -> dict | None:
    """The recording of `notebook`, indexed for replay (None when there is none)."""
    path = recording_path(notebook)
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    by_cell: dict[tuple, list] = {}
    by_key: dict[str, list] = {}
    last_run: Counter = Counter()
    for call in data["calls"]:
        by_cell.setdefault((call["cell"], call["run"]), []).append(call)
        by_key.setdefault(key_of(call["helper"], call["args"]), []).append(call)
        last_run[call["cell"]] = max(last_run[call["cell"]], call["run"])
    data["_by_cell"], data["_by_key"], data["_last_run"] = by_cell, by_key, last_run
    return data


def _not_recorded_notebook(notebook: str) -> NotRecorded:
    return NotRecorded(
        f"There is no recording of the notebook '{notebook}' to replay.",
        f"the lab is in replay mode ({why_replay()}), and replay needs a recording of a real "
        "run of this notebook.",
        "run the course on a machine with Docker for live results (see the README); "
        f"maintainers record it with `python -m labhelpers record {notebook}`.",
    )


def _replaying() -> dict:
    if _state.replaying is None or _state.replaying["notebook"] != _state.notebook:
        from ._labels import current_notebook

        notebook = _state.notebook or current_notebook()
        _state.notebook = notebook
        data = load(notebook)
        if data is None:
            raise _not_recorded_notebook(notebook)
        _state.replaying = data
    return _state.replaying


def replay(fn: Callable, args: tuple, kwargs: dict) -> Any:
    """Answer a helper call from the recording: print what it printed, make its callbacks, and
    return its result (or raise its lab error).

    Raises:
        NotRecorded: the recording holds no such call.
    """
    data = _replaying()
    helper = helper_name(fn)
    wanted = call_args(fn, args, kwargs)
    key = key_of(helper, wanted)
    run = min(_state.run, data["_last_run"].get(_state.cell, _state.run))
    here = data["_by_cell"].get((_state.cell, run), [])
    same = [c for c in here if key_of(c["helper"], c["args"]) == key]
    index = _state.used[key]
    _state.used[key] += 1
    _state.replayed_calls += 1
    if index < len(same):
        call = same[index]
    elif data["_by_key"].get(key):
        call = data["_by_key"][key][-1]
        print(
            f"(replay: {show_call(helper, wanted)} was not recorded at this point of the "
            "notebook; this is the last result recorded for the same call.)"
        )
    else:
        raise _not_recorded_call(data, helper, wanted)
    _replay_events(call.get("events", []), fn, args, kwargs)
    if "error" in call:
        raise decode_error(call["error"])
    if "unrecordable" in call:
        raise NotRecorded(
            f"The replay cannot show {show_call(helper, wanted)}.",
            f"it returned a {call['unrecordable']}, which a recording cannot hold.",
            "run the course on a machine with Docker for live results (see the README).",
        )
    return decode(call["result"])


def replay_check(fn: Callable, args: tuple, kwargs: dict) -> Any:
    """An exercise check in replay: the verdict it gave in the recorded run (None if none)."""
    try:
        verdict = replay(fn, args, kwargs)
    except NotRecorded:
        return None
    _state.checks.append(verdict)
    return verdict


def _not_recorded_call(data: dict, helper: str, wanted: dict) -> NotRecorded:
    others = [c["args"] for c in data["calls"] if c["helper"] == helper]
    variants: list[str] = []
    for args in others:
        differing = ", ".join(
            f"{k}={v!r}" for k, v in args.items() if wanted.get(k) != v and v != "<callback>"
        )
        if differing and differing not in variants:
            variants.append(differing)
    held = (
        "the recording holds it only with " + "; ".join(variants[:6])
        if variants
        else "the recorded run never made this call"
    )
    return NotRecorded(
        f"The replay has no recorded result for {show_call(helper, wanted)}.",
        f"a replay can only show what a real run measured, and {held}.",
        "use a recorded value, or run the course on a machine with Docker for live results "
        "(see the README).",
    )


def _replay_events(events: list, fn: Callable, args: tuple, kwargs: dict) -> None:
    bound = bind(fn, args, kwargs)
    given = bound.arguments if bound is not None else {}
    for event in events:
        if event[0] == "out":
            sys.stdout.write(event[1])
            sys.stdout.flush()
        elif event[0] == "call" and _is_callback(given.get(event[1])):
            given[event[1]](*decode(event[2]), **decode(event[3]))


# --- the banner ------------------------------------------------------------------------------


def meta() -> dict:
    return (_state.replaying or {}).get("meta", {})


def banner_text() -> str:
    m = meta()
    when = m.get("recorded_on", "?")
    engine = m.get("engine_version", "?")
    where = f"{m.get('engine_os', '?')}, {m.get('platform', '?')}"
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
            f"(API {m.get('api_version', '?')}), {m.get('engine_os', '?')}, "
            f"{m.get('platform', '?')}, storage driver {m.get('storage_driver', '?')}.",
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
    reason = _auto.get("reason")
    if isinstance(reason, LabError) and reason.todo and "Binder" not in reason.why:
        todo = reason.todo.rstrip(".").removesuffix(", then re-run this cell")
        return f"{reason.why.rstrip('.')}: {todo}, then restart the kernel."
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
        text = CHECK_NOTE if any(obj is v for v in _state.checks) else banner_text()
        skip = type(obj).__name__ in _NO_BANNER and text != CHECK_NOTE
        if not skip and not any("widget" in k for k in data):
            data = dict(data)
            if "text/plain" in data:
                data["text/plain"] = text + "\n" + data["text/plain"]
            if "text/html" in data:
                data["text/html"] = banner_html(text) + data["text/html"]
            _state.bannered = True
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
            _state.printed = True
        return current(text, *args, **kwargs)

    write._lh_watch = True  # type: ignore[attr-defined]
    with contextlib.suppress(AttributeError, TypeError):
        sys.stdout.write = write  # type: ignore[method-assign]


def _on_post_run_cell(result: Any) -> None:
    if _state.printed and not _state.bannered:
        print(banner_text())


def _install_banners() -> None:
    def install(shell: Any) -> None:
        formatter = shell.display_formatter
        formatter.format = _with_banner(formatter.format)
        shell.events.register("pre_run_cell", _watch_stdout)
        shell.events.register("post_run_cell", _on_post_run_cell)

    _install("banners", install)


# --- the start of a lesson --------------------------------------------------------------------


def begin(notebook: str) -> Any:
    """Called by `lh.start_lesson`: in replay, load the recording and show the banner; in a live
    run with LABHELPERS_RECORD_DIR set, start recording. Returns what to show."""
    _state.notebook = notebook
    _state.cwd = os.getcwd()
    _track_cells()
    if active():
        _state.replaying = None
        _replaying()
        _install_banners()
        return StartBanner(notebook)
    directory = os.environ.get(RECORD_SETTING)
    if directory:
        return _start_recording(notebook, directory)
    return None


def describe() -> str:
    """One line for the doctor: the mode, and where replayed results come from."""
    if not active():
        return "live: every result comes from this machine's Docker Engine"
    m = meta()
    if m:
        return (
            f"replay ({why_replay()}): results recorded {m.get('recorded_on', '?')} on "
            f"Docker Engine {m.get('engine_version', '?')}"
        )
    return f"replay ({why_replay()}): results come from recordings of real runs"


# --- keeping recordings honest ---------------------------------------------------------------


def shape(value: Any) -> Any:
    """The structure of an encoded result, without its figures: types and field names, with
    sequences reduced to the set of their elements' shapes."""
    if isinstance(value, dict):
        if "__tuple__" in value:
            return shape(value["__tuple__"])
        items = sorted((k, shape(v)) for k, v in value.items() if k != "__module__")
        return ("dict", tuple(items))
    if isinstance(value, list):
        return ("seq", tuple(sorted({json.dumps(shape(v)) for v in value})))
    if isinstance(value, bool) or value is None:
        return type(value).__name__
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def _outcome_shape(call: dict) -> Any:
    if "error" in call:
        return ("error", call["error"]["type"])
    if "unrecordable" in call:
        return ("unrecordable", call["unrecordable"])
    return shape(call.get("result"))


# Names the Engine makes up (an anonymous volume's, a container's or image's id) differ in every
# run; as arguments they say nothing about drift. The same patterns as notebooks/sanitize.cfg.
_ENGINE_IDS = re.compile(r"\b(?:sha256:)?(?:[0-9a-f]{64}|[0-9a-f]{12})\b")


def _same(a: list, b: list) -> bool:
    """Equal calls, once the Engine's made-up ids in their arguments are set aside."""

    def key(calls: list) -> str:
        return _ENGINE_IDS.sub("ID", json.dumps(calls, sort_keys=True, default=str))

    return key(a) == key(b)


def compare(committed: dict | None, fresh: dict) -> list[str]:
    """What keeps `committed` from replaying the run recorded in `fresh`: every cell run in the
    fresh recording must be in the committed one with the same calls, arguments and shapes of
    results (the figures themselves may differ between machines)."""
    name = fresh["notebook"]
    if committed is None:
        return [f"{name}: there is no committed recording."]
    problems = [f"{name}: {p}" for p in fresh.get("problems", [])]

    def groups(data: dict) -> dict:
        out: dict[tuple, list] = {}
        for call in data["calls"]:
            out.setdefault((call["cell"], call["run"]), []).append(call)
        return out

    old, new = groups(committed), groups(fresh)
    for where, calls in new.items():
        head = fresh.get("cells", {}).get(where[0], "")
        if where not in old:
            problems.append(f"{name}: the cell `{head}` (run {where[1]}) is not in the recording.")
            continue
        before = old[where]
        mine = [(c["helper"], c["args"], _outcome_shape(c)) for c in calls]
        theirs = [(c["helper"], c["args"], _outcome_shape(c)) for c in before]
        if _same(mine, theirs):
            continue
        for n, (a, b) in enumerate(zip(theirs, mine, strict=False)):
            if not _same([a], [b]):
                what = "returns a different shape" if a[:2] == b[:2] else "is a different call"
                problems.append(
                    f"{name}: in the cell `{head}`, call {n + 1} {what}: recorded "
                    f"{show_call(a[0], a[1])}, now {show_call(b[0], b[1])}."
                )
                break
        else:
            problems.append(
                f"{name}: the cell `{head}` made {len(before)} recorded calls, now {len(calls)}."
            )
    return problems
