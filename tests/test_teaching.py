"""Teaching pieces that need no Engine: widget callbacks that report lab errors, and the quiz."""

from __future__ import annotations

import ipywidgets as w

from labhelpers import BadInput
from labhelpers.widgets import safe


def test_safe_reports_a_lab_error_in_the_output_and_lets_others_through() -> None:
    out = w.Output()

    def refuse(size_mb: int) -> None:
        raise BadInput(f"{size_mb} MB is too much.", "the disk is small.", "pick less.")

    assert safe(refuse, out)(999) is None
    assert len(out.outputs) == 1
    text = out.outputs[0]["text"]
    assert text.startswith("999 MB is too much.") and "pick less." in text

    assert safe(lambda x: x * 2, out)(21) == 42 and len(out.outputs) == 1

    def crash() -> None:
        raise ZeroDivisionError

    try:
        safe(crash, out)()
    except ZeroDivisionError:
        pass
    else:
        raise AssertionError("a bug that is not a lab error must not be hidden")


def _all(widget) -> list:
    """WIDGET and every widget inside it, in order."""
    return [widget] + [d for c in getattr(widget, "children", ()) for d in _all(c)]


def _first_row(widget):
    """The first question's radio buttons, Check button and verdict (beside the button)."""
    found = _all(widget)
    choice = next(c for c in found if isinstance(c, w.RadioButtons))
    check = next(c for c in found if isinstance(c, w.Button) and c.description == "Check")
    box = next(c for c in found if isinstance(c, w.HBox) and check in c.children)
    verdict = next(c for c in box.children if isinstance(c, w.HTML))
    return choice, check, verdict


def test_a_checked_quiz_answer_follows_a_later_pick() -> None:
    """The front end sends a Check click at once but holds a new pick back while the kernel is
    busy: the pick can arrive after the Check that was meant for it. Once checked, the verdict
    follows the pick, so it never stays on the old one; before Check, a pick reveals nothing."""
    from labhelpers.teaching.questions import Question
    from labhelpers.widgets.quiz import quiz

    question = Question("Which?", ("a", "b", "c"), 1, "b, because.")
    choice, check, verdict = _first_row(quiz([question]))
    choice.value = "a"
    assert verdict.value == ""  # not revealed before Check
    check.click()
    assert "Not quite" in verdict.value
    check.click()  # the Check meant for the next pick, judged on the old one
    choice.value = "b"  # the pick, arriving after it
    assert "Right" in verdict.value
