"""The benchmark's parts that need no timing: the step-times plugin, the figures it computes, the
shape of bench/results.json, the README table and the CI log reader. No test here asserts a
duration (the budgets are reported by `make bench`, never asserted)."""

import json
from types import SimpleNamespace

import pytest

from labhelpers.core.plugins import PLUGINS_SETTING
from labhelpers.engine.step import engine_step
from tools import bench, timing
from tools.timing import STEP_TIMES_SETTING


@engine_step("do the outer thing")
def _outer(fail: bool = False) -> int:
    return _inner(fail) + 1


@engine_step("do the inner thing")
def _inner(fail: bool) -> int:
    if fail:
        raise ValueError("not an SDK error")
    return 1


@pytest.fixture
def live(monkeypatch):
    monkeypatch.setenv("LABHELPERS_MODE", "live")
    monkeypatch.setenv(PLUGINS_SETTING, "tools.timing")


def test_step_times_are_one_json_line_per_step_with_its_depth(live, tmp_path, monkeypatch):
    times = tmp_path / "steps.jsonl"
    monkeypatch.setenv(STEP_TIMES_SETTING, str(times))
    assert _outer() == 2
    lines = [json.loads(line) for line in times.read_text().splitlines()]
    assert [(e["step"].rsplit(".", 1)[-1], e["depth"]) for e in lines] == [
        ("_inner", 1),
        ("_outer", 0),
    ]
    assert lines[0]["step"] == f"{__name__}._inner"  # module.function (labhelpers. left out)
    assert all(set(e) == {"step", "seconds", "depth"} and e["seconds"] >= 0 for e in lines)


def test_a_failed_step_is_timed_too_and_the_depth_recovers(live, tmp_path, monkeypatch):
    times = tmp_path / "steps.jsonl"
    monkeypatch.setenv(STEP_TIMES_SETTING, str(times))
    with pytest.raises(ValueError):
        _outer(fail=True)
    _inner(False)
    depths = [json.loads(line)["depth"] for line in times.read_text().splitlines()]
    assert depths == [1, 0, 0]


def test_off_no_file_is_written_and_no_clock_is_read(live, tmp_path, monkeypatch):
    monkeypatch.delenv(STEP_TIMES_SETTING, raising=False)
    monkeypatch.chdir(tmp_path)
    read = []
    monkeypatch.setattr(timing, "time", SimpleNamespace(perf_counter=lambda: read.append(1) or 0))
    assert _outer() == 2
    assert read == [] and list(tmp_path.iterdir()) == []


def test_median_and_ratio_leave_out_failed_runs():
    assert bench.median([3.0, None, 1.0, 2.0]) == 2.0
    assert bench.median([None]) is None
    assert bench.ratio(3.0, 2.0) == 1.5
    assert bench.ratio(None, 2.0) is None and bench.ratio(1.0, 0) is None


def test_step_summary_counts_outermost_steps_only():
    lines = [
        json.dumps({"step": "engine.a", "seconds": 0.5, "depth": 1}),
        json.dumps({"step": "lessons.x", "seconds": 2.0, "depth": 0}),
        json.dumps({"step": "engine.a", "seconds": 1.0, "depth": 0}),
        "",
        json.dumps({"step": "lessons.x", "seconds": 1.0, "depth": 0}),
    ]
    summary = bench.step_summary(lines)
    assert summary["engine_s"] == 4.0 and summary["calls"] == 3
    assert summary["slowest"][0] == {"step": "lessons.x", "seconds": 3.0, "calls": 2}


def test_extra_time_splits_into_engine_and_python():
    split = bench.extra_time(notebook_s=30.0, twin_s=10.0, engine_s=22.0)
    assert split == {"extra_s": 20.0, "extra_engine_s": 12.0, "extra_python_s": 8.0}
    assert split["extra_engine_s"] + split["extra_python_s"] == split["extra_s"]


def test_widget_budget_is_1_2x_the_cli_plus_0_2_s():
    assert bench.widget_within(1.4, 1.0) is True
    assert bench.widget_within(1.41, 1.0) is False
    assert bench.widget_within(None, 1.0) is None


def _row(name, nb, twin):
    return {"notebook": name, "notebook_median_s": nb, "twin_median_s": twin}


def test_course_summary_sums_medians_and_names_what_it_left_out():
    rows = [_row("00", 10.0, 5.0), _row("01", 16.0, 15.0), _row("02", 9.0, None)]
    course = bench.course_summary(rows, all_notebooks=True)
    assert (course["notebook_s"], course["twin_s"], course["ratio"]) == (26.0, 20.0, 1.3)
    assert course["within"] is True and course["whole_course"] is False
    assert course["left_out"] == ["02"]


