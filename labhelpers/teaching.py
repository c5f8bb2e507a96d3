"""The course's teaching pieces: quizzes, exercise checks, solutions, and safe widget actions.

State is kept apart from view: checks are plain functions returning `CheckResult`; widgets only
call helpers and show what they return. ipywidgets is imported on first use.

The exercise pattern every notebook follows:

1. a markdown prompt with a hint, naming the plain `docker` commands to use in a terminal;
2. an empty code cell for the learner;
3. a check cell (`lh.<lesson>.check_...()`, decorated with `@exercise_check(title)`) that
   inspects the live Engine and returns a CheckResult: passed, or what is missing and a hint;
4. `lh.show_solution("solutions/NN-name.sh")`, which shows the solution file without running it.

tests/ run each solution file for real, then the check (which must pass), and the check on an
untouched state (which must fail with its hint).
"""

from __future__ import annotations

import functools
import html
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ._errors import LabError
from ._results import result


@result
class CheckResult:
    """The verdict of an exercise check on the live Engine."""

    title: str
    passed: bool
    message: str
    hint: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        if self.passed:
            return f"PASSED · {self.title}: {self.message}"
        return f"NOT YET · {self.title}: {self.message}\nHint: {self.hint}"

    def _repr_html_(self) -> str:
        colour, word = ("#1a7f37", "Passed") if self.passed else ("#9a6700", "Not yet")
        hint = "" if self.passed else f"<br><b>Hint:</b> {html.escape(self.hint)}"
        return (
            f"<div style='border-left:4px solid {colour};padding:4px 8px'>"
            f"<b style='color:{colour}'>{word}</b> · {html.escape(self.title)}: "
            f"{html.escape(self.message)}{hint}</div>"
        )


def exercise_check(
    title: str,
) -> Callable[[Callable[..., CheckResult]], Callable[..., CheckResult]]:
    """Decorate an exercise's check function (which returns a CheckResult).

    Checks inspect the learner's live Engine. In replay mode a check cannot see anything the
    learner did: it shows what it said in the recorded run (under a banner saying that checks
    need a live Engine), or, when that was not recorded, answers that it needs a live Engine.
    """

    def wrap(fn: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> CheckResult:
            from . import _replay

            if _replay.active():
                recorded = _replay.replay_check(fn, args, kwargs)
                if recorded is not None:
                    return recorded
                return not_yet(
                    title,
                    "this check needs a live Docker Engine; these results are a replay.",
                    "run the course on a machine with Docker (see README).",
                )
            with _replay.recorder(fn, args, kwargs) as call:
                verdict = fn(*call.args, **call.kwargs)
                call.done(verdict)
            return verdict

        return run

    return wrap


def passed(title: str, message: str) -> CheckResult:
    return CheckResult(title, True, message)


def not_yet(title: str, message: str, hint: str) -> CheckResult:
    return CheckResult(title, False, message, hint)


class Solution:
    """A solution file shown in a collapsible block (not run: the learner runs it if they wish)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.text = self.path.read_text()

    def __repr__(self) -> str:
        return f"# {self.path}\n{self.text}"

    def _repr_html_(self) -> str:
        return (
            f"<details><summary>Show the solution (<code>{html.escape(str(self.path))}"
            f"</code>)</summary><pre>{html.escape(self.text)}</pre></details>"
        )


def show_solution(path: str | Path) -> Solution:
    """Show a solution file; in a terminal, `bash PATH` runs it."""
    return Solution(path)


def run_solution(path: str | Path, timeout_s: int = 600) -> str:
    """Run a solution script with bash (tests do this); returns its output.

    Raises:
        LabError: the script failed; the message carries its output's tail.
    """
    done = subprocess.run(
        ["bash", "-eu", str(path)], capture_output=True, text=True, timeout=timeout_s
    )
    if done.returncode != 0:
        raise LabError(
            f"The solution {path} failed (exit status {done.returncode}).",
            f"it printed: {(done.stdout + done.stderr).strip()[-400:]}",
            "check that the earlier cells of its notebook ran.",
        )
    return done.stdout


@result
class Question:
    """One multiple-choice question; `answer` is the index of the right option."""

    prompt: str
    options: tuple
    answer: int
    explanation: str


def quiz(questions: Sequence[Question]) -> Any:
    """A quiz widget: pick an option, press Check, read why it is right or wrong."""
    import ipywidgets as w

    rows = []
    for number, question in enumerate(questions, 1):
        choice = w.RadioButtons(
            options=list(question.options), value=None, layout=w.Layout(width="max-content")
        )
        verdict = w.HTML()
        button = w.Button(description="Check", button_style="info")

        def on_click(_: Any, q: Question = question, c: Any = choice, v: Any = verdict) -> None:
            v.value = grade(q, None if c.value is None else q.options.index(c.value))

        button.on_click(on_click)
        rows.append(
            w.VBox(
                [
                    w.HTML(f"<b>{number}. {html.escape(question.prompt)}</b>"),
                    choice,
                    w.HBox([button, verdict]),
                ]
            )
        )
    return w.VBox(rows)


def grade(question: Question, picked: int | None) -> str:
    """The feedback for picking option `picked` (plain logic, so tests need no widgets)."""
    if picked is None:
        return "Pick an answer first."
    if picked == question.answer:
        return f"✅ Right. {question.explanation}"
    return f"❌ Not quite: “{question.options[picked]}” is not it. {question.explanation}"


def safe(action: Callable[..., Any], output: Any) -> Callable[..., Any]:
    """Wrap a widget callback: lab errors print as their short message inside `output`."""

    def run(*args: Any, **kwargs: Any) -> Any:
        # append_stdout rather than `with output:`, which nbval's kernel does not capture when a
        # default action runs inside the cell that builds the widget.
        try:
            return action(*args, **kwargs)
        except LabError as exc:
            output.append_stdout(f"{type(exc).__name__}: {exc}\n")
        return None

    return run


class Progress:
    """A progress bar (ipywidgets when available, else text lines) for long work."""

    def __init__(self, total: int, description: str = "") -> None:
        self.total = max(total, 1)
        self.description = description
        try:
            import ipywidgets as w
            from IPython.display import display

            self.bar = w.IntProgress(value=0, min=0, max=self.total, description=description)
            self.label = w.Label()
            display(w.HBox([self.bar, self.label]))
        except ImportError:
            self.bar = None

    def update(self, done: int, text: str = "", total: int | None = None) -> None:
        if total:
            self.total = total
        if self.bar is not None:
            self.bar.max = self.total
            self.bar.value = min(done, self.total)
            self.label.value = f"{done}/{self.total} {text}"
        else:
            print(f"{self.description} {done}/{self.total} {text}", flush=True)
