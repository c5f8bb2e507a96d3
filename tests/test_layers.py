"""Image layers (notebook 01): history with evidence, the saved-config fallback, the trial,
"add a layer", one stage versus two, build failures, the chart and the widgets."""

from __future__ import annotations

import io
import json
import tarfile

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers import engine as eng
from labhelpers.core.labels import MANAGED, is_lab_image
from labhelpers.engine.images import _ChunkStream, config_history_from_tar
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
        ("ADD app.py app.py # buildkit", "ADD app.py app.py", "ADD"),
        ("EXPOSE map[5000/tcp:{}]", "EXPOSE map[5000/tcp:{}]", "EXPOSE"),
        (
            "/bin/sh -c #(nop) ADD file:d0f78e2476b8102128acb78f051d9ab8ee7233c9ec8750385f57f7cdb"
            "e3357bc in app.py",
            "ADD file:d0f78e2476b8… in app.py",
            "ADD",
        ),
    ],
)
def test_step_of_reads_both_builders_formats(created_by, step, keyword):
    assert views.step_of(created_by) == (step, keyword)


def test_step_of_an_imported_base_has_no_keyword():
    assert views.step_of("", "Imported from -") == ("(imported: Imported from -)", "")


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


def test_origins_name_the_from_image_and_the_lab_labels():
    raw = [
        (("base:1",), ""),
        ((), "/bin/sh -c #(nop)  LABEL io.labhelpers.managed=true"),
        (("my-image:latest",), "x"),
        ((), "/bin/sh -c #(nop)  ENV A=1"),
        ((), "/bin/sh -c #(nop)  LABEL io.labhelpers.managed=true"),
        (("plus:latest",), "/bin/sh -c #(nop)  LABEL io.labhelpers.s=1"),
    ]
    assert experiments._origins(raw) == [
        "base:1",
        "my-image",
        "my-image",
        "Dockerfile",
        "lab label",
        "lab label",
    ]


def test_extra_instructions_and_bad_choices():
    assert experiments.extra_instruction("run", 3).startswith("RUN dd if=/dev/zero")
    assert "count=3" in experiments.extra_instruction("run", 3)
    assert experiments.extra_instruction("copy", 2) == "COPY payload-2mib.bin /app/"
    assert experiments.extra_instruction("env").startswith("ENV ")
    assert "FROM ${BASE_IMAGE}" in experiments.derived_dockerfile("ENV A=1", "base")
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


def test_a_build_failure_names_the_step_and_the_log_tail():
    exc = lh.BuildFailed(
        "The build of x failed.",
        "the builder said: nope",
        "fix it.",
        "Step 5/9 : COPY requirements.txt /app/",
        [f"line {n}" for n in range(20)],
    )
    text = views.describe_build_failure(exc, tail_lines=3)
    assert "Step 5/9 : COPY requirements.txt /app/" in text
    assert "line 19" in text and "line 16" not in text
    attempt = results.attempt_from_failure("x", exc)
    assert not attempt.ok and attempt.failed_step.startswith("Step 5/9")


def _row(step, keyword, origin, size, new_layer, image_id="abc"):
    return results.HistoryRow(image_id, step, "", step, keyword, origin, size, new_layer, -1, "")


def test_compare_with_seed_marks_where_the_engine_disagrees():
    report = results.LayerReport(
        "t",
        "abc",
        (
            _row("LABEL io.labhelpers.managed=true", "LABEL", "lab label", 0, False),
            _row("ENV A=1", "ENV", "Dockerfile", 0, False),
            _row("RUN true", "RUN", "Dockerfile", 0, False),
            _row("WORKDIR /app", "WORKDIR", "Dockerfile", 0, True),
            _row("(imported: x)", "", "base:1", 100, True),
        ),
        2,
        100,
        "test",
        (),
    )
    table = results.TrialReport(report, experiments.TRIAL_STEPS).table()
    agree = {row[1].split("  (")[0]: row[4] for row in table.rows}
    assert agree == {"FROM base:1": "yes", "WORKDIR /app": "NO", "RUN true": "NO", "ENV A=1": "yes"}
    assert report.layers_agree and report.sizes_agree
    assert "5 history rows; 2 of them added a layer: FROM base:1" in report.summary()


