"""Notebook 01 (image layers): reading history rows, the verdicts as data, and the builds, history,
trial, "add a layer" and multi-stage comparison against the real Engine."""

from __future__ import annotations

import io
import json
import tarfile

import pytest

import labhelpers as lh
from labhelpers import engine as eng
from labhelpers.core.labels import MANAGED
from labhelpers.engine.images import ImageSizes, _ChunkStream, config_history_from_tar
from labhelpers.lessons.layers import experiments, results, views, widgets

MIB = lh.MIB


# --- pure logic: no Engine ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("created_by", "step", "keyword"),
    [
        ('/bin/sh -c #(nop)  CMD ["python" "app.py"]', 'CMD ["python" "app.py"]', "CMD"),
        ("/bin/sh -c #(nop) WORKDIR /app", "WORKDIR /app", "WORKDIR"),
        ("/bin/sh -c pip install flask", "RUN pip install flask", "RUN"),
        ("|1 GREETING=hello /bin/sh -c echo hi > /a", "RUN echo hi > /a", "RUN"),
        ("RUN /bin/sh -c pip install flask # buildkit", "RUN pip install flask", "RUN"),
        ("RUN |1 GREETING=hello /bin/sh -c echo hi > /a # buildkit", "RUN echo hi > /a", "RUN"),
        ("ADD app.py app.py # buildkit", "ADD app.py app.py", "ADD"),
        ("EXPOSE map[5000/tcp:{}]", "EXPOSE map[5000/tcp:{}]", "EXPOSE"),
        (
            "/bin/sh -c #(nop) ADD file:d0f78e2476b8102128acb78f051d9ab8ee7233c9ec8750385f57f7cdb"
            "e3357bc in app.py",
            "ADD file:d0f78e2476b8… in app.py",
            "ADD",
        ),
        ("", "", ""),  # a layer imported with `docker import` records no command
    ],
)
def test_step_of_reads_both_builders_formats(created_by, step, keyword):
    assert results.step_of(created_by) == (step, keyword)


def _tar(members: list[tuple[str, bytes]]) -> io.BytesIO:
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    data.seek(0)
    return data


CONFIG = json.dumps(
    {
        "history": [
            {"created_by": "/bin/sh -c #(nop) COPY file:abc in /", "empty_layer": False},
            {"created_by": "/bin/sh -c #(nop)  ENV A=1", "empty_layer": True},
            {"created_by": "/bin/sh -c #(nop) COPY file:def in /b"},
        ]
    }
).encode()


def test_config_history_from_the_classic_save_layout():
    manifest = json.dumps([{"Config": "abc.json", "Layers": ["l1/layer.tar"]}]).encode()
    stream = _tar(
        [
            ("l1/layer.tar", b"x" * (MIB + 10)),  # too big to keep: skipped
            ("abc.json", CONFIG),
            ("manifest.json", manifest),
        ]
    )
    entries = config_history_from_tar(stream)
    assert [e.empty_layer for e in entries] == [False, True, False]
    assert entries[1].created_by.endswith("ENV A=1")


def test_config_history_from_the_oci_save_layout_stops_early():
    manifest = json.dumps([{"Config": "blobs/sha256/cfg", "Layers": []}]).encode()
    stream = _tar(
        [
            ("oci-layout", b"{}"),
            ("blobs/sha256/cfg", CONFIG),
            ("manifest.json", manifest),
            ("blobs/sha256/late", b"never read"),
        ]
    )
    assert len(config_history_from_tar(stream)) == 3


def test_config_history_without_a_manifest_is_bad_input():
    with pytest.raises(lh.BadInput, match=r"no manifest\.json"):
        config_history_from_tar(_tar([("something.json", b"{}")]))


def test_chunk_stream_reads_across_chunks():
    reader = io.BufferedReader(_ChunkStream([b"ab", b"", b"cde", b"f"]), 4)
    assert reader.read() == b"abcdef"


def test_extra_instructions_and_bad_choices():
    assert experiments.extra_instruction("run", 3).startswith("RUN dd if=/dev/zero")
    assert "count=3" in experiments.extra_instruction("run", 3)
    assert experiments.extra_instruction("copy", 2) == "COPY payload-2mib.bin /app/"
    assert experiments.extra_instruction("env").startswith("ENV ")
    with pytest.raises(lh.BadInput):
        experiments.extra_instruction("delete-everything")
    with pytest.raises(lh.BadInput):
        experiments.extra_instruction("run", 0)