CI_LOG = """\
> ci: provisioning the machine's Engine (0 s so far)
> ci: the machine's Engine took 41 s
> ci: starting the Engine matrix (41 s so far)
> ci: testing (95 s so far)
> test: 17/18 phases passed (lint 0s, pairs 3s, unit 92s, engine@system 592s, \
engine@28-containerd 601s, live@system 123s, live@28-containerd 157s, faults 211s, \
replay 17s); failed: engine@28-containerd
> pipeline: 5 tracks side by side, 1790 s wall
> ci: the tests (make test) took 1800 s
> ci: the classroom (deploy/), timed on its own line (1900 s so far)
> ci: done (2110 s so far)
"""


def test_ci_log_phases_side_by_side_and_bare_machine_to_green():
    parsed = bench.parse_ci_log(CI_LOG)
    assert parsed["ci_phases"] == {
        "provisioning the machine's Engine": 41,
        "starting the Engine matrix": 54,
        "testing": 1805,
        "the classroom (deploy/), timed on its own line": 210,
    }
    assert parsed["passed"] == "17/18"
    assert parsed["test_phases"]["engine@system"] == 592
    assert parsed["engines"] == ["28-containerd", "system"]
    # the tracks run side by side: the pipeline's wall time, not the sum of its phases
    assert (parsed["tracks"], parsed["test_s"]) == (5, 1790)
    assert parsed["took"] == {"the machine's Engine": 41, "the tests (make test)": 1800}
    assert parsed["green_s"] == 1900  # the classroom is timed on its own line, not counted
    assert parsed["classroom_s"] == 210


def _results():
    return {
        "date": "2026-11-29T21:00:00+00:00",
        "rounds": 3,
        "budgets": bench.BUDGETS,
        "engine": {"version": "28.5.2", "driver": "overlayfs", "image_store": "containerd"},
        "machine": {"cores": 2, "memory_bytes": 25e9, "os": "Debian GNU/Linux 12"},
        "course": bench.course_summary([_row("01-image-layers", 30.0, 20.0)], True),
        "notebooks": [
            {
                **_row("01-image-layers", 30.0, 20.0),
                "notebook_s": [30.0, 31.0, None],
                "twin_s": [20.0, 19.0, 21.0],
                "ratio": 1.5,
            }
        ],
        "widgets": [
            {
                "notebook": "05-named-volume",
                "button": "Write, rm -f, read back",
                "widget_s": [1.0, 1.1],
                "cli_s": [0.9, 1.0],
                "widget_median_s": 1.05,
                "cli_median_s": 0.95,
                "ratio": 1.105,
                "within": True,
            }
        ],
        "import": {"over_bare_s": 0.02, "within": True},
        "lab_start": {"doctor_output_s": 17.0},
        "provision_warm": {"median_s": 0.3},
        "ci": {
            "green_s": 1900,
            "classroom_s": 210,
            "test_s": 1790,
            "tracks": 5,
            "within": False,
            "engines": ["28-containerd", "system"],
        },
    }


def test_readme_table_has_the_date_engine_machine_and_a_row_per_figure():
    table = bench.readme_table(_results())
    assert "2026-11-29" in table and "Docker 28.5.2" in table and "2 cores" in table
    assert "| whole course | 30.0 s | 20.0 s | 1.50x | <= 1.3x | **no** |" in table
    assert '| widget 05-named-volume "Write, rm -f, read back" | 1.05 s | 0.95 s |' in table
    assert (
        "| bare machine to green `.ci/run` (28-containerd, system; the last CI run) | 31.7 min "
        "| | | <= 20 min | **no** |" in table
    )
    assert "| `make test` (5 tracks side by side; the last CI run) | 29.8 min | | | | |" in table
    room = "(`make classroom-test`, on its own line; the last CI run) | 3.5 min | | | <= 8 min"
    assert f"{room} | yes" in table


def test_readme_writer_replaces_only_what_is_between_its_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# Course\n\n## Speed\n\n{bench.README_START}\nold\n{bench.README_END}\n\nEnd\n"
    )
    assert bench.write_readme(readme, _results()) is True
    text = readme.read_text()
    assert "old" not in text and text.startswith("# Course\n") and text.endswith("\n\nEnd\n")
    assert bench.write_readme(readme, _results()) is False  # unchanged the second time
    plain = tmp_path / "PLAIN.md"
    plain.write_text("# Course\n")
    bench.write_readme(plain, _results())
    assert "## Speed" in plain.read_text() and bench.README_END in plain.read_text()


