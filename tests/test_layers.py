"""Image layers (notebook 01): history with evidence, the saved-config fallback, the trial,
"add a layer", one stage versus two, build failures, the chart and the widgets."""

from __future__ import annotations

import io
import json
import tarfile
from importlib import resources

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers import engine as eng
from labhelpers.core.labels import MANAGED, is_lab_image
from labhelpers.engine.builds import Builder
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
    created_by = [
        "",
        "/bin/sh -c #(nop)  LABEL io.labhelpers.managed=true",
        "x",
        "/bin/sh -c #(nop)  ENV A=1",
        "/bin/sh -c #(nop)  LABEL io.labhelpers.managed=true",
        "/bin/sh -c #(nop)  LABEL io.labhelpers.s=1",
    ]
    ancestors = [(3, "my-image"), (1, "base:1")]
    assert experiments._origins(6, ancestors, created_by) == [
        "base:1",
        "my-image",
        "my-image",
        "Dockerfile",
        "lab label",
        "lab label",
    ]
    # images with the same history (built from the same files, warm cache): the likest name
    assert experiments._common("my-image", "my-image-plus") == 8
    # BuildKit: no step images, no LABEL rows; the base's rows are found by their history
    assert experiments._origins(3, [(1, "base:1")], ["", "WORKDIR /app", "CMD x"]) == [
        "base:1",
        "Dockerfile",
        "Dockerfile",
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


def _row(step, keyword, origin, size, new_layer, image_id="abc", comment=""):
    return results.HistoryRow(
        image_id, step, comment, step, keyword, origin, size, new_layer, -1, ""
    )


def _sizes(store="graph driver", unpacked=100, content=-1, extra=0):
    listed = unpacked + content + extra if store == "containerd" else unpacked
    inspect = content if store == "containerd" else unpacked
    return ImageSizes("t", store, listed, inspect, content, unpacked)


def _report(rows, rootfs, builder="classic", sizes=None, tag="t"):
    sizes = sizes or _sizes(unpacked=sum(r.size_bytes for r in rows))
    return results.LayerReport(tag, "abc", tuple(rows), rootfs, sizes, builder, "test", ())


def _trial_rows(builder, empty_bytes=0):
    """The trial's rows, newest first, as BUILDER makes them (sizes as the graph driver counts)."""
    buildkit = builder == "buildkit"
    made = {
        "WORKDIR /app": True,
        "WORKDIR /tmp": buildkit,
        "COPY app.py /app/app.py": True,
        "ADD app.py /app/added.py": True,
        "RUN echo hello > /app/hello.txt": True,
        "RUN echo nothing to write > /dev/null": buildkit,
    }
    comment = "buildkit.dockerfile.v0" if buildkit else ""
    rows = [_row("(imported: x)", "", "base:1", 100, True)]
    for instruction, _ in experiments.TRIAL_STEPS:
        layer = made.get(instruction, False)
        size = 6 if "hello.txt" in instruction else empty_bytes if layer else 0
        keyword = instruction.split(" ", 1)[0]
        rows.append(_row(instruction, keyword, "Dockerfile", size, layer, comment=comment))
    if not buildkit:
        rows.append(_row("LABEL io.labhelpers.managed=true", "LABEL", "lab label", 0, False))
    return list(reversed(rows)), 1 + sum(made.values()) if buildkit else 5


def test_the_trial_table_sets_each_builder_beside_the_seed():
    kit = _report(*_trial_rows("buildkit"), builder="buildkit")
    classic = _report(*_trial_rows("classic"), builder="classic")
    trial = results.TrialReport((kit, classic), experiments.TRIAL_STEPS)
    table = trial.table()
    assert table.columns[3:] == ["BuildKit (yours)", "the classic builder", "the seed agrees?"]
    agree = {row[1].split("  (")[0]: row[-1] for row in table.rows}
    assert agree["FROM base:1"].startswith("partly") and agree["ENV APP_MODE=lesson"] == "yes"
    from_row = next(row for row in table.rows if row[0] == "FROM")
    assert from_row[3].startswith("none of its own; the base image's 1 layer(s)")
    assert agree["WORKDIR /app"] == "NO: BuildKit, classic"
    assert agree["WORKDIR /tmp"] == "NO: BuildKit"
    assert agree["RUN echo nothing to write > /dev/null"] == "NO: classic"
    notes = trial.notes()
    assert notes[0].startswith("BuildKit: every RUN, COPY, ADD and WORKDIR added a layer")
    assert notes[1].startswith("The classic builder: a step added a layer exactly when")
    assert "made no layer with either builder" in notes[2]
    assert "hold 6B together" in notes[3] and "the bytes of their files" in notes[3]
    assert kit.layers_agree and classic.layers_agree and classic.sizes_agree
    assert "* BuildKit: every RUN" in repr(trial) and "<li>" in trial._repr_html_()


def test_the_trial_notes_say_when_only_one_builder_could_build():
    rows, rootfs = _trial_rows("classic")
    sizes = _sizes("containerd", unpacked=sum(r.size_bytes for r in rows), content=50)
    trial = results.TrialReport(
        (_report(rows, rootfs, sizes=sizes),), experiments.TRIAL_STEPS, "no buildx plugin."
    )
    notes = trial.notes()
    assert "made no layer with this builder" in notes[1]
    assert "disk blocks" in notes[2]
    assert notes[-1] == "Only the classic builder built the trial: no buildx plugin."
    assert len(trial.table().columns) == 5


def test_the_steps_that_change_nothing_are_in_the_trial():
    steps = [instruction for instruction, _ in experiments.TRIAL_STEPS]
    assert set(views.CHANGES_NOTHING) <= set(steps)


def test_size_sentences_say_what_each_store_counts():
    rows = [_row("RUN x", "RUN", "Dockerfile", 60, True), _row("(imported: x)", "", "b", 40, True)]
    graph = _report(rows, 2)
    assert graph.sizes_agree and graph.listed_agree
    said = " ".join(views.size_sentences(graph))
    assert "show that same 100B" in said and "bytes of the files" in said
    containerd = _report(rows, 2, sizes=_sizes("containerd", 100, content=70, extra=5))
    assert containerd.sizes_agree and not containerd.listed_agree
    said = " ".join(views.size_sentences(containerd))
    assert (
        "`docker image ls` shows 175B: the unpacked size plus the compressed content (70B)" in said
    )
    assert "plus a little other content" in said and "the rows fall short of it by 75B." in said
    assert "`docker image inspect` shows the compressed content alone: 70B" in said
    assert "whole blocks" in said
    assert "Built by: the classic builder" in containerd.summary()
    summary = containerd.summary()
    assert "1 came with the base image (b)" in summary and "FROM line adds no layer" in summary
    assert "1 added by this image's Dockerfile: RUN x." in summary
    assert views.history_table(containerd).rows[-1][6] == "the base image's"
    # the classic builder's layers sit on its step containers' init snapshots: listed, not rows
    over = _report(rows, 2, sizes=_sizes("containerd", 100 + 24576, content=70))
    said = " ".join(views.size_sentences(over))
    assert not over.sizes_agree and "24.6kB (24,576 B) more" in said and "init layer" in said


def test_an_added_layer_is_compared_unpacked_with_the_others_beside_it():
    report = _report([_row("RUN dd", "RUN", "Dockerfile", 5, True)], 2, builder="buildkit")
    before = _sizes("containerd", unpacked=1000, content=400)
    after = _sizes("containerd", unpacked=1000 + 5 * MIB, content=400 + 11_000)
    added = results.AddLayerResult(
        "run", "RUN dd", "plus", "base", True, 5 * MIB, 1, 2, before, after, report
    )
    assert added.grew_bytes == 5 * MIB and added.grew_inspect_bytes == 11_000
    text = repr(added)
    assert "RootFS 1 -> 2 layers (BuildKit)" in text
    assert "5.24MB (5,242,880 B) bigger than base unpacked" in text
    assert "docker image inspect: 11kB bigger" in text and "almost nothing" in text
    table = views.experiments_table([added])
    assert table.columns[-1] == "`inspect` (compressed) grew by" and table.rows[0][-1] == "11kB"
    graph = results.AddLayerResult(
        "env", "ENV A=1", "plus", "base", False, 0, 1, 1, _sizes(), _sizes(), report
    )
    assert "docker image inspect" not in repr(graph) and "no new layer" in repr(graph)
    assert len(views.experiments_table([graph]).columns) == 4


def _image(tag, unpacked, content, base):
    sizes = _sizes("containerd", unpacked, content)
    return results.ImageSize(
        tag, "abc", 2, sizes, unpacked - base.unpacked_bytes, content - base.content_bytes
    )


def test_the_stage_notes_follow_the_builder_and_the_store():
    base = _sizes("containerd", unpacked=1000, content=500)
    images = (
        _image("x:one-stage", 1000 + 30 * MIB, 560, base),
        _image("x:one-stage-rm", 1000 + 30 * MIB + 4096, 561, base),
        _image("x:multi-stage", 1029, 501, base),
    )
    kit = results.StageComparison("b", base, images, None, "buildkit")
    notes = kit.notes()
    assert notes[0].startswith("Deleting the toolchain in a later step did not shrink")
    assert "build cache" in notes[2] and "compress to almost nothing" in notes[3]
    assert kit.table().columns[-2:] == ["above the base (compressed)", "docker image ls"]
    stage = _image("build stage", 1000 + 30 * MIB, 560, base)
    classic = results.StageComparison("b", base, images, stage, "classic")
    assert "The classic builder left the build stage" in classic.notes()[2]
    assert classic.table().rows[-1][0] == "<none> (the build stage)"


def test_builder_tables_show_each_builders_bookkeeping():
    kit_rows = [
        _row("CMD x", "CMD", "Dockerfile", 0, False, comment="buildkit.dockerfile.v0"),
        _row("RUN y", "RUN", "Dockerfile", 5, True, "<missing>", "buildkit.dockerfile.v0"),
        _row("(imported: x)", "", "base:1", 100, True, "<missing>"),
    ]
    kit = results.LayerReport(
        "my-image", "abc", tuple(kit_rows), 2, _sizes(unpacked=105), "buildkit",
        "the image config's empty_layer flags", (),
    )  # fmt: skip
    classic = _report(
        [
            _row("LABEL io.labhelpers.managed=x", "LABEL", "lab label", 0, False),
            _row("CMD x", "CMD", "Dockerfile", 0, False),
            _row("RUN y", "RUN", "Dockerfile", 5, True),
            _row("(imported: x)", "", "base:1", 100, True),
        ],
        2,
        tag="my-image-classic",
    )
    both = results.BuilderComparison(kit, classic)
    rows = {row[0]: row[1:] for row in both.table().rows}
    assert rows["IMAGE column"] == [
        "an image id on 1 of 3 rows; the rest <missing>",
        "an image id on 4 of 4 rows",
    ]
    assert rows["labels given with --label"][1] == "1 LABEL rows at the top"
    notes = both.notes()
    assert notes[0].startswith("Your `docker build` builds with BuildKit")
    assert "BuildKit left no image for its steps" in notes[1]
    assert notes[2].startswith("Both made the same 2 layers")
    alone = results.BuilderComparison(kit, None, "no buildx plugin.")
    assert alone.table().columns[-1] == "the other builder"
    assert "could not build here: no buildx plugin." in alone.notes()[0]


def test_the_builder_probe_says_who_builds_with_what():
    kit = Builder("buildkit", "docker CLI 28.2.2 with the buildx plugin 0.29.1", "28.2.2",
                  "0.29.1", "", "2")  # fmt: skip
    table = results.BuilderProbe(kit).table()
    assert [row[1] for row in table.rows] == [
        "BuildKit: docker CLI 28.2.2 with the buildx plugin 0.29.1",
        "the same, BuildKit: through the docker CLI's own `docker build --progress=plain`",
        "2: BuildKit",
        "the classic builder",
    ]
    classic = Builder("classic", "DOCKER_BUILDKIT=0 asks for it", "28.2.2", "", "0", "")
    probe = results.BuilderProbe(classic)
    assert probe.other == "buildkit" and "not announced" in probe.table().rows[2][1]


def test_plot_layers_draws_a_bar_per_layer_and_refuses_odd_scales():
    report = _report(
        [_row("WORKDIR /app", "WORKDIR", "Dockerfile", 0, True), _row("x", "", "b", 9, True)], 2
    )
    for scale in ("linear", "log"):
        figure = report.plot(scale)
        assert len(figure.axes[0].patches) == 2
        assert "docker image ls says the same" in figure.axes[0].get_title()
    with pytest.raises(lh.BadInput):
        report.plot("cubic")
    containerd = _report(report.rows, 2, sizes=_sizes("containerd", 9, content=7))
    assert "it adds 7B of compressed content" in containerd.plot().axes[0].get_title()


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


def _store(report) -> str:
    return report.sizes.store


def _check_sizes(report) -> None:
    """The rows add up to the unpacked size, and to `docker image ls` only on the classic store
    (the containerd store lists the compressed content too). One exception, measured on Engine
    28 with the containerd store: the classic builder commits a RUN's (or WORKDIR's) container on
    top of its init snapshot, which the unpacked size counts and the rows do not."""
    assert report.listed_agree == (_store(report) == "graph driver"), report.summary()
    if _store(report) == "containerd" and report.builder == "classic":
        more = report.sizes.unpacked_bytes - report.rows_bytes
        assert 0 <= more < 131072 and more % 4096 == 0, report.summary()
    else:
        assert report.sizes_agree, report.summary()


def _check_evidence(report) -> None:
    """What each builder leaves as evidence, and which rows are the lab's labels."""
    if report.builder == "buildkit":
        assert all(row.image_id == "<missing>" for row in report.rows[1:])
        assert all(row.evidence.startswith("config") for row in report.rows)
        assert not any(row.origin == "lab label" for row in report.rows)
    else:
        assert report.builder == "classic"
        assert [row.origin for row in report.rows[:3]] == ["lab label"] * 3
        own = [row for row in report.rows if row.origin != report.rows[-1].origin]
        assert all(row.evidence.startswith("RootFS") for row in own)


def test_history_of_the_lesson_image_has_evidence_for_each_layer(lesson_image):
    report = experiments.image_history(lesson_image)
    assert report.builder == eng.builder_in_use().name
    assert report.layers_agree
    _check_sizes(report)
    _check_evidence(report)
    by_keyword = {row.keyword: row for row in report.rows if row.origin == "Dockerfile"}
    assert by_keyword["WORKDIR"].new_layer and by_keyword["ADD"].new_layer
    assert by_keyword["RUN"].new_layer
    assert not by_keyword["CMD"].new_layer and not by_keyword["EXPOSE"].new_layer
    # an empty directory: no file bytes (graph driver); a few disk blocks (containerd store)
    workdir = by_keyword["WORKDIR"].size_bytes
    assert workdir == 0 if _store(report) == "graph driver" else 0 < workdir <= 16384
    assert report.rows[-1].origin == eng.choose_base_image(pull=False).image.removesuffix(":latest")


def test_the_other_builder_makes_the_same_layers(lesson_image, no_leftovers):
    with resources.as_file(resources.files("labhelpers") / "lesson_app") as context:
        both = experiments.compare_builders(context, lesson_image)
    yours, other = both.yours, both.other
    assert other is not None, both.unavailable
    assert {yours.builder, other.builder} == {"buildkit", "classic"}
    assert other.tag == f"{lesson_image}-{other.builder}"
    for report in (yours, other):
        assert report.layers_agree
        _check_sizes(report)
        _check_evidence(report)
    assert yours.rootfs_layers == other.rootfs_layers
    # the same files make the same layers, of the same sizes (file bytes or disk blocks)
    assert [r.size_bytes for r in yours.layers] == [r.size_bytes for r in other.layers]
    rows = {row[0]: row for row in both.table().rows}
    assert "<missing>" in rows["IMAGE column"][1 if yours.builder == "buildkit" else 2]
    eng.cleanup(session_only=True)


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
    eng.build_image(tmp_path, tag="lab-t-scratch", builder="classic")
    counted = experiments.image_history("lab-t-scratch")
    assert "empty_layer" not in counted.method and counted.builder == "classic"
    saved = eng.saved_config_history("lab-t-scratch")
    assert [not e.empty_layer for e in saved] == [r.new_layer for r in reversed(counted.rows)]

    # BuildKit keeps no step images: every row but the top is <missing>, read from the config
    eng.build_image(tmp_path, tag="lab-t-scratch-kit", builder="buildkit")
    kit = experiments.image_history("lab-t-scratch-kit")
    assert kit.builder == "buildkit" and "empty_layer" in kit.method
    assert all(row.image_id == "<missing>" for row in kit.rows[1:])
    own = [r.new_layer for r in counted.rows if r.origin == "Dockerfile"]
    assert [r.new_layer for r in kit.rows] == own
    assert kit.layers_agree and kit.rootfs_layers == 2

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
SEED_DISAGREES = {"classic": ["WORKDIR", "RUN"], "buildkit": ["WORKDIR", "WORKDIR"]}


def test_the_instruction_trial_against_the_seeds_table(tmp_path, engine, no_leftovers):
    trial = experiments.instruction_trial(tmp_path, tag="lab-t-trial")
    assert [r.builder for r in trial.reports][:1] == [eng.builder_in_use().name]
    assert len(trial.reports) == 2, trial.unavailable
    table = trial.table()
    for column, report in enumerate(trial.reports, start=3):
        assert report.layers_agree
        _check_sizes(report)
        steps = [instruction for instruction, _ in experiments.TRIAL_STEPS]
        own = [row for row in reversed(report.rows) if row.origin == "Dockerfile"]
        made = {step for step, row in zip(steps, own, strict=True) if row.new_layer}
        assert made == LAYER_STEPS[report.builder], report.builder
        hello = own[steps.index("RUN echo hello > /app/hello.txt")].size_bytes
        assert hello == 6 if _store(report) == "graph driver" else hello >= 4096
        label = "BuildKit" if report.builder == "buildkit" else "classic"
        disagree = [row[0] for row in table.rows if label in row[-1]]
        assert disagree == SEED_DISAGREES[report.builder]
        assert table.columns[column].startswith(views.builder_label(report.builder))
    notes = trial.notes()
    assert any(note.startswith("BuildKit: every RUN, COPY, ADD and WORKDIR") for note in notes)
    assert any(
        note.startswith("The classic builder: a step added a layer exactly") for note in notes
    )
    eng.cleanup(session_only=True)


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
        assert "compresses to almost nothing" in repr(run)
    copy = add("copy", 1)
    assert copy.new_layer and MIB <= copy.layer_bytes < MIB + 65536
    assert len(list((tmp_path / "plus").glob("payload-*"))) == 1
    env = add("env")
    assert not env.new_layer and env.grew_bytes == 0 and env.layers_after == env.layers_before
    workdir = add("workdir")
    assert workdir.new_layer
    blocks = _store(workdir.report) == "containerd"
    assert 0 < workdir.layer_bytes <= 16384 if blocks else workdir.layer_bytes == 0
    assert f"RootFS {workdir.layers_before} -> {workdir.layers_after} layers" in repr(workdir)
    nothing = add("run-nothing")
    assert nothing.new_layer == (nothing.report.builder == "buildkit")
    table = views.experiments_table([run, copy, env, workdir, nothing])
    assert [row[1] for row in table.rows][:4] == ["yes", "yes", "no", "yes"]
    eng.cleanup(session_only=True)


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
    assert above["one-stage-rm"] >= above["one-stage"]  # a later rm never shrinks the image
    if store == "containerd":  # by compressed content, 30 MiB of zeros nearly vanish
        assert all(0 <= i.above_base_content_bytes < 200_000 for i in compared.images)
    stage = compared.build_stage
    if builder == "buildkit":
        assert stage is None  # BuildKit exports the final stage only
        assert "build cache" in " ".join(compared.notes())
        eng.cleanup(session_only=True)
        return
    assert stage is not None
    _above({"build stage": stage.above_base_bytes}, store, 30 * MIB + result_bytes)
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


def test_builder_probe_names_the_builder_docker_build_uses(engine):
    probe = experiments.builder_probe()
    assert probe.builder == eng.builder_in_use()
    assert probe.table().rows[1][1].startswith(f"the same, {probe.builder.label}")
