"""The named-volume demo (notebook 05), end to end on the real Engine. Names are the course's; a
result carries them as the Engine has them (`course_name`)."""

from __future__ import annotations

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers import named_volumes as nv
from labhelpers.core.commands import NOT_RUN, collect
from labhelpers.engine import SESSION, cleanup, engine_locality
from labhelpers.engine.names import course_name
from labhelpers.lessons.named_volumes.experiments import write_remove_read
from labhelpers.lessons.named_volumes.results import PruneReport, PruneRow


def _volume(name: str) -> str:
    return course_name(name, "volume")


def test_a_file_written_in_a_volume_outlives_the_container(lesson_image, no_leftovers):
    lh.create_volume("lab-t-vol")
    assert nv.list_volume("lab-t-vol", image=lesson_image).files == ()
    lh.run_container(
        "lab-t-writer", image=lesson_image, mounts=[lh.volume_mount("lab-t-vol", "/app")]
    )
    lh.exec_in("lab-t-writer", 'echo "This is my delta data" > /app/file.txt')
    assert [d.path for d in nv.changes("lab-t-writer").entries] == [
        "/usr",
        "/usr/sbin",
        "/usr/sbin/docker-init",
    ]
    lh.remove_container("lab-t-writer")

    listing = nv.list_volume("lab-t-vol", image=lesson_image)
    assert listing.volume == _volume("lab-t-vol")  # named as this Engine names it
    assert listing.names == ("app.py", "file.txt")  # app.py: pre-populated from the image
    assert dict((f.name, f.size_bytes) for f in listing.files)["file.txt"] == 22
    read = nv.read_volume_file("lab-t-vol", "file.txt", image=lesson_image)
    assert read.text == "This is my delta data\n" and "--rm" in read.command
    direct = nv.read_from_mountpoint("lab-t-vol", "file.txt")
    mountpoint = lh.inspect_volume("lab-t-vol").mountpoint
    assert direct.command.endswith(f"cat {mountpoint}/file.txt")
    if engine_locality().files_here and direct.readable:  # probed, not guessed
        assert direct.text == read.text
    else:  # not on this machine (or root's only): shown as not run, said, not raised
        assert not direct.readable and direct.command.startswith("sudo cat")
        assert direct.text.startswith("the Engine's files are")
    cleanup(SESSION)


def test_reading_a_missing_volume_is_refused_instead_of_creating_it(no_leftovers):
    with pytest.raises(lh.BadInput):
        nv.list_volume("lab-t-no-such-volume")
    assert docker_cli("volume", "inspect", "lab-t-no-such-volume", check=False).returncode != 0


def test_bad_input_is_refused_before_anything_connects():
    with pytest.raises(lh.BadInput):
        nv.read_from_mountpoint("my-vol", "../../../etc/shadow")
    with pytest.raises(lh.BadInput):
        nv.volume_usage("my-vol")  # a name, not a list of names
    with pytest.raises(lh.BadInput):
        nv.start_app_both_ways(wait_s=0)


def test_docker_cp_copies_one_file_out_even_from_a_stopped_container(
    lesson_image, tmp_path, no_leftovers
):
    lh.run_container(
        "lab-t-cp", image=lesson_image, mounts=[lh.volume_mount("lab-t-cpvol", "/app")]
    )
    lh.exec_in("lab-t-cp", "printf 'abc' > /app/file.txt")
    lh.stop_container("lab-t-cp")
    copied = nv.copy_out("lab-t-cp", "/app/file.txt", tmp_path / "out")
    assert (tmp_path / "out" / "file.txt").read_text() == "abc" and copied.size_bytes == 3
    assert copied.text == "abc" and "on this machine" in repr(copied)
    with pytest.raises(lh.BadInput):
        nv.copy_out("lab-t-cp", "/app", tmp_path)
    cleanup(SESSION)


CREATED_ONLY = "an empty volume, docker create only"


