"""Every notebook is a pair: NN-name.md (edited, reviewed) and NN-name.ipynb (the same cells with
their outputs). The pairs agree, and an edit made to only one side is caught."""

from __future__ import annotations

import shutil

import nbformat
import pytest

from tools import pairs


def test_every_pair_is_in_step():
    problems = pairs.check()
    assert problems == [], f"{problems}\nFix: {pairs.FIX}"


def test_every_notebook_has_its_text_source():
    for text, notebook in pairs.pairs():
        assert text.exists() and notebook.exists(), (text.name, notebook.name)


@pytest.fixture
def course(tmp_path):
    """A copy of two notebook pairs to edit."""
    for text, notebook in pairs.pairs()[:2]:
        shutil.copy(text, tmp_path / text.name)
        shutil.copy(notebook, tmp_path / notebook.name)
    return tmp_path


def test_an_edit_to_the_text_only_is_caught_and_synced_keeping_outputs(course):
    text, notebook = pairs.pairs(course)[0]
    before = nbformat.read(notebook, as_version=4)
    code = next(i for i, c in enumerate(before.cells) if c.cell_type == "code" and c.outputs)
    marker = "A sentence added in the text file only."
    text.write_text(text.read_text().replace("\n## ", f"\n{marker}\n\n## ", 1))

    problems = pairs.check(course)
    assert len(problems) == 1 and text.name in problems[0] and "source" in problems[0]

    assert pairs.sync(course) == [notebook]
    after = nbformat.read(notebook, as_version=4)
    assert pairs.check(course) == []
    assert any(marker in c.source for c in after.cells)
    kept = next(c for c in after.cells if c.source == before.cells[code].source)
    assert kept.outputs == before.cells[code].outputs and kept.id == before.cells[code].id


def test_an_edit_to_the_notebook_only_is_caught(course):
    _, notebook = pairs.pairs(course)[1]
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    cell.source += "\nprint('edited in the .ipynb only')"
    nbformat.write(nb, notebook)
    problems = pairs.check(course)
    assert len(problems) == 1 and "source" in problems[0]


def test_a_tag_changed_on_one_side_is_caught(course):
    _, notebook = pairs.pairs(course)[0]
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    cell.metadata["tags"] = [*cell.metadata.get("tags", []), "nbval-skip"]
    nbformat.write(nb, notebook)
    assert "tags" in pairs.check(course)[0]


def test_a_missing_side_is_caught(course):
    text, _ = pairs.pairs(course)[0]
    text.unlink()
    assert "has no" in pairs.check(course)[0]
