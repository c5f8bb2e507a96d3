"""Exercise checks: plain functions that inspect the learner's live Engine and return a verdict.

The exercise pattern every notebook follows:

1. a markdown prompt saying what to make (not how: the commands are the exercise);
2. an empty code cell for the learner;
3. a check cell (`lh.<lesson>.check_...()`, decorated with `@exercise_check(title)`) that
   inspects the live Engine and returns a CheckResult: passed, or what is missing with a first
   hint pointing at the idea, and a second, closer hint behind "Another hint" (`more`);
4. `lh.show_solution("solutions/NN-name.sh")`, the solution file behind a "Show the solution"
   button (a collapsed block), not run.

tests/ run each solution file for real, then the check (which must pass), and the check on an
untouched state (which must fail with its hint).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from typing import Any

from ..core import plugins
from ..core.results import result

__all__ = ["CheckResult", "exercise_check", "not_yet", "passed"]


@result
class CheckResult:
    """The verdict of an exercise check on the live Engine."""

    title: str
    passed: bool
    message: str
    hint: str = ""
    more: str = ""  # a second hint, closer to the answer, shown on request

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        if self.passed:
            return f"PASSED · {self.title}: {self.message}"
        more = "\n(Open “Another hint” for a closer one.)" if self.more else ""
        return f"NOT YET · {self.title}: {self.message}\nHint: {self.hint}{more}"

    def _repr_html_(self) -> str:
        colour, word = ("#1a7f37", "Passed") if self.passed else ("#9a6700", "Not yet")
        hint = "" if self.passed else f"<br><b>Hint:</b> {html.escape(self.hint)}"
        if self.more and not self.passed:
            hint += f"<details><summary>Another hint</summary>{html.escape(self.more)}</details>"
        return (
            f"<div style='border-left:4px solid {colour};padding:4px 8px'>"
            f"<b style='color:{colour}'>{word}</b> · {html.escape(self.title)}: "
            f"{html.escape(self.message)}{hint}</div>"
        )


def exercise_check(
    title: str,
    validate: Callable[..., None] | None = None,
) -> Callable[[Callable[..., CheckResult]], Callable[..., CheckResult]]:
    """Decorate an exercise's check function (which returns a CheckResult).

    Checks inspect the learner's live Engine. In replay mode a check cannot see anything the
    learner did: it shows what it said in the recorded run (under a banner saying that checks
    need a live Engine), or, when that was not recorded, answers that it needs a live Engine.
    `validate` is called with the check's arguments first, in every mode: it raises BadInput.
    """

    def wrap(fn: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> CheckResult:
            from ..engine.connection import replaying
            from ..replay import player

            if validate is not None:
                validate(*args, **kwargs)
            if replaying():
                recorded = player.replay_check(fn, args, kwargs)
                if recorded is not None:
                    return recorded
                return not_yet(
                    title,
                    "this check needs a live Docker Engine; these results are a replay.",
                    "run the course on a machine with Docker (see README).",
                )
            name = f"{fn.__module__.removeprefix('labhelpers.')}.{fn.__qualname__}"
            with plugins.around(plugins.Call(name, fn, args, kwargs, kind="check")) as call:
                call.value = fn(*call.args, **call.kwargs)
                call.returned = True
            return call.value

        return run

    return wrap


def passed(title: str, message: str) -> CheckResult:
    return CheckResult(title, True, message)


def not_yet(title: str, message: str, hint: str, more: str = "") -> CheckResult:
    """Not done yet: what is missing, a HINT at the idea, and (optional) a closer hint, MORE."""
    return CheckResult(title, False, message, hint, more)