def test_any_empty_named_volume_receives_the_images_files_at_creation(
    lesson_image, tmp_path, no_leftovers
):
    grid = nv.what_app_sees(tmp_path / "empty-app", image=lesson_image)
    seen = {c.setup: c.seen_in_app for c in grid.cases}
    bind = "an empty host folder (bind)"
    assert seen == {
        "nothing (the image's /app)": ("app.py",),
        "a new, empty volume": ("app.py",),
        "a volume emptied again": ("app.py",),  # empty, not new, is what counts
        "a volume holding mine.txt": ("mine.txt",),
        "an empty volume, volume-nocopy": (),
        "an empty tmpfs-backed volume": (),
        bind: seen[bind] if engine_locality().folders_shared is False else (),
        CREATED_ONLY: (),
    }
    left = {c.setup: c.left_in_source for c in grid.cases}
    assert left["a new, empty volume"] == ("app.py",)  # the copy stays in the volume
    assert left[CREATED_ONLY] == ("app.py",)  # copied by docker create, before any start
    assert "never started" in grid.case(CREATED_ONLY).note
    assert list((tmp_path / "empty-app").iterdir()) == []  # a bind mount copies nothing
    (tmp_path / "empty-app" / "x").write_text("x")
    with pytest.raises(lh.BadInput):
        nv.what_app_sees(tmp_path / "empty-app", image=lesson_image)
    for name in ("prepop-empty", "prepop-full", "prepop-created"):
        assert docker_cli("volume", "inspect", _volume(name), check=False).returncode != 0
    created = course_name("prepop-created", "container")
    assert docker_cli("ps", "-aq", "--filter", f"name={created}").stdout.strip() == ""
    cleanup(SESSION)


@pytest.fixture
def unshared_folder(tmp_path_factory):
    """A folder of this machine the Engine does not see, when there is one: the matrix's Engines
    share /tmp and the checkout (as Docker Desktop shares folders), not /var/tmp."""
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="lab-t-unshared-", dir="/var/tmp")
    if engine_locality(folder).folders_shared is not False:
        shutil.rmtree(folder)
        pytest.skip("the Engine sees every folder tried (a native Engine)")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_bind_mount_cases_say_why_they_cannot_run_where_the_folder_is_not_shared(
    lesson_image, unshared_folder, no_leftovers
):
    with collect() as ran:
        grid = nv.what_app_sees(f"{unshared_folder}/empty-app", image=lesson_image)
    bind = grid.case("an empty host folder (bind)")
    assert bind.note == "not run here" and bind.seen_in_app == ()
    shown = [c for c in ran if f"-v {unshared_folder}/empty-app:/app" in c.line()]
    assert shown and all(c.expect == NOT_RUN for c in shown)
    assert grid.case("a new, empty volume").seen_in_app == ("app.py",)  # the volumes still ran
    lh.create_volume("lab-t-appvol")
    runs = nv.start_app_both_ways("lab-t-appvol", f"{unshared_folder}/e", image=lesson_image)
    assert runs.runs[0].status == "running"
    assert runs.runs[1].status == "not run" and "does not see" in runs.runs[1].first_log_line
    cleanup(SESSION)


def test_the_app_starts_on_a_volume_and_fails_on_an_empty_bind_mount(
    lesson_image, tmp_path, no_leftovers
):
    lh.create_volume("lab-t-appvol")
    runs = nv.start_app_both_ways("lab-t-appvol", tmp_path / "empty", image=lesson_image).runs
    # the app is up once it says where it listens (Flask's stderr; its stdout lines come when
    # Python flushes them, in either order on the Engine's log)
    said = runs[0].first_log_line
    assert runs[0].status == "running" and "Running on" in said
    assert runs[0].over_app == f"volume {_volume('lab-t-appvol')}"
    if engine_locality(str(tmp_path)).folders_shared is not False:
        assert runs[1].status == "exited" and runs[1].exit_code == 2
        assert "can't open file '/app/app.py'" in runs[1].first_log_line
    else:
        assert runs[1].status == "not run"
    assert docker_cli("ps", "-aq", "--filter", "name=app-on-").stdout.strip() == ""
    cleanup(SESSION)


