"""Named volume vs bind mount vs tmpfs (notebook 06): the survival grid, the throughput benchmark,
bind-mount ownership and missing host paths, on the real Engine."""

from __future__ import annotations

import os
import pwd

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers.core.echo import cli
from labhelpers.engine import engine_locality, real
from labhelpers.lessons.mounts import experiments as ex
from labhelpers.lessons.mounts import results as m

EXPECTED = {
    m.LAYER: (True, True, False),
    m.NAMED: (True, True, True),
    m.BIND: (True, True, True),
    m.TMPFS: (False, False, False),
    m.ANONYMOUS: (True, True, False),
}


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
    anonymous = next(t for t in grid.trials if t.kind == m.ANONYMOUS and t.event == m.RECREATE)
    assert "was still there" in anonymous.note  # docker rm without -v left the old volume
    assert "lost *" in repr(grid) and grid.footnote.startswith("* the new container")
    assert list((tmp_path / "bind").iterdir()) == []  # the marker is removed from the host
    assert docker_cli("volume", "inspect", real("lab-t6-grid-vol"), check=False).returncode != 0


def test_one_trial_and_the_choice_table(lesson_image, tmp_path, no_leftovers):
    one = ex.trial(m.TMPFS, m.RESTART, image=lesson_image, host_dir=tmp_path)
    assert not one.survived and one.read_back == ""
    kept = ex.trial(m.NAMED, m.RECREATE, image=lesson_image, host_dir=tmp_path)
    assert kept.survived and kept.read_back == "written before docker rm + run again"
    grid = m.SurvivalGrid((one, kept))
    rows = {row[0]: row for row in grid.choice_table().rows}
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


def test_the_heatmap_and_the_bars_draw_from_data():
    import matplotlib

    matplotlib.use("Agg")
    trials = tuple(
        m.Trial(kind, event, "x", "x" if ok else "", ok)
        for kind, oks in EXPECTED.items()
        for event, ok in zip(m.EVENTS, oks, strict=True)
    )
    fig = m.SurvivalGrid(trials).plot()
    assert len(fig.axes) == 1 and len(fig.axes[0].texts) == 15
    timings = tuple(
        m.WriteTiming(kind, fsync, r, 256 * lh.MIB, 0.1 * r)
        for kind, _ in m.BENCH_TARGETS
        for fsync in (False, True)
        for r in (1, 2, 3)
    )
    filesystems = tuple(m.Filesystem(k, p, "ext4", "rw") for k, p in m.BENCH_TARGETS)
    bench = m.Throughput(256 * lh.MIB, 3, timings, filesystems)
    assert bench.median_mb_per_s(m.NAMED, True) == pytest.approx(256 * lh.MIB / 0.2 / 1e6)
    assert "median MB/s" in repr(bench) and bench.summary().startswith("Medians")
    assert "the ranges overlap" in bench.compare(m.NAMED, m.BIND, True)  # the same runs
    apart = m.Throughput(
        256 * lh.MIB, 3, tuple(t for t in timings if t.kind != m.BIND) + tuple(
            m.WriteTiming(m.BIND, t.fsync, t.repeat, t.size_bytes, t.seconds * 10)
            for t in timings if t.kind == m.BIND
        ), filesystems,
    )  # fmt: skip
    said = apart.compare(m.NAMED, m.BIND, True)
    assert "every run of the named volume was faster than every run of the bind mount" in said
    assert "once in 10 tries" in apart.summary()  # 3 runs each: 2 / C(6, 3)
    assert len(bench.plot().axes) == 1


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
    assert list(tmp_path.iterdir()) == []  # dd's files are removed
    assert docker_cli("volume", "inspect", real("bench-vol"), check=False).returncode != 0


def _owner_of_a_file_the_cli_makes(folder, image: str) -> tuple[int, int]:
    """The uid a container's default user has inside, and the owner its file gets here: measured
    with the real CLI, independently of the lab."""
    folder.mkdir()
    inside = docker_cli("run", "--rm", "-v", f"{folder}:/x", image, "sh", "-c", "id -u; touch /x/f")
    return int(inside.stdout.split()[0]), (folder / "f").stat().st_uid


def test_files_in_a_bind_mount_keep_the_container_users_uid(lesson_image, tmp_path, no_leftovers):
    report = ex.ownership(tmp_path / "owners", image=lesson_image, other_uid=1234)
    rows = report.rows
    inside, owner = _owner_of_a_file_the_cli_makes(tmp_path / "cli", real(lesson_image, "image"))
    assert rows[0].created and (rows[0].container_uid, rows[0].host_uid) == (inside, owner)
    if os.getuid() == 0:  # root may edit anything: a plain user stands in for the learner
        you = pwd.getpwnam(ex.DEMO_USER).pw_uid
        assert report.your_uid == you != 0 and report.stand_in
        assert (tmp_path / "owners").stat().st_uid == you  # the folder is theirs
        assert f'--user "$(id -u {ex.DEMO_USER}):$(id -g {ex.DEMO_USER})"' in rows[2].command
        assert not rows[0].you_may_edit  # root's file in their folder: delete, not edit
    else:
        you = os.getuid()
        assert report.your_uid == you and not report.stand_in
        assert '--user "$(id -u):$(id -g)"' in rows[2].command
    if you != 1234:  # the folder is the learner's, mode 755
        assert not rows[1].created and rows[1].error == "Permission denied"
    assert rows[2].created and rows[2].host_uid == you and rows[2].you_may_edit
    assert rows[3].folder_mode == "mode 777" and rows[3].host_uid == 1234
    assert rows[3].container_uid == 1234
    assert sorted(p.name for p in (tmp_path / "owners").iterdir()) == [
        "by-1234.txt",
        "by-default.txt",
        "by-you.txt",
    ]
    text = report.explanation()
    assert (f"You run this notebook as uid {you}" in text) is (os.getuid() != 0)
    assert f"owned by uid {owner} here" in text
    assert ("That is you" in text) is (owner == you)


