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