def test_data_written_to_a_volume_is_not_in_the_writable_layer(lesson_image, no_leftovers):
    lh.run_container(
        "lab-t-size", image=lesson_image, mounts=[lh.volume_mount("lab-t-sizevol", "/app")]
    )
    space = nv.measure_write("lab-t-size", "lab-t-sizevol", 4)
    assert space.written_bytes == 4 * lh.MIB
    assert space.layer_grew_bytes == 0  # nothing landed in the writable layer
    assert space.in_volume  # the volume grew by exactly the bytes written
    assert "+4,194,304 B" in repr(space)
    usage = nv.volume_usage(["lab-t-sizevol"]).rows[0]
    assert usage.listed and usage.links == 1 and usage.name == _volume("lab-t-sizevol")
    assert len(nv.plot_space(space).axes) == 1
    cleanup(SESSION)


def test_rm_v_keeps_a_named_volume_and_an_in_use_volume_cannot_be_removed(
    lesson_image, no_leftovers
):
    lh.run_container(
        "lab-t-user", image=lesson_image, mounts=[lh.volume_mount("lab-t-keep", "/app")]
    )
    refused = nv.try_remove_volume("lab-t-keep")
    assert not refused.removed and "volume is in use" in refused.engine_said
    lh.remove_container("lab-t-user", volumes=True)
    assert lh.inspect_volume("lab-t-keep").name == _volume("lab-t-keep")  # rm -v left it
    assert nv.try_remove_volume("lab-t-keep").removed
    cleanup(SESSION)


def test_prune_removes_unused_volumes_without_driver_options(lesson_image, no_leftovers):
    report = nv.prune_demo(image=lesson_image)
    removed = {
        r.kind + (" in use" if r.used_by_stopped_container else ""): r.removed_by_prune
        for r in report.rows
    }
    api = tuple(int(x) for x in report.api_version.split("."))
    assert removed["anonymous"] is True
    assert removed["named in use"] is False
    assert removed["named, tmpfs options"] is False
    # Engine 23 (API 1.42) and later prune only anonymous volumes unless told --all
    assert removed["named"] is (api < (1, 42))
    assert report.named_unused_removed is removed["named"]
    named = {r.volume for r in report.rows if r.kind != "anonymous"}
    assert named == {_volume(n) for n in ("prune-unused", "prune-in-use", "prune-ram")}
    assert docker_cli("volume", "ls", "-q", "--filter", "label=io.labhelpers.demo").stdout == ""
    cleanup(SESSION)


def test_the_prune_verdict_is_data():
    rows = (PruneRow("a", "named", False, True), PruneRow("b", "anonymous", False, True))
    assert PruneReport("20.10.24", "1.41", rows).named_unused_removed
    later = (PruneRow("a", "named", False, False), rows[1])
    report = PruneReport("28.5.2", "1.51", later)
    assert not report.named_unused_removed and report.anonymous_removed
    assert report.verdict() in repr(report)


def test_a_line_written_before_rm_f_is_read_back(lesson_image, no_leftovers):
    lh.create_volume("lab-t-notes")
    first = write_remove_read("one", "lab-t-notes", "lab-t-nw", lesson_image)
    second = write_remove_read("-n two words", "lab-t-notes", "lab-t-nw", lesson_image)
    assert first.survived and second.survived and second.read_back == "one\n-n two words\n"
    assert first.volume == _volume("lab-t-notes")
    for bad in ("two\nlines", "", "x" * 201):
        with pytest.raises(lh.BadInput):
            write_remove_read(bad, "lab-t-notes")
    cleanup(SESSION)


def test_the_survival_widget_writes_the_default_line_once_at_once(my_image, no_leftovers):
    # the widget runs the lesson's own image, my-image, as the notebook does
    lh.create_volume("lab-t-widget")
    widget = nv.survival_widget("lab-t-widget", default="first line")
    shown = widget.children[1].value
    assert "first line" in shown and "survived the container&#x27;s removal: yes" in shown
    assert f"notes.txt in {_volume('lab-t-widget')} now holds" in shown
    cleanup(SESSION)