def test_the_plot_is_written(tmp_path):
    path = bench.write_plot(_results(), tmp_path / "results.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_results_shape_is_checked():
    assert bench.shape_problems(_results()) == []
    broken = _results()
    del broken["engine"]["image_store"]
    broken["widgets"][0]["cli_s"] = [0.9]
    assert bench.shape_problems(broken) == [
        "no engine.image_store",
        "widgets[0]: the two sides ran a different number of rounds",
    ]


def test_the_committed_results_have_the_shape_the_readme_and_plot_need():
    path = bench.OUT / "results.json"
    if not path.is_file():
        pytest.skip("no bench/results.json yet (make bench writes it)")
    results = json.loads(path.read_text())
    assert bench.shape_problems(results) == []
    assert bench.readme_table(results).count("\n") > 4


def test_a_narrowed_run_refreshes_its_notebooks_and_keeps_the_others():
    previous = {
        "date": "2026-11-28T10:00:00+00:00",
        "notebooks": [
            {"notebook": "01-image-layers", "notebook_median_s": 40.0, "twin_median_s": 20.0},
            {"notebook": "06b-bind", "notebook_median_s": 17.0, "twin_median_s": None},
        ],
        "widgets": [{"notebook": "02-writable-layer", "button": "Write", "widget_median_s": 1}],
    }
    fresh = [{"notebook": "06b-bind", "notebook_median_s": 18.0, "twin_median_s": 14.0}]
    rows = bench.merge_rows(fresh, previous, "notebooks")
    assert [r["notebook"] for r in rows] == ["01-image-layers", "06b-bind"]
    assert rows[0]["from_run"] == previous["date"] and "from_run" not in rows[1]
    assert rows[1]["twin_median_s"] == 14.0  # the new figure, not the kept one
    course = bench.course_summary(rows, all_notebooks=True)
    assert course["notebook_s"] == 58.0 and course["twin_s"] == 34.0 and course["left_out"] == []
    kept = bench.merge_rows([], previous, "widgets")
    assert kept == [{**previous["widgets"][0], "from_run": previous["date"]}]
    assert bench.merge_rows(fresh, {}, "notebooks") == fresh  # nothing earlier: only this run


def test_no_run_with_a_ci_log_takes_that_runs_figures_and_measures_nothing(tmp_path):
    (tmp_path / "results.json").write_text((bench.OUT / "results.json").read_text())
    (tmp_path / "ci.log").write_text(CI_LOG)
    assert (
        bench.main(["--no-run", "--ci-log", str(tmp_path / "ci.log"), "--out", str(tmp_path)]) == 0
    )
    kept = json.loads((bench.OUT / "results.json").read_text())
    written = json.loads((tmp_path / "results.json").read_text())
    assert written["ci"]["green_s"] == 1900 and written["ci"]["tracks"] == 5
    assert {k: v for k, v in written.items() if k != "ci"} == {
        k: v for k, v in kept.items() if k != "ci"
    }
    assert (tmp_path / "results.png").is_file()


def test_a_ci_run_on_a_provisioned_machine_says_so_and_decides_nothing_of_a_bare_one():
    """`.ci/run` on a machine that had everything reports provisioning in seconds: its time to
    green is shown as what it is, not as the bare machine's figure the budget is about."""
    log = "\n".join(
        [
            "ci: provisioning: Debian packages and the machine's Engine (0 s so far)",
            "ci: testing (16 s so far)",
            "pipeline: 7 tracks side by side, 1127 s wall",
            "ci: the classroom (deploy/), timed on its own line (1169 s so far)",
            "ci: done (1279 s so far)",
        ]
    )
    parsed = bench.parse_ci_log(log)
    assert parsed["provisioning_s"] == 16 and parsed["green_s"] == 1169
    results = _results()
    results["ci"] = {**parsed, "within": None, "engines": ["28-containerd"]}
    assert not bench.bare(results["ci"])
    table = bench.readme_table(results)
    assert "bare machine to green" not in table
    assert (
        "on a machine already provisioned (28-containerd; the last CI run, provisioning 16 s)"
        in (table)
    )
    cold = bench.parse_ci_log(log.replace("testing (16 s", "testing (171 s"))
    assert bench.bare(cold)