def test_stage_results_take_each_stages_last_image():
    log = [
        "Step 1/6 : ARG BASE_IMAGE",
        "Step 2/6 : FROM ${BASE_IMAGE} AS build",
        " ---> fcf15da74aee",
        "Step 3/6 : RUN x",
        " ---> Running in 1d9c60424cb9",
        "Removing intermediate container 1d9c60424cb9",
        " ---> 15e60f54242b",
        "Step 4/6 : FROM ${BASE_IMAGE}",
        " ---> fcf15da74aee",
        "Step 5/6 : COPY --from=build /a /a",
        " ---> 997c0cd992c7",
    ]
    assert experiments.stage_results(log) == ["15e60f54242b", "997c0cd992c7"]


def test_a_build_failure_names_the_step_and_what_to_do():
    exc = lh.BuildFailed(
        "The build of x failed.",
        "the file is not in the context; the builder said: nope",
        "fix it.",
        "Step 5/9 : COPY requirements.txt /app/",
        [f"line {n}" for n in range(20)],
    )
    attempt = results.attempt_from_failure("x", exc, tail_lines=3)
    assert not attempt.ok and attempt.failed_step.startswith("Step 5/9")
    assert attempt.log_tail == ("line 17", "line 18", "line 19")
    assert repr(attempt).splitlines() == [
        "The build stopped at: Step 5/9 : COPY requirements.txt /app/",
        "Why: the file is not in the context",
        "What to do: fix it.",
    ]


def _row(step, keyword, origin, size, new_layer, image_id="abc"):
    return results.HistoryRow(image_id, step, step, keyword, origin, size, new_layer)


def _sizes(store="graph driver", unpacked=100, content=-1):
    listed = unpacked + content if store == "containerd" else unpacked
    inspect = content if store == "containerd" else unpacked
    return ImageSizes("t", store, listed, inspect, content, unpacked)


def _report(rows, rootfs, builder="classic", sizes=None, tag="t"):
    sizes = sizes or _sizes(unpacked=sum(r.size_bytes for r in rows))
    return results.LayerReport(tag, tuple(rows), rootfs, sizes, builder)


# What each builder makes a layer of, measured on every Engine of the matrix: the classic
# builder stores no empty change; BuildKit stores every RUN, COPY, ADD and WORKDIR (but /).
LAYER_STEPS = {
    "classic": {
        "WORKDIR /app",
        "COPY app.py /app/app.py",
        "ADD app.py /app/added.py",
        "RUN echo hello > /app/hello.txt",
    },
    "buildkit": {
        "WORKDIR /app",
        "WORKDIR /tmp",
        "COPY app.py /app/app.py",
        "ADD app.py /app/added.py",
        "RUN echo hello > /app/hello.txt",
        "RUN echo nothing to write > /dev/null",
    },
}
# Where the lecture's table does not hold, per builder (the claim's question starts so).
DOES_NOT_HOLD = {
    "classic": {"WORKDIR /app", "RUN echo nothing to write > /dev/null"},
    "buildkit": {"WORKDIR /app", "WORKDIR /tmp"},
}


def _trial_rows(builder):
    """The trial's rows, newest first, as BUILDER makes them (sizes as the graph driver counts)."""
    rows = [_row("", "", "base", 100, True)]
    for instruction, _ in experiments.TRIAL_STEPS:
        layer = instruction in LAYER_STEPS[builder]
        size = 6 if "hello.txt" in instruction else 0
        rows.append(_row(instruction, instruction.split(" ")[0], "Dockerfile", size, layer))
    if builder == "classic":
        rows.append(
            _row("LABEL io.labhelpers.managed=image:t:latest", "LABEL", "--label", 0, False)
        )
    return list(reversed(rows)), 1 + len(LAYER_STEPS[builder])


def _failing(trial) -> set:
    return {c.question.split(" (")[0] for c in trial.claims if not c.holds}


