"""The start of every notebook: `lh.start_lesson(name)`."""

from __future__ import annotations

import sys
from typing import Any

from . import replay
from .core.errors import LabError
from .core.labels import current_notebook, set_notebook
from .engine.connection import server_summary
from .engine.names import plan
from .engine.system import recording_meta

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
    set_notebook(notebook)
    install_error_display()
    shown = replay.begin(notebook, recording_meta)
    if replay.active():
        _show(shown)
        return
    print(f"Lesson {notebook}: live mode, connected to {server_summary()}.")
    notice = plan().notice()
    if notice:
        print(notice)


def install_error_display() -> None:
    """In IPython, show a LabError as its short message instead of a traceback.

    The cell still fails (so nbval and "Run All" stop there), but the learner reads three lines.
    An interrupt (the kernel's stop button) inside a lab step shows one line, too: the step has
    stopped what it started (a `docker build`, a write, the scaling containers).
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def show(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> None:
        if issubclass(etype, KeyboardInterrupt):
            if not _in_lab_step(tb):  # the learner's own code: IPython's usual report
                shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
                return
            print(_INTERRUPTED)
            return
        print(f"{etype.__name__}: {value}")

    shell.set_custom_exc((LabError, KeyboardInterrupt), show)


_INTERRUPTED = (
    "KeyboardInterrupt: you stopped this lab step. Run the cell again to redo it: the lab "
    "replaces what the step had half made."
)


def _in_lab_step(tb: Any) -> bool:
    """Was the interrupt raised inside the lab's own code (a step, a widget's run)?"""
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith(__package__ + "."):
            return True
        tb = tb.tb_next
    return False


def _show(value: Any) -> None:
    if "IPython" in sys.modules:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(value)
            return
    print(repr(value))


def show_solution(path: str) -> Any:
    """Show an exercise's solution file, with the course's names on this Engine (see
    `labhelpers.engine.names`); in a terminal, `bash PATH` runs the file as written."""
    from .engine.names import rename_in_text
    from .teaching.solutions import show_solution as show

    return show(path, rename_in_text)


def run_solution(path: str, timeout_s: int = 600) -> str:
    """Run an exercise's solution as `show_solution` shows it (tests do this)."""
    from .engine.names import rename_in_text
    from .teaching.solutions import run_solution as run

    return run(path, timeout_s, rename_in_text)


def write_twin(notebook: str = "") -> None:
    """Write this notebook's CLI twin (`python -m labhelpers twin NN` does the same): its Docker
    work as a bash script, from the commands its recorded live run printed, with the course's
    names on this Engine, ending by removing what it made. Prints where it is and how to run it.

    Makes no Engine call of its own (nothing to record or replay): the names come from the plan
    `start_lesson` chose; replayed (no Engine), the lecture's names, and it says so."""
    from .engine import names
    from .replay import modes
    from .twin import course_root, write_twin

    stem = notebook or current_notebook()
    chosen = names.chosen_prefix()  # start_lesson's plan(), if it reached an Engine
    live = modes.mode() == "live" and chosen is not None
    replayed = modes.mode() == "replay"  # then twin_script keeps the lecture's names, saying so
    path = write_twin(stem, prefix=None if replayed else chosen or "")
    root = course_root()
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    whose = (
        "the course's names on this Engine"
        if live
        else "the lecture's names (replayed: no Engine to ask which names are yours)"
    )
    print(
        f"Wrote {shown}: this notebook's Docker work as a bash script, the commands its live run "
        f"printed, with {whose}.\nIn a terminal, from the course's folder: bash {shown}\n"
        "It works in a scratch folder and removes what it made when it ends."
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

    def named(text: str) -> str:
        from .engine.names import rename_in_text

        try:
            return rename_in_text(text)
        except LabError:  # no Engine to ask: the questions read as the lecture wrote them
            return text

    renamed = [
        Question(named(q.prompt), tuple(map(named, q.options)), q.answer, named(q.explanation))
        for q in questions
    ]
    return build(renamed)