def test_plot_layers_draws_a_bar_per_layer_and_refuses_odd_scales():
    report = results.LayerReport(
        "t",
        "abc",
        (_row("WORKDIR /app", "WORKDIR", "Dockerfile", 0, True), _row("x", "", "b", 9, True)),
        2,
        9,
        "test",
        (),
    )
    for scale in ("linear", "log"):
        figure = report.plot(scale)
        assert len(figure.axes[0].patches) == 2
    with pytest.raises(lh.BadInput):
        report.plot("cubic")


def test_widget_actions_show_prints_and_lab_errors_in_their_output():
    class Area:
        text = ""

        def append_stdout(self, text):
            self.text += text

    def noisy():
        print("$ docker something")
        return 42

    def failing():
        raise lh.BadInput("It failed.", "because.", "do this.")

    area = Area()
    assert widgets._show_in(area, noisy) == 42
    assert widgets._show_in(area, failing) is None
    assert area.text == (
        "$ docker something\nBadInput: It failed.\nWhy: because.\nWhat to do: do this.\n"
    )


# --- against the Engine ---------------------------------------------------------------------------


def test_history_of_the_lesson_image_is_backed_by_rootfs(lesson_image):
    report = experiments.image_history(lesson_image)
    assert report.layers_agree and report.sizes_agree
    by_keyword = {row.keyword: row for row in report.rows if row.origin == "Dockerfile"}
    assert by_keyword["WORKDIR"].new_layer and by_keyword["WORKDIR"].size_bytes == 0
    assert by_keyword["ADD"].new_layer and by_keyword["RUN"].new_layer
    assert not by_keyword["CMD"].new_layer and not by_keyword["EXPOSE"].new_layer
    assert [row.origin for row in report.rows[:3]] == ["lab label"] * 3
    assert report.rows[-1].origin != "Dockerfile"  # the base image's rows
    assert all(row.evidence.startswith("RootFS") for row in report.rows)


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


def test_saved_config_fallback_agrees_with_rootfs_counts(tmp_path, engine, no_leftovers):
    (tmp_path / "Dockerfile").write_text(SCRATCH_DOCKERFILE)
    (tmp_path / "note.txt").write_text("hello\n")
    eng.build_image(tmp_path, tag="lab-t-scratch")
    counted = experiments.image_history("lab-t-scratch")
    assert "empty_layer" not in counted.method
    saved = eng.saved_config_history("lab-t-scratch")
    assert [not e.empty_layer for e in saved] == [r.new_layer for r in reversed(counted.rows)]

    # A saved and re-loaded image has no step images: its history shows <missing>.
    archive = tmp_path / "scratch.tar"
    docker_cli("image", "save", "-o", str(archive), "lab-t-scratch")
    docker_cli("image", "rm", "-f", "lab-t-scratch")
    docker_cli("image", "load", "-i", str(archive))
    loaded = experiments.image_history("lab-t-scratch")
    assert loaded.rows[0].image_id == counted.rows[0].image_id
    assert all(row.image_id == "<missing>" for row in loaded.rows[1:])
    assert "empty_layer" in loaded.method
    assert [r.new_layer for r in loaded.rows] == [r.new_layer for r in counted.rows]
    assert loaded.layers_agree and loaded.rootfs_layers == 2
    eng.cleanup(session_only=True)


def test_the_instruction_trial_against_the_seeds_table(tmp_path, engine, no_leftovers):
    trial = experiments.instruction_trial(tmp_path, tag="lab-t-trial")
    report = trial.report
    assert report.layers_agree and report.sizes_agree
    steps = {row.step: row for row in report.rows if row.origin == "Dockerfile"}
    assert steps["WORKDIR /app"].new_layer and steps["WORKDIR /app"].size_bytes == 0
    assert not steps["WORKDIR /tmp"].new_layer
    assert not steps["RUN echo nothing to write > /dev/null"].new_layer
    assert steps["RUN echo hello > /app/hello.txt"].size_bytes == 6
    for keyword in ("ENV", "LABEL", "USER", "EXPOSE", "VOLUME", "STOPSIGNAL", "CMD", "ARG"):
        assert not any(r.new_layer for r in report.rows if r.keyword == keyword), keyword
    disagree = [row[0] for row in trial.table().rows if row[4] == "NO"]
    assert disagree == ["WORKDIR", "RUN"]
    eng.cleanup(session_only=True)