def test_the_trial_claims_are_data_beside_each_builder():
    kit = _report(*_trial_rows("buildkit"), builder="buildkit")
    classic = _report(*_trial_rows("classic"), builder="classic")
    assert kit.layers_agree and classic.layers_agree and classic.sizes_agree
    both = results.TrialReport((kit, classic), experiments.TRIAL_STEPS)
    assert _failing(both) == DOES_NOT_HOLD["classic"] | DOES_NOT_HOLD["buildkit"]
    claims = {c.question.split(" (")[0]: c for c in both.claims}
    assert claims["FROM"].holds and claims["FROM"].measured[0].startswith("the base's 1 layer")
    # the config-only instructions that made no layer with either builder: one claim
    config = next(c for c in both.claims if c.question.startswith("ARG"))
    assert config.holds and "ENTRYPOINT" in config.question
    # and those that wrote files and made a layer with either builder
    files = next(c for c in both.claims if c.question.startswith("COPY"))
    assert files.holds and files.question == "COPY, ADD, RUN (writes 6 bytes)"
    assert claims["WORKDIR /tmp"].because == "BuildKit made a layer"
    assert claims["WORKDIR /app"].because == "both made a layer"
    assert (
        claims["RUN echo nothing to write > /dev/null"].because == "the classic builder made none"
    )
    assert both.made("buildkit") == LAYER_STEPS["buildkit"]
    assert both.made("classic") == LAYER_STEPS["classic"]
    table = both.table()
    assert table.columns[2:] == ["BuildKit (yours)", "the classic builder", "holds?"]
    holds = {row[0].split(" (")[0]: row[-1] for row in table.rows}
    assert holds["WORKDIR /app"] == "no: both made a layer" and holds["FROM"] == "yes"
    assert both.notes() == [] and "<ul>" not in both._repr_html_()
    for builder in ("buildkit", "classic"):
        alone = results.TrialReport(
            (_report(*_trial_rows(builder), builder=builder),), experiments.TRIAL_STEPS, "no."
        )
        assert _failing(alone) == DOES_NOT_HOLD[builder]
        assert alone.notes()[-1].endswith("built it: no.") and len(alone.table().columns) == 4


def test_the_history_notes_say_what_each_store_counts():
    rows = [_row("RUN x", "RUN", "Dockerfile", 60, True), _row("", "", "b", 40, True)]
    graph = _report(rows, 2)
    assert graph.sizes_agree and graph.listed_agree and graph.layers_agree
    assert [r.own for r in graph.layers] == [False, True]
    assert "file bytes" in graph.notes()[1]
    containerd = _report(rows, 2, sizes=_sizes("containerd", 100, content=70))
    assert containerd.sizes_agree and not containerd.listed_agree
    assert "compressed copy" in containerd.notes()[1]
    assert graph.table().rows[-1][-1] == "the base's" and graph.table().rows[0][-1] == "yes"
    assert not _report(rows, 3).layers_agree


def test_an_added_layer_is_compared_unpacked_with_the_others_beside_it():
    report = _report([_row("RUN dd", "RUN", "Dockerfile", 5, True)], 2, builder="buildkit")
    before = _sizes("containerd", unpacked=1000, content=400)
    after = _sizes("containerd", unpacked=1000 + 5 * MIB, content=400 + 11_000)
    added = results.AddLayerResult(
        "run", "RUN dd", "plus", "base", True, 5 * MIB, 1, 2, before, after, report
    )
    assert added.grew_bytes == 5 * MIB and added.grew_inspect_bytes == 11_000
    assert added.grew_listed_bytes == 5 * MIB + 11_000
    assert "RootFS 1 -> 2" in repr(added) and "(5,242,880 B)" in repr(added)
    graph = results.AddLayerResult(
        "env", "ENV A=1", "plus", "base", False, 0, 1, 1, _sizes(), _sizes(), report
    )
    assert "inspect" not in repr(graph) and "no new layer" in repr(graph)
    tried = results.AddLayerExperiments()
    assert tried.last is None
    tried.experiments += [added, graph]
    table = tried.table()
    assert tried.last is graph and len(table.columns) == 5
    assert [row[1] for row in table.rows] == ["yes", "no"]


def _image(tag, unpacked, content, base):
    sizes = _sizes("containerd", unpacked, content)
    return results.ImageSize(
        tag, "abc", 2, sizes, unpacked - base.unpacked_bytes, content - base.content_bytes
    )


def test_the_stage_verdicts_are_data():
    base = _sizes("containerd", unpacked=1000, content=500)
    images = (
        _image("x:one-stage", 1000 + 30 * MIB, 560, base),
        _image("x:one-stage-rm", 1000 + 30 * MIB + 4096, 561, base),
        _image("x:multi-stage", 1029, 501, base),
    )
    kit = results.StageComparison("b", base, images, None, "buildkit")
    (claim,) = kit.claims
    assert claim.holds and not kit.rm_shrank
    assert "build cache" in kit.notes()[2]
    assert kit.table().columns[-1] == "above the base (compressed)"
    stage = _image("build stage", 1000 + 30 * MIB, 560, base)
    classic = results.StageComparison("b", base, images, stage, "classic")
    assert "untagged" in classic.notes()[2]
    assert classic.table().rows[-1][0] == "<none> (the build stage)"


