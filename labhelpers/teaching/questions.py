"""Quiz questions as data, and the feedback for an answer (plain logic: tests need no widgets).

Each notebook's quiz is a JSON file, `labhelpers/teaching/quizzes/<notebook>.json`: a list of
questions, each with `prompt`, `options`, `answer` (the index of the right option) and
`explanation`. The notebook shows it with `lh.quiz("<notebook>")`, so the answer is not in the
cell a learner reads. Quiz text never quotes one run's figures: the learner's Engine gives those.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..core.errors import BadInput
from ..core.results import result

__all__ = ["QUIZZES", "Question", "grade", "load_quiz"]

QUIZZES = Path(__file__).resolve().parent / "quizzes"


@result
class Question:
    """One multiple-choice question; `answer` is the index of the right option."""

    prompt: str
    options: tuple
    answer: int
    explanation: str


def grade(question: Question, picked: int | None) -> str:
    """The feedback for picking option `picked` (plain logic, so tests need no widgets)."""
    if picked is None:
        return "Pick an answer first."
    if picked == question.answer:
        return f"✅ Right. {question.explanation}"
    return f"❌ Not quite: “{question.options[picked]}” is not it. {question.explanation}"


def load_quiz(notebook: str) -> list[Question]:
    """The questions of NOTEBOOK's quiz (its file in QUIZZES), checked for shape.

    Raises:
        BadInput: no such quiz, or a question whose answer is not one of its options.
    """
    path = QUIZZES / f"{notebook}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in QUIZZES.glob("*.json")))
        raise BadInput(
            f"There is no quiz {notebook!r}.",
            f"the quizzes are {known}.",
            'pass the notebook\'s file name without .ipynb, e.g. lh.quiz("01-image-layers").',
        )
    questions = []
    for number, item in enumerate(json.loads(path.read_text()), 1):
        question = Question(
            item["prompt"], tuple(item["options"]), int(item["answer"]), item["explanation"]
        )
        if not 0 <= question.answer < len(question.options) or len(question.options) < 2:
            raise BadInput(
                f"Question {number} of {path.name} has no right option to pick.",
                f"its answer is {question.answer}, its options {len(question.options)}.",
                "give it two options or more and an answer that indexes one of them (from 0).",
            )
        questions.append(question)
    return questions
