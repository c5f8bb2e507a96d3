"""Named volume vs bind mount vs tmpfs (notebook 06): the survival grid, the throughput benchmark,
bind-mount ownership and missing host paths, on the real Engine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers.engine import engine_locality
from labhelpers.engine.names import course_name
from labhelpers.lessons.mounts import experiments as ex
from labhelpers.lessons.mounts import results as m
from labhelpers.lessons.mounts.views import choice_table, plot_grid, plot_throughput

EXPECTED = {
    m.LAYER: (True, True, False),
    m.NAMED: (True, True, True),
    m.BIND: (True, True, True),
    m.TMPFS: (False, False, False),
    m.ANONYMOUS: (True, True, False),
}


def _gone(volume: str) -> bool:
    return (
        docker_cli("volume", "inspect", course_name(volume, "volume"), check=False).returncode != 0
    )


def test_the_survival_grid_matches_what_docker_does(lesson_image, tmp_path, no_leftovers):
    seen = []
    grid = ex.survival_grid(
        image=lesson_image,
        host_dir=tmp_path / "bind",
        prefix="lab-t6-grid",
        on_progress=lambda done, text: seen.append(done),
    )
    got = {kind: tuple(grid.survived(kind, e) for e in m.EVENTS) for kind in m.KINDS}
    assert got == EXPECTED
    assert seen == list(range(1, 16))
    anonymous = grid.trial(m.ANONYMOUS, m.RECREATE)
    assert anonymous.note and not anonymous.survived  # a new, empty volume; the old one noted
    claims = {c.question: c.holds for c in grid.claims()}
    assert claims == {
        "Is the writable layer lost when the container stops?": False,  # the lecture is wrong
        "Is a tmpfs mount's data lost on restart?": True,
        "Does a named volume keep its data?": True,
        "Does a bind mount keep its data?": True,
    }
    assert list((tmp_path / "bind").iterdir()) == []  # the marker is removed from the host
    assert _gone("lab-t6-grid-vol")


def test_one_trial_and_the_choice_table(lesson_image, tmp_path, no_leftovers):
    one = ex.trial(m.TMPFS, m.RESTART, image=lesson_image, host_dir=tmp_path)
    assert not one.survived and one.read_back == ""
    kept = ex.trial(m.NAMED, m.RECREATE, image=lesson_image, host_dir=tmp_path)
    assert kept.survived and kept.read_back == "written before docker rm + run again"
    rows = {row[0]: row for row in choice_table(m.SurvivalGrid((one, kept))).rows}
    assert rows[m.TMPFS][1] == "no" and rows[m.NAMED][2] == "yes"
    assert rows[m.TMPFS][2] == "?"  # not measured in this grid


def test_unknown_kinds_and_events_are_refused_before_anything_connects(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent.sock")  # nothing may connect
    with pytest.raises(lh.BadInput):
        ex.trial("a floppy disk", m.RESTART)
    with pytest.raises(lh.BadInput):
        ex.trial(m.TMPFS, "docker pause")
    with pytest.raises(lh.BadInput):
        ex.survival_grid(kinds=(m.NAMED, "a floppy disk"))
    with pytest.raises(lh.BadInput):
        ex.throughput(size_mib=0)
    with pytest.raises(lh.BadInput):
        ex.throughput(repeats=0)


def _bench(slower_bind: float = 1.0) -> m.Throughput:
    timings = tuple(
        m.WriteTiming(
            kind, fsync, r, 256 * lh.MIB, 0.1 * r * (slower_bind if kind == m.BIND else 1)
        )
        for kind, _ in m.BENCH_TARGETS
        for fsync in (False, True)
        for r in (1, 2, 3, 4)
    )
    filesystems = tuple(m.Filesystem(k, p, "ext4", "rw") for k, p in m.BENCH_TARGETS)
    return m.Throughput(256 * lh.MIB, 4, timings, filesystems)


def test_the_heatmap_and_the_dots_draw_from_data():
    import matplotlib

    matplotlib.use("Agg")
    trials = tuple(
        m.Trial(kind, event, "x", "x" if ok else "", ok)
        for kind, oks in EXPECTED.items()
        for event, ok in zip(m.EVENTS, oks, strict=True)
    )
    fig = plot_grid(m.SurvivalGrid(trials))
    assert len(fig.axes) == 1 and len(fig.axes[0].texts) == 15
    same = _bench()
    assert same.median(m.NAMED, True) == pytest.approx(256 * lh.MIB * (1 / 0.2 + 1 / 0.3) / 2e6)
    assert not same.compare(m.NAMED, m.BIND, True).apart  # the same runs
    apart = _bench(slower_bind=10).compare(m.NAMED, m.BIND, True)
    assert apart.apart and apart.ratio == pytest.approx(10)
    assert same.claims()[0].holds  # fsync left tmpfs as fast
    assert "MB/s" in repr(same) and len(plot_throughput(same).axes) == 1


def test_throughput_measures_each_kind_with_dds_own_timing(lesson_image, tmp_path, no_leftovers):
    progress = []
    bench = ex.throughput(
        size_mib=8,
        repeats=2,
        image=lesson_image,
        host_dir=tmp_path,
        on_progress=lambda done, text: progress.append(done),
    )
    assert len(bench.timings) == 2 * 2 * 4 and progress[-1] == 16
    assert all(t.seconds > 0 and t.size_bytes == 8 * lh.MIB for t in bench.timings)
    assert bench.filesystem(m.TMPFS) == "tmpfs" and bench.filesystem(m.LAYER) == "overlay"
    assert bench.filesystem(m.NAMED) == bench.filesystem(m.BIND)  # same disk here
    assert "noexec" in bench.flags(m.TMPFS)
    assert all(isinstance(c.holds, bool) for c in bench.claims())
    assert list(tmp_path.iterdir()) == []  # dd's files are removed
    assert _gone("bench-vol")


def _owner_of_a_file_the_cli_makes(folder, image: str) -> tuple[int, int]:
    """The uid a container's default user has inside, and the owner its file gets here: measured
    with the real CLI, independently of the lab."""
    folder.mkdir()
    inside = docker_cli("run", "--rm", "-v", f"{folder}:/x", image, "sh", "-c", "id -u; touch /x/f")
    return int(inside.stdout.split()[0]), (folder / "f").stat().st_uid


def test_files_in_a_bind_mount_keep_the_container_users_uid(lesson_image, tmp_path, no_leftovers):
    users = set(Path("/etc/passwd").read_text().splitlines())
    report = ex.ownership(tmp_path / "owners", image=lesson_image, other_uid=1234)
    assert set(Path("/etc/passwd").read_text().splitlines()) == users  # no user added to the host
    rows = report.rows
    image = course_name(lesson_image, "image")
    inside, owner = _owner_of_a_file_the_cli_makes(tmp_path / "cli", image)
    assert rows[0].created and (rows[0].container_uid, rows[0].host_uid) == (inside, owner)
    you = report.your_uid
    if os.getuid() == 0:  # root may edit anything: the folder's owner, or a number, stands in
        assert you != 0 and (tmp_path / "owners").stat().st_uid == you
        assert not rows[0].you_may_edit  # root's file in their folder: delete, not edit
    else:
        assert you == os.getuid()
    assert f"--user {you}:" in rows[2].command  # the command that ran, with the numbers
    if you != 1234:  # the folder is the learner's, mode 755
        assert not rows[1].created and rows[1].error == "Permission denied"
    assert rows[2].created and rows[2].host_uid == you and rows[2].you_may_edit
    assert rows[3].folder_mode == "777" and rows[3].host_uid == 1234 == rows[3].container_uid
    assert sorted(p.name for p in (tmp_path / "owners").iterdir()) == [
        "by-1234.txt",
        "by-default.txt",
        "by-you.txt",
    ]
    assert report.default_user_is_you is (owner == you)


def test_both_sides_of_a_bind_mount_see_each_write_at_once(lesson_image, tmp_path, no_leftovers):
    report = ex.live_sync(tmp_path / "sync", image=lesson_image)
    assert report.seen_at_once and not report.not_run, report
    assert sorted(p.name for p in (tmp_path / "sync").iterdir()) == [
        "from-container.txt",
        "from-host.txt",
    ]
    (tmp_path / "sync" / "mine.txt").write_text("the learner's")
    with pytest.raises(lh.BadInput):  # never empties a folder holding files it did not write
        ex.live_sync(tmp_path / "sync", image=lesson_image)


def test_a_missing_host_path_three_ways(lesson_image, tmp_path, no_leftovers):
    missing = tmp_path / "nope"
    report = ex.missing_host_path(missing, image=lesson_image)
    lab, mount, dash_v = report.cases
    assert "refused" in lab.outcome and report.lab_message.startswith("Cannot bind")
    assert "BadInput" not in repr(report)
    assert "bind source path does not exist" in mount.outcome and not mount.path_exists_afterwards
    assert dash_v.path_exists_afterwards and "created an empty folder" in dash_v.outcome
    assert not missing.exists()  # the helper removed what `-v` made
    missing.mkdir()
    (missing / "keep.txt").write_text("mine")
    with pytest.raises(lh.BadInput):
        ex.missing_host_path(missing, image=lesson_image)
    assert (missing / "keep.txt").read_text() == "mine"


def test_sockets_and_system_folders_are_refused_as_the_notebook_says():
    for path in ("/var/run/docker.sock", "/etc"):
        with pytest.raises(lh.BadInput):
            lh.bind_mount(path, "/x")
    assert lh.bind_mount("/etc", "/x", read_only=True).read_only


@pytest.fixture
def unshared_folder():
    """A folder of this machine the Engine does not see, when there is one: the matrix's Engines
    share /tmp and the checkout (as Docker Desktop shares folders), not /var/tmp."""
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="lab-t6-unshared-", dir="/var/tmp")
    if engine_locality(folder).folders_shared is not False:
        shutil.rmtree(folder)
        pytest.skip("the Engine sees every folder tried (a native Engine)")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_bind_mounts_of_a_folder_the_engine_cannot_see_are_shown_not_run(
    lesson_image, unshared_folder, no_leftovers
):
    grid = ex.survival_grid(
        kinds=(m.NAMED, m.BIND), image=lesson_image, host_dir=f"{unshared_folder}/bind",
        prefix="lab-t6-grid",
    )  # fmt: skip
    assert all(grid.survived(m.NAMED, e) for e in m.EVENTS)  # the rest still runs
    assert [t.verdict for t in grid.trials if t.kind == m.BIND] == ["not run"] * 3
    assert {row[0]: row for row in choice_table(grid).rows}[m.BIND][1:3] == ["?", "?"]
    bench = ex.throughput(size_mib=8, repeats=1, image=lesson_image, host_dir=unshared_folder)
    assert m.BIND not in bench.kinds and len(bench.timings) == 2 * 3
    assert bench.not_run[0].startswith("bind mount: not measured")
    synced = ex.live_sync(f"{unshared_folder}/sync", image=lesson_image)
    assert synced.not_run and not synced.steps
    owners = ex.ownership(f"{unshared_folder}/owners", image=lesson_image)
    assert owners.not_run and not any(r.created for r in owners.rows)