def test_both_sides_of_a_bind_mount_see_each_write_at_once(lesson_image, tmp_path, no_leftovers):
    report = ex.live_sync(tmp_path / "sync", image=lesson_image)
    assert report.seen_at_once() and not report.not_run, report
    assert "nothing was copied" in report.verdict().lower()
    assert sorted(p.name for p in (tmp_path / "sync").iterdir()) == [
        "from-container.txt",
        "from-host.txt",
    ]
    (tmp_path / "sync" / "mine.txt").write_text("the learner's")
    with pytest.raises(lh.BadInput):  # never empties a folder holding files it did not write
        ex.live_sync(tmp_path / "sync", image=lesson_image)


def test_the_ownership_verdict_follows_the_measured_uids():
    def report(your_uid: int, inside: int, host: int, editable: bool) -> m.OwnershipReport:
        row = m.OwnershipRow("d", "yours", "cmd", True, "", host, host, "x", editable, inside)
        return m.OwnershipReport("/f", your_uid, (row,), "me")

    assert "That is you" in report(1000, 1000, 1000, True).explanation()
    assert "stored as it is" in report(1000, 0, 0, False).explanation()
    assert "not edit it" in report(1000, 0, 0, False).explanation()
    assert "you are root here" in report(0, 0, 1000, True).explanation()
    assert "maps container users" in report(1000, 0, 1000, True).explanation()


def test_a_missing_host_path_three_ways(lesson_image, tmp_path, no_leftovers):
    missing = tmp_path / "nope"
    report = ex.missing_host_path(missing, image=lesson_image)
    lab, mount, dash_v = report.cases
    assert "refused" in lab.outcome and report.lab_message.startswith("BadInput: Cannot bind")
    assert "bind source path does not exist" in mount.outcome and not mount.path_exists_afterwards
    assert dash_v.path_exists_afterwards and "created an empty folder" in dash_v.outcome
    assert not missing.exists()  # the helper removed what `-v` made
    missing.mkdir()
    (missing / "keep.txt").write_text("mine")
    with pytest.raises(lh.BadInput):
        ex.missing_host_path(missing, image=lesson_image)
    assert (missing / "keep.txt").read_text() == "mine"


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
    skipped = [t for t in grid.trials if t.kind == m.BIND]
    assert [t.verdict for t in skipped] == ["not run"] * 3
    assert f"-v {unshared_folder}/bind:/data" in skipped[0].written
    assert "not run: the Engine does not see" in grid.footnote
    assert {row[0]: row for row in grid.choice_table().rows}[m.BIND][1:3] == ["?", "?"]
    assert len(grid.plot().axes) == 1
    bench = ex.throughput(size_mib=8, repeats=1, image=lesson_image, host_dir=unshared_folder)
    assert m.BIND not in bench.kinds and len(bench.timings) == 2 * 3
    assert bench.not_run[0].startswith("bind mount: not measured") and bench.not_run[0] in repr(
        bench
    )
    synced = ex.live_sync(f"{unshared_folder}/sync", image=lesson_image)
    assert synced.not_run and not any(step.read for step in synced.steps)
    assert "Not run: the Engine does not see" in synced.verdict()
    owners = ex.ownership(f"{unshared_folder}/owners", image=lesson_image)
    assert owners.not_run and not any(r.created for r in owners.rows)
    assert "Not run: the Engine does not see" in owners.explanation()
    assert "docker run --rm" in repr(owners)
    missing = ex.missing_host_path(f"{unshared_folder}/nope", image=lesson_image)
    assert "not on this machine" in missing.note and "no folder was created" in repr(missing)


def test_commands_show_paths_under_the_current_folder_as_pwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    here = str(tmp_path.resolve())
    assert cli("run", "-v", f"{here}/a/b:/data", "img") == 'docker run -v "$PWD/a/b:/data" img'
    shown = cli("run", "--mount", f"type=bind,src={here}/x,dst=/data", "img")
    assert shown == 'docker run --mount type=bind,src="$PWD/x",dst=/data img'
    assert cli("run", "-v", "/elsewhere:/data", "img") == "docker run -v /elsewhere:/data img"
    assert cli("exec", "c", "sh -c") == "docker exec c 'sh -c'"