def test_add_a_layer_measures_each_choice(tmp_path, lesson_image, no_leftovers):
    def add(choice, size=1):
        return experiments.add_layer(choice, size, lesson_image, "lab-t-plus", tmp_path / "plus")

    run = add("run", 2)
    assert run.new_layer and run.layer_bytes == run.grew_bytes == 2 * MIB
    assert run.layers_after == run.layers_before + 1
    copy = add("copy", 1)
    assert copy.new_layer and copy.layer_bytes == MIB
    assert len(list((tmp_path / "plus").glob("payload-*"))) == 1
    env = add("env")
    assert not env.new_layer and env.grew_bytes == 0 and env.layers_after == env.layers_before
    workdir = add("workdir")
    assert workdir.new_layer and workdir.layer_bytes == 0
    assert f"RootFS {workdir.layers_before} -> {workdir.layers_after} layers" in repr(workdir)
    table = views.experiments_table([run, copy, env, workdir])
    assert [row[1] for row in table.rows] == ["yes", "yes", "no", "yes"]
    eng.cleanup(session_only=True)


def test_multi_stage_keeps_only_the_result(tmp_path, engine, no_leftovers):
    compared = experiments.compare_stages(tmp_path, repository="lab-t-stages")
    above = {i.tag.split(":")[1]: i.above_base_bytes for i in compared.images}
    result_bytes = len("app built with the toolchain\n")
    assert above == {
        "one-stage": 30 * MIB + result_bytes,
        "one-stage-rm": 30 * MIB + result_bytes,
        "multi-stage": result_bytes,
    }
    stage = compared.build_stage
    assert stage is not None and stage.above_base_bytes == 30 * MIB + result_bytes
    stage_image = eng.find_image(stage.image_id)
    assert stage_image.labels.get(MANAGED) == "image:build-stage" and not stage_image.tags
    assert is_lab_image(stage_image.labels, stage_image.tags)
    eng.cleanup(session_only=True)
    # the build stage's untagged image carries the lab's label, so the cleanup removed it too
    assert eng.find_image(stage.image_id) is None


def test_a_broken_context_fails_at_its_copy_step(tmp_path, engine, no_leftovers):
    text = experiments.write_broken_context(tmp_path)
    assert experiments.BROKEN_LINE in text
    with pytest.raises(lh.BuildFailed) as caught:
        eng.build_image(tmp_path, tag="lab-t-broken")
    assert experiments.BROKEN_LINE in caught.value.step
    described = views.describe_build_failure(caught.value)
    assert "requirements.txt" in described
    eng.cleanup(session_only=True)


def test_build_widget_reports_a_failure_without_raising_when_asked(tmp_path, engine, no_leftovers):
    experiments.write_broken_context(tmp_path)
    attempt = widgets.build_with_progress(tmp_path, "lab-t-broken", raise_on_failure=False)
    assert not attempt.ok and experiments.BROKEN_LINE in attempt.failed_step
    with pytest.raises(lh.BuildFailed):
        widgets.build_with_progress(tmp_path, "lab-t-broken")
    eng.cleanup(session_only=True)


def test_builder_probe_names_the_sdks_builder(engine):
    probe = experiments.builder_probe()
    assert probe.sdk_builder.startswith("the classic builder")
    assert isinstance(probe.cli_buildx_present, bool)
    assert len(probe.table().rows) == 3


def test_the_terminal_builder_follows_the_cli_version_and_buildx(monkeypatch):
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    probe = results.BuilderProbe
    old = probe("classic", "", "github.com/docker/buildx v0.10", True, "20.10.24+dfsg1")
    assert old.terminal_builder.startswith("the classic builder (docker CLI 20.10.24+dfsg1")
    new = probe("classic", "2", "github.com/docker/buildx v0.17", True, "27.3.1")
    assert new.terminal_builder.startswith("BuildKit")
    assert probe("classic", "2", "", False, "27.3.1").terminal_builder.startswith("the classic")
    # the setting the probe ran with, not this process's environment (a replay shows the recorded)
    monkeypatch.setenv("DOCKER_BUILDKIT", "0")
    assert old.terminal_builder.startswith("the classic builder (docker CLI")
    with_setting = probe("classic", "", "github.com/docker/buildx v0.10", True, "20.10.24", "1")
    assert with_setting.terminal_builder.startswith("BuildKit (DOCKER_BUILDKIT=1")
