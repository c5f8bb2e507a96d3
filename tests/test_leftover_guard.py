"""The leftover guard itself can fail: a labelled resource left behind is caught and removed."""

import labhelpers as lh
from conftest import remove_leftovers


def test_the_guard_catches_a_leaked_volume_and_removes_it(engine):
    assert remove_leftovers() == ()
    lh.create_volume("lab-t-leaked")
    assert remove_leftovers() == (("volume", "lab-t-leaked"),)
    assert remove_leftovers() == ()
