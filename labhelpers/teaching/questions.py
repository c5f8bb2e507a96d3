"""Quiz questions as data, and the feedback for an answer (plain logic: tests need no widgets)."""

from __future__ import annotations

from ..core.results import result

__all__ = ["Question", "grade"]


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
