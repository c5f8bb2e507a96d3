"""Teaching pieces: exercise checks, solutions and quiz questions (the quiz widget is in
`labhelpers.widgets`)."""

from .checks import CheckResult, exercise_check, not_yet, passed
from .questions import Question, grade
from .solutions import Solution, run_solution, show_solution

__all__ = [
    "CheckResult",
    "Question",
    "Solution",
    "exercise_check",
    "grade",
    "not_yet",
    "passed",
    "run_solution",
    "show_solution",
]