def test_plot_layers_draws_a_bar_per_layer_and_refuses_odd_scales():
    report = _report(
        [_row("WORKDIR /app", "WORKDIR", "Dockerfile", 0, True), _row("", "", "b", 9, True)], 2
    )
    for scale in ("linear", "log"):
        figure = views.plot_layers(report, scale)
        assert len(figure.axes[0].patches) == 2
        assert "2 layers" in figure.axes[0].get_title()
    with pytest.raises(lh.BadInput):
        views.plot_layers(report, "cubic")


# --- against the Engine ---------------------------------------------------------------------------


def _store(report) -> str:
    return report.sizes.store


def _check_sizes(report) -> None:
    """The rows add up to the unpacked size, and to `docker image ls` only on the classic store
    (the containerd store lists the compressed content too). One exception, measured on Engine
    28 with the containerd store: the classic builder commits a RUN's (or WORKDIR's) container on
    top of its init snapshot, which the unpacked size counts and the rows do not."""
    assert report.listed_agree == (_store(report) == "graph driver"), report
    if _store(report) == "containerd" and report.builder == "classic":
        more = report.sizes.unpacked_bytes - report.rows_bytes
        assert 0 <= more < 131072 and more % 4096 == 0, report
    else:
        assert report.sizes_agree, report


def _check_labels(report) -> None:
    """The classic builder records the build's labels as LABEL rows at the top; BuildKit not."""
    labels = [row for row in report.rows if row.origin == "--label"]
    assert all(row.keyword == "LABEL" and not row.new_layer for row in labels)
    if report.builder == "buildkit":
        assert not labels and all(row.image_id == results.MISSING for row in report.rows[1:])
    else:
        assert report.builder == "classic" and labels == list(report.rows[: len(labels)])
        assert len(labels) >= 2  # the mark and the owner: every label the command shows


def test_history_of_the_lesson_image_has_evidence_for_each_layer(lesson_image):
    report = experiments.image_history(lesson_image)
    assert report.builder == eng.builder_in_use().name
    assert report.layers_agree
    _check_sizes(report)
    _check_labels(report)
    by_keyword = {row.keyword: row for row in report.own_rows}
    assert by_keyword["WORKDIR"].new_layer and by_keyword["ADD"].new_layer
    assert by_keyword["RUN"].new_layer
    assert not by_keyword["CMD"].new_layer and not by_keyword["EXPOSE"].new_layer
    # an empty directory: no file bytes (graph driver); a few disk blocks (containerd store)
    workdir = by_keyword["WORKDIR"].size_bytes
    assert workdir == 0 if _store(report) == "graph driver" else 0 < workdir <= 16384
    base = eng.choose_base_image(pull=False).image.removesuffix(":latest")
    assert report.rows[-1].origin == base and not report.rows[-1].own


def test_history_of_a_missing_image_is_bad_input(engine):
    with pytest.raises(lh.BadInput, match="no image"):
        experiments.image_history("lab-t-no-such-image")


SCRATCH_DOCKERFILE = """\
FROM scratch
COPY note.txt /note.txt
ENV A=1
LABEL lesson=test
COPY note.txt /again/note.txt
"""


@pytest.mark.parametrize("builder", ["buildkit", "classic"])
def test_each_row_layer_comes_from_the_saved_config(tmp_path, engine, no_leftovers, builder):
    (tmp_path / "Dockerfile").write_text(SCRATCH_DOCKERFILE)
    (tmp_path / "note.txt").write_text("hello\n")
    eng.build_image(tmp_path, tag="lab-t-scratch", builder=builder)
    report = experiments.image_history("lab-t-scratch")
    assert report.builder == builder and report.layers_agree and report.rootfs_layers == 2
    saved = eng.saved_config_history("lab-t-scratch")
    assert [not e.empty_layer for e in saved] == [r.new_layer for r in reversed(report.rows)]
    assert [r.new_layer for r in report.own_rows] == [True, False, False, True]
    _check_labels(report)
    eng.cleanup(eng.SESSION)


def test_the_instruction_trial_against_the_lectures_table(tmp_path, engine, no_leftovers):
    trial = experiments.instruction_trial(tmp_path, tag="lab-t-trial")
    assert [r.builder for r in trial.reports][:1] == [eng.builder_in_use().name]
    assert len(trial.reports) == 2, trial.unavailable
    steps = [instruction for instruction, _ in experiments.TRIAL_STEPS]
    for report in trial.reports:
        assert report.layers_agree
        _check_sizes(report)
        assert trial.made(report.builder) == LAYER_STEPS[report.builder], report.builder
        hello = report.own_rows[steps.index("RUN echo hello > /app/hello.txt")].size_bytes
        assert hello == 6 if _store(report) == "graph driver" else hello >= 4096
    assert _failing(trial) == DOES_NOT_HOLD["classic"] | DOES_NOT_HOLD["buildkit"]
    eng.cleanup(eng.SESSION)


