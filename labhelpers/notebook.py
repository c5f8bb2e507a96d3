"""The start of every notebook: `lh.start_lesson(name)`."""

from __future__ import annotations

from typing import Any

from . import replay
from .core.commands import ipython
from .core.errors import LabError
from .engine.connection import mode, server_summary
from .engine.ownership import name_plan
from .engine.system import recording_meta
from .replay.state import current_notebook

__all__ = [
    "install_error_display",
    "quiz",
    "run_solution",
    "show_solution",
    "start_lesson",
    "write_twin",
]


def start_lesson(notebook: str) -> None:
    """Begin a notebook: label what it creates with `notebook`, and show lab errors as short
    messages instead of tracebacks. Prints the mode: live (which Engine answers, or why none does)
    or replay (a banner saying what was recorded, when, and how to get live results)."""
    install_error_display()
    _group_commands_by_cell()
    replaying = mode() == "replay"
    shown = replay.begin(notebook, recording_meta)
    if replaying:
        _show(shown)
        return
    print(f"Lesson {notebook}: live mode, connected to {server_summary()}.")
    notice = name_plan().notice()
    if notice:
        print(notice)


def _group_commands_by_cell() -> None:
    """Each cell shows the first command of each kind as it runs and gathers the later ones in
    one collapsed block (`labhelpers.core.commands.echo`): the cell tells it when a cell runs."""
    from .core import commands
    from .replay.keys import install_hook

    def install(shell: Any) -> None:
        shell.events.register("pre_run_cell", lambda *_: commands.cell_started())
        shell.events.register("post_run_cell", lambda *_: commands.cell_ended())

    install_hook("command-cells", install)


def install_error_display() -> None:
    """In IPython, show a LabError as its short message instead of a traceback.

    The cell still fails (so nbval and "Run All" stop there), but the learner reads three lines.
    An interrupt (the kernel's stop button) inside a lab step shows one line, too: the step has
    stopped what it started (a `docker build`, a write, the scaling containers).
    """
    shell = ipython()
    if shell is None:
        return

    def show(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> None:
        if issubclass(etype, KeyboardInterrupt):
            if not _in_lab_step(tb):  # the learner's own code: IPython's usual report
                shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
                return
            print(_INTERRUPTED)
            return
        print(value)

    shell.set_custom_exc((LabError, KeyboardInterrupt), show)


_INTERRUPTED = (
    "You stopped this lab step. Run the cell again to redo it: the lab replaces what the step "
    "had half made."
)


def _in_lab_step(tb: Any) -> bool:
    """Was the interrupt raised inside the lab's own code (a step, a widget's run)?"""
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith(__package__ + "."):
            return True
        tb = tb.tb_next
    return False


def _show(value: Any) -> None:
    if ipython() is None:
        print(repr(value))
        return
    from IPython.display import display

    display(value)


def _named(text: str) -> str:
    """TEXT with the course's names as this Engine has them (`lab-my-vol`, ...); replayed, or
    with no Engine to ask, as the lecture wrote them."""
    from .engine.names import rename_in_text

    if mode() == "replay":
        return text
    try:
        return rename_in_text(text)
    except LabError:  # no Engine to ask: the text reads as the lecture wrote it
        return text


def show_solution(path: str) -> Any:
    """Show an exercise's solution file, with the course's names on this Engine (see
    `labhelpers.engine.names`); in a terminal, `bash PATH` runs the file as written."""
    from .teaching.solutions import show_solution as show

    return show(path, _named)


def run_solution(path: str, timeout_s: int = 600) -> str:
    """Run an exercise's solution as `show_solution` shows it (tests do this)."""
    from .teaching.solutions import run_solution as run

    return run(path, timeout_s, _named)


def write_twin(notebook: str = "") -> None:
    """Write this notebook's CLI twin (`python -m labhelpers twin NN` does the same): its Docker
    work as a bash script, from the commands its recorded live run ran, with the course's names
    on this Engine, touching only your lab work. Prints where it is and how to run it.

    Makes no Engine call of its own (nothing to record or replay): the names come from the plan
    `start_lesson` chose; replayed (no Engine), the lecture's names, and it says so."""
    from .engine.names import current_prefix
    from .twin import course_root, write_twin

    stem = notebook or current_notebook()
    prefix = None if mode() == "replay" else current_prefix()
    path = write_twin(stem, prefix=prefix)
    root = course_root()
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    whose = (
        "named as on this Engine"
        if prefix is not None
        else "with the lecture's names (replayed: no Engine to ask)"
    )
    print(
        f"Wrote {shown}: this notebook's Docker commands, {whose}.\n"
        f"From the course's folder: bash {shown} (it cleans up after itself)."
    )


def quiz(questions: Any) -> Any:
    """A quiz widget: pick an option, press Check, read why it is right or wrong. QUESTIONS: a
    notebook's name (its quiz file, `labhelpers/teaching/quizzes/NAME.json`) or a list of
    Questions. The course's names in the questions are the ones it uses on this Engine (as
    `show_solution` shows them): a question about `docker volume rm my-vol` means the course's
    volume, never one of yours."""
    from .teaching.questions import Question, load_quiz
    from .widgets.quiz import quiz as build

    if isinstance(questions, str):
        questions = load_quiz(questions)
    renamed = [
        Question(_named(q.prompt), tuple(map(_named, q.options)), q.answer, _named(q.explanation))
        for q in questions
    ]
    return build(renamed)
