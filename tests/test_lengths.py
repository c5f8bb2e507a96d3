"""The notebooks' reading length: the script's counting, and the course within its limits."""

from __future__ import annotations

import nbformat

from tools import lengths


def _notebook(folder, name: str, cells: list[str]) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(text) for text in cells]
    notebook.cells.append(nbformat.v4.new_code_cell("x = " + "1 + " * 500 + "1"))  # code: not prose
    nbformat.write(notebook, folder / f"{name}.ipynb")


def test_prose_is_counted_without_code_and_the_check_fails_only_when_over(tmp_path, capsys):
    fenced = "```bash\n" + "docker run word\n" * 100 + "```\n"
    _notebook(tmp_path, "01-short", ["# Title\n\nfour words of prose.\n" + fenced])
    [short] = lengths.lengths(tmp_path)
    assert (short.words, short.largest) == (6, 6)
    assert lengths.main(check=True, folder=tmp_path) == 0

    _notebook(tmp_path, "02-long-cell", ["word " * (lengths.CELL_WORDS + 1)])
    _notebook(tmp_path, "03-long", ["word " * 150] * 11)
    found = {row.name: row.over for row in lengths.lengths(tmp_path)}
    assert found["01-short"] == []
    assert "a cell of 201 words" in found["02-long-cell"][0]
    assert found["03-long"] == ["1650 words of prose (at most 1500)"]
    assert lengths.main(check=True, folder=tmp_path) == 1
    assert "2 notebook(s) over the limits" in capsys.readouterr().out


def test_every_notebook_reads_in_about_twenty_minutes():
    over = {row.name: row.over for row in lengths.lengths() if row.over}
    assert over == {}


def test_stored_output_is_counted_by_its_plain_text_and_the_course_total_checked(tmp_path):
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1)")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="three words here\n"),
        nbformat.v4.new_output(
            "display_data", data={"text/plain": "two words", "text/html": "<b>" + "x " * 99}
        ),
    ]
    notebook.cells = [nbformat.v4.new_markdown_cell("# One"), cell]
    nbformat.write(notebook, tmp_path / "01-out.ipynb")
    [row] = lengths.lengths(tmp_path)
    assert row.output_words == 5  # the HTML view is not counted: its plain text is
    assert lengths.course_over([row]) == []
    many = [lengths.Length(f"n{i}", 1000, 10, "", 700) for i in range(10)]
    assert lengths.course_over(many) == [
        "the course has 10000 words of prose (at most 9000)",
        "the course has 7000 words of stored output (at most 6000)",
    ]


def test_the_course_is_within_its_word_budgets():
    assert lengths.course_over(lengths.lengths()) == []