def test_add_a_layer_measures_each_choice(tmp_path, lesson_image, no_leftovers):
    def add(choice, size=1):
        return experiments.add_layer(choice, size, lesson_image, "lab-t-plus", tmp_path / "plus")

    run = add("run", 2)
    assert run.new_layer and run.layers_after == run.layers_before + 1
    if _store(run.report) == "graph driver":
        assert run.layer_bytes == run.grew_bytes == run.grew_inspect_bytes == 2 * MIB
    else:  # disk blocks unpacked; compressed content in inspect, where zeros nearly vanish
        assert run.layer_bytes == run.grew_bytes and 2 * MIB <= run.grew_bytes < 2 * MIB + 65536
        assert 0 < run.grew_inspect_bytes < 100_000
    copy = add("copy", 1)
    assert copy.new_layer and MIB <= copy.layer_bytes < MIB + 65536
    assert len(list((tmp_path / "plus").glob("payload-*"))) == 1
    env = add("env")
    assert not env.new_layer and env.grew_bytes == 0 and env.layers_after == env.layers_before
    workdir = add("workdir")
    assert workdir.new_layer
    blocks = _store(workdir.report) == "containerd"
    assert 0 < workdir.layer_bytes <= 16384 if blocks else workdir.layer_bytes == 0
    nothing = add("run-nothing")
    assert nothing.new_layer == (nothing.report.builder == "buildkit")
    eng.cleanup(eng.SESSION)


def _above(tag_sizes: dict, store: str, expected: int) -> None:
    """Unpacked bytes above the base: exact where the store counts file bytes; with the
    containerd store, whole disk blocks (a little more)."""
    for tag, above in tag_sizes.items():
        if store == "graph driver":
            assert above == expected, tag
        else:  # + whole blocks, and the classic builder's init snapshots (see _check_sizes)
            assert expected <= above < expected + 131072, tag


@pytest.mark.parametrize("builder", ["buildkit", "classic"])
def test_multi_stage_keeps_only_the_result(tmp_path, engine, no_leftovers, builder):
    compared = experiments.compare_stages(tmp_path, repository="lab-t-stages", builder=builder)
    assert compared.builder == builder
    store = compared.base_sizes.store
    above = {i.tag.split(":")[1]: i.above_base_bytes for i in compared.images}
    result_bytes = len("app built with the toolchain\n")
    _above({k: above[k] for k in ("one-stage", "one-stage-rm")}, store, 30 * MIB + result_bytes)
    _above({"multi-stage": above["multi-stage"]}, store, result_bytes)
    assert not compared.rm_shrank and all(c.holds for c in compared.claims)
    if store == "containerd":  # by compressed content, 30 MiB of zeros nearly vanish
        assert all(0 <= i.above_base_content_bytes < 200_000 for i in compared.images)
    stage = compared.build_stage
    if builder == "buildkit":
        assert stage is None  # BuildKit exports the final stage only
        eng.cleanup(eng.SESSION)
        return
    assert stage is not None
    _above({"build stage": stage.above_base_bytes}, store, 30 * MIB + result_bytes)
    stage_image = eng.find_image(stage.image_id)
    assert stage_image.labels.get(MANAGED) == ("image:build-stage:latest")
    eng.cleanup(eng.SESSION)
    # the lab recorded the build stage's id as made, so the cleanup removed it too
    assert eng.find_image(stage.image_id) is None


def test_a_broken_context_fails_at_its_copy_step(tmp_path, engine, no_leftovers):
    text = experiments.write_broken_context(tmp_path)
    assert experiments.BROKEN_LINE in text
    with pytest.raises(lh.BuildFailed) as caught:
        eng.build_image(tmp_path, tag="lab-t-broken")
    assert experiments.BROKEN_LINE in caught.value.step
    assert "requirements.txt" in repr(results.attempt_from_failure("lab-t-broken", caught.value))
    eng.cleanup(eng.SESSION)


def test_build_widget_reports_a_failure_without_raising_when_asked(tmp_path, engine, no_leftovers):
    experiments.write_broken_context(tmp_path)
    attempt = widgets.build_with_progress(tmp_path, "lab-t-broken", raise_on_failure=False)
    assert not attempt.ok and experiments.BROKEN_LINE in attempt.failed_step
    with pytest.raises(lh.BuildFailed):
        widgets.build_with_progress(tmp_path, "lab-t-broken")
    eng.cleanup(eng.SESSION)
