"""Commands as data: every command the lab runs, or shows without running, is one `Command`.

A helper builds the value, shows it (`show`) and makes its call from that same value: the Engine
layer derives the Docker SDK's arguments from `argv` (`labhelpers.engine.dockercli`), and a command
on this machine runs as written (`labhelpers.engine.host`). So the `$ docker ...` line a learner
reads is the command that ran, every label, mount and option included. The same value is recorded
with the step's call (a replay shows it again) and read back by the CLI twin (`labhelpers.twin`),
which never parses printed text.

Paths under the current folder (the notebook's) print as "$PWD/...": what a terminal opened in
that folder (JupyterLab's) expands to the same path.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shlex
import sys
from collections.abc import Callable, Iterator

__all__ = [
    "FAILS",
    "NOT_RUN",
    "OK",
    "PROBE",
    "Binding",
    "Command",
    "FileWritten",
    "Waited",
    "bind",
    "cell_ended",
    "cell_started",
    "collect",
    "docker",
    "echo",
    "echo_commands",
    "file_written",
    "hidden",
    "host",
    "ipython",
    "listen",
    "listen_to_echo",
    "plain",
    "printing",
    "shell_path",
    "show",
    "show_all",
    "summarize",
    "waited",
]

OK = "ok"  # runs, and the lesson expects it to succeed
FAILS = "fails"  # the lesson shows it failing (the twin goes on after it, saying so)
PROBE = "probe"  # its exit status is the answer (a yes/no question), not a failure
NOT_RUN = "not run"  # shown, not run here: `note` says why (the twin runs it where it can)
EXPECTS = (OK, FAILS, PROBE, NOT_RUN)


@dataclasses.dataclass(frozen=True)
class Binding:
    """A value this run read from the Engine that a later command uses (a container's upper
    directory, an anonymous volume's name, a step image's id): the twin reads it again on its own
    Engine into the shell variable `name` with the shell command `how`, and writes `$name`
    wherever `value` stands in a later command. A helper reports one with `bind`."""

    name: str
    value: str
    how: str


@dataclasses.dataclass(frozen=True)
class Command:
    """One command: `argv` as it runs (`docker` first for the Engine; anything else runs on this
    machine), `note` shown after it as a comment, `expect` (OK, FAILS, PROBE, NOT_RUN), `repeat`
    (a measurement run that many times, shown once), `shell` (argv is a single shell line, run
    with /bin/sh: a redirection on this machine), `stdin` (text fed to the command: a file a
    helper writes) and `pipe` (what the lab does with the output, as the shell pipe that does the
    same: `| tar -xO`)."""

    argv: tuple[str, ...]
    note: str = ""
    expect: str = OK
    repeat: int = 1
    shell: bool = False
    stdin: str = ""
    pipe: str = ""
    env: tuple = ()  # (("DOCKER_BUILDKIT", "0"),): settings the command runs with, shown first

    def __post_init__(self) -> None:
        if self.expect not in EXPECTS:
            raise ValueError(f"expect must be one of {EXPECTS}, not {self.expect!r}")
        object.__setattr__(self, "argv", tuple(str(a) for a in self.argv))
        object.__setattr__(self, "env", tuple(tuple(pair) for pair in self.env))

    def line(self) -> str:
        """The command as a learner types it (paths under the current folder as "$PWD/...")."""
        if self.shell:
            return _pwd_in_text(self.argv[0])
        line = " ".join(shell_path(a) for a in self.argv)
        if self.env:
            line = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env) + " " + line
        return f"{line} {self.pipe}" if self.pipe else line

    def text(self) -> str:
        """`line()` with its note (and how often it ran) as a trailing comment."""
        remarks = [self.note] if self.note else []
        if self.repeat > 1:
            remarks.append(f"x{self.repeat}")
        if self.expect == NOT_RUN and not self.note:
            remarks.append("not run")
        return self.line() + (f"   # {', '.join(remarks)}" if remarks else "")

    def with_(self, **changes) -> Command:
        return dataclasses.replace(self, **changes)

    def to_data(self) -> dict:
        data = {"argv": list(self.argv)}
        for field in ("note", "expect", "repeat", "shell", "stdin", "pipe", "env"):
            value = getattr(self, field)
            if value != Command.__dataclass_fields__[field].default:
                data[field] = value
        return data

    @classmethod
    def from_data(cls, data: dict) -> Command:
        fields = {k: v for k, v in data.items() if k != "argv"}
        fields["env"] = tuple(tuple(pair) for pair in fields.get("env", ()))
        return cls(tuple(data["argv"]), **fields)


def docker(*args: str, **options) -> Command:
    """A `docker ...` command (see Command for the options)."""
    return Command(("docker", *args), **options)


def host(*args: str, **options) -> Command:
    """A command on this machine (`chmod`, `rmdir`, ...; `shell=True` for one shell line)."""
    return Command(tuple(args), **options)


def _cwd() -> str:
    return os.getcwd().rstrip("/") + "/"


def shell_path(arg: str) -> str:
    """One argument quoted for a shell, a path under the current folder as "$PWD/...": as the
    whole argument, or after `=`/`,` inside one (`--mount type=bind,src=PATH,dst=/x`) or before
    `:` (`-v PATH:/x`)."""
    cwd = _cwd()
    where = arg.find(cwd)
    if where < 0 or where != arg.find("/") or (where and arg[where - 1] not in "=,:"):
        return shlex.quote(arg)
    head, tail = arg[:where], arg[where + len(cwd) :]
    end = min((i for i in (tail.find(","), tail.find(":")) if i >= 0), default=len(tail))
    tail, rest = tail[:end], tail[end:]
    return f'{shlex.quote(head) if head else ""}"$PWD/{tail}"{shlex.quote(rest) if rest else ""}'


def _pwd_in_text(line: str) -> str:
    cwd = _cwd()
    return line.replace(cwd, '"$PWD"/') if cwd != "/" else line


# --- showing ------------------------------------------------------------------------------------

_settings = {"echo": True}
_listeners: list[Callable[[object, bool], None]] = []
_printers: list[Callable[[str], None]] = []
_collecting: list[list[Command]] = []
_hidden: list[bool] = []


def echo_commands(on: bool = True) -> None:
    """Show (or hide) the command each helper action stands for (tests hide them)."""
    _settings["echo"] = on


def listen(listener: Callable[[object, bool], None]) -> None:
    """Call `listener(command, shown)` for every command a helper runs or shows, and
    `listener(item, False)` for every value it binds and file it writes (the recorder registers
    one: it lives above this layer)."""
    if listener not in _listeners:
        _listeners.append(listener)


def listen_to_echo(printer: Callable[[str, bool], None]) -> None:
    """Call `printer(line, gather)` for every command line shown (the recorder keeps them in
    order with the rest of a step's output, and a replay shows them again with `echo`)."""
    if printer not in _printers:
        _printers.append(printer)


def show(command: Command, shown: bool = True) -> Command:
    """Show `$ COMMAND` (when echo is on and `shown`), and tell the listeners. A helper calls
    this for the value it is about to run; `shown=False` for a read the lesson does not show.
    Inside `collect()`, nothing shows: the collector shows what it gathered."""
    shown = shown and not _hidden
    for listener in _listeners:
        listener(command, shown)
    if _collecting and shown:
        _collecting[-1].append(command)
    elif shown:
        echo(command.text(), command.expect != NOT_RUN)
    return command


class _Cell:
    """What one notebook cell has shown: the first command of each kind prints as it runs; the
    later ones of a kind gather in one collapsed "more commands run" block shown when the cell
    ends (copyable there), so a cell's output stays short. Outside a cell run (a widget's action,
    a terminal) every command prints."""

    def __init__(self) -> None:
        self.running = False
        self.kinds: set[str] = set()
        self.more: list[str] = []


_cell = _Cell()


def cell_started() -> None:
    """A notebook cell begins (IPython's pre_run_cell: `labhelpers.notebook` registers this)."""
    _cell.__init__()
    _cell.running = True


def cell_ended() -> None:
    """A notebook cell ends (IPython's post_run_cell): its gathered commands show, once, as one
    block. Shown once rather than updated as they come: nbval (and any reader of the stored
    notebook) sees the same block the cell ended with, never a first version of it."""
    _cell.running = False
    if _cell.more:
        _show_more()
        _cell.more = []


def _kind(line: str) -> str:
    words = [w for w in line.split() if "=" not in w or w.startswith("-")]
    if words[:1] == ["docker"]:
        return " ".join(words[:3] if len(words) > 2 and words[1] in _GROUP_WORDS else words[:2])
    return words[0] if words else ""


_GROUP_WORDS = ("volume", "image", "network", "system", "plugin", "container", "buildx")


def echo(line: str, gather: bool = True) -> None:
    """Show one command line (`$ LINE`), printed or gathered (see `_Cell`). The recorder hears it
    (a replay calls this again with the recorded line). A command that did not run (`gather`
    False) always prints: it is never counted among the "more commands run"."""
    if not _settings["echo"]:
        return
    for printer in _printers:
        printer(line, gather)
    kind = _kind(line)
    if (
        not gather
        or not _cell.running
        or _plain
        or kind not in _cell.kinds
        or not _display_available()
    ):
        _cell.kinds.add(kind)
        _printing.append(True)
        try:
            print(f"$ {line}", flush=True)
        finally:
            _printing.pop()
        return
    _cell.more.append(line)  # shown when the cell ends (cell_ended)


_printing: list[bool] = []
_plain: list[bool] = []


@contextlib.contextmanager
def plain() -> Iterator[None]:
    """Within the block every command prints as a line (a widget gathers what its action printed
    and shows it in its own panel)."""
    _plain.append(True)
    try:
        yield
    finally:
        _plain.pop()


def printing() -> bool:
    """True while a command line is being printed (the recorder's capture leaves it out: it keeps
    the line itself, via `listen_to_echo`)."""
    return bool(_printing)


def ipython():
    """The IPython shell this runs in, or None (IPython is never imported for the question)."""
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    return get_ipython()


def _display_available() -> bool:
    return hasattr(ipython(), "kernel")


class _More:
    """The collapsed block of a cell's later commands (HTML), with a one-line plain form."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = list(lines)

    def __repr__(self) -> str:
        count = len(self.lines)
        return f"({count} more command{'s' if count > 1 else ''} run: open the block to see them)"

    def _repr_html_(self) -> str:
        import html

        count = len(self.lines)
        body = html.escape("\n".join(f"$ {line}" for line in self.lines))
        return (
            f"<details><summary>{count} more command{'s' if count > 1 else ''} run</summary>"
            f"<pre style='font-size:85%'>{body}</pre></details>"
        )


def _show_more() -> None:
    from IPython.display import display

    display(_More(_cell.more))


@dataclasses.dataclass(frozen=True)
class FileWritten:
    """A file a helper wrote on this machine (a Dockerfile, a context's files): the twin writes
    it too (a heredoc); a notebook shows the file itself where it matters, not a command."""

    path: str
    text: str


def file_written(path: str, text: str) -> None:
    """Report a file a helper wrote (see FileWritten)."""
    for listener in _listeners:
        listener(FileWritten(os.path.abspath(path), text), False)


@dataclasses.dataclass(frozen=True)
class Waited:
    """A wait between two commands that the lab does in Python, asking the Engine (an app that
    takes a moment to print its first line, read with `docker logs` once it has): the twin waits
    the same way, trying the shell condition `until` every 0.2 s for at most `seconds`, so that
    its `docker logs` shows what the notebook's showed. A notebook shows nothing for it."""

    until: str
    seconds: float


def waited(until: str, seconds: float) -> None:
    """Report a wait the lab did (see Waited)."""
    for listener in _listeners:
        listener(Waited(until, seconds), False)


def bind(name: str, value: str, how: str) -> None:
    """Report a value of this run that later commands use (see Binding)."""
    if value:
        for listener in _listeners:
            listener(Binding(name, value, how), False)


@contextlib.contextmanager
def collect() -> Iterator[list[Command]]:
    """Gather the commands helpers show inside the block instead of printing them, so that the
    caller shows them once, grouped (`summarize`): a measurement repeated twenty times is one
    line with "x20". What was gathered still ran, as gathered."""
    gathered: list[Command] = []
    _collecting.append(gathered)
    try:
        yield gathered
    finally:
        _collecting.pop()


@contextlib.contextmanager
def hidden() -> Iterator[None]:
    """Within the block, commands run without being shown or reported as shown: only for the
    lab's own probing of the machine (where the Engine keeps its files), which is no part of a
    lesson. Nothing is shown in their place."""
    _hidden.append(True)
    try:
        yield
    finally:
        _hidden.pop()


def summarize(commands: list[Command]) -> list[Command]:
    """The distinct commands of `commands`, in order of first appearance, each with `repeat`
    counting how often it ran."""
    counts: dict[Command, int] = {}
    for command in commands:
        key = command.with_(repeat=1)
        counts[key] = counts.get(key, 0) + command.repeat
    return [command.with_(repeat=count) for command, count in counts.items()]


def show_all(commands: list[Command]) -> None:
    """Show gathered commands, grouped (they were reported to the listeners when they ran);
    inside an outer `collect()`, hand them to it instead."""
    if _collecting:
        _collecting[-1].extend(commands)
        return
    for command in summarize(commands):
        echo(command.text(), command.expect != NOT_RUN)
