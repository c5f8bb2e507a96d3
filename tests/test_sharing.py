"""Sharing data between containers (notebook 07): one volume, two containers, a read-only mount,
anonymous volumes and --volumes-from, on the real Engine."""

from __future__ import annotations

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers.engine import cleanup, real
from labhelpers.lessons.sharing import experiments as sh


def _run(name: str, image: str, target: str, read_only: bool = False) -> None:
    mount = lh.volume_mount("lab-t7-vol", target, read_only=read_only)
    lh.run_container(name, image=image, mounts=[mount], command="sleep infinity")


def test_two_containers_share_a_volume_and_ro_refuses_writes(lesson_image, no_leftovers):
    lh.create_volume("lab-t7-vol")
    _run("lab-t7-writer", lesson_image, "/data")
    _run("lab-t7-reader", lesson_image, "/shared")
    _run("lab-t7-ro", lesson_image, "/data", read_only=True)

    table = sh.mounts_table(["lab-t7-writer", "lab-t7-reader", "lab-t7-ro"])
    vol = real("lab-t7-vol", "volume")
    assert [(r.container, r.destination, r.volume, r.read_write) for r in table.rows] == [
        (real("lab-t7-writer"), "/data", vol, True),
        (real("lab-t7-reader"), "/shared", vol, True),
        (real("lab-t7-ro"), "/data", vol, False),
    ]
    one = sh.append_and_read(
        "first", "lab-t7-writer", "/data/m.txt", "lab-t7-reader", "/shared/m.txt"
    )
    assert one.write_ok and one.lines_seen == ("first",)
    assert (one.wrote_in, one.read_in) == (real("lab-t7-writer"), real("lab-t7-reader"))
    back = sh.append_and_read("back", "lab-t7-reader", "/shared/m.txt", "lab-t7-ro", "/data/m.txt")
    assert back.lines_seen == ("first", "back")
    refused = sh.append_and_read("no", "lab-t7-ro", "/data/m.txt", "lab-t7-reader", "/shared/m.txt")
    assert not refused.write_ok and "Read-only file system" in refused.write_error
    assert refused.lines_seen == ("first", "back")

    attempt = sh.try_write("lab-t7-ro", "/data/m.txt")
    assert attempt.exit_code != 0 and attempt.read_only
    assert "Read-only file system" in attempt.explanation and attempt.mount == f"{vol} at /data"
    assert attempt.container == real("lab-t7-ro")
    fine = sh.try_write("lab-t7-writer", "/data/m.txt", 'with "quotes" and $HOME')
    assert fine.exit_code == 0 and "read-write" in fine.explanation
    assert lh.read_file("lab-t7-reader", "/shared/m.txt").splitlines()[-1] == (
        'with "quotes" and $HOME'
    )
    assert len(table.plot().axes) == 1
    cleanup(session_only=True)


def test_lines_must_be_one_short_line_before_anything_connects(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent.sock")
    for bad in ("", "two\nlines", "x" * 201):
        with pytest.raises(lh.BadInput):
            sh.append_and_read(bad)
        with pytest.raises(lh.BadInput):
            sh.try_write("lab-t7-ro", "/data/m.txt", bad)
    assert sh._quoted("plain words") == '"plain words"'
    assert sh._quoted("it's $HOME") == "'it'\"'\"'s $HOME'"


def test_anonymous_volumes_stay_after_rm_and_go_with_rm_v(lesson_image, no_leftovers):
    kept = sh.start_with_anonymous_volume("lab-t7-anon", image=lesson_image)
    assert len(kept.volume) == 64 and kept.container == real("lab-t7-anon")
    assert sh.read_with_volumes_from("lab-t7-anon", image=lesson_image) == (
        "kept in an anonymous volume\n"
    )
    left = sh.remove_and_look("lab-t7-anon", image=lesson_image)
    assert left.volume == kept.volume and left.volume_still_there
    assert left.files_in_volume == ("notes.txt",)
    assert left.command.endswith(f"rm -f {real('lab-t7-anon')}")
    assert kept.volume in sh.dangling_volumes().names

    sh.start_with_anonymous_volume("lab-t7-anon2", image=lesson_image)
    gone = sh.remove_and_look("lab-t7-anon2", volumes=True, image=lesson_image)
    assert not gone.volume_still_there and "-v" in gone.command
    assert docker_cli("volume", "inspect", gone.volume, check=False).returncode != 0

    lh.remove_volume(kept.volume)
    assert kept.volume not in sh.dangling_volumes().names


def test_the_share_widget_keeps_its_last_exchange(lesson_image, no_leftovers):
    from labhelpers.lessons.sharing import widgets

    lh.create_volume("lab-t7-vol")
    for name, target, ro in ((sh.WRITER, "/data", False), (sh.READER, "/shared", False),
                             (sh.READER_RO, "/data", True)):  # fmt: skip
        _run(name, lesson_image, target, read_only=ro)
    panel = lh.sharing.share_widget("from the test")
    assert panel.last.write_ok and panel.last.lines_seen == ("from the test",)
    refused = panel.append(sh.READER_RO)
    assert refused is panel.last and not refused.write_ok
    assert "Read-only file system" in panel.shown.value
    assert panel.buttons[sh.READER_RO].description == f"Append in {real(sh.READER_RO)}"
    assert isinstance(panel, widgets.SharePanel)
    cleanup(session_only=True)
