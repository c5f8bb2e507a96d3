"""Notebooks 06 and 06b's Engine work (the package's docstring lists it), measured rather than
claimed, the writable layer as the baseline: every command shown is a command that ran (or is
marked as not run, with why)."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from ...core.commands import FAILS, NOT_RUN, PROBE, collect, docker, host, show, show_all
from ...core.errors import BadInput, CommandFailed, EngineError, NotEnoughSpace
from ...core.inputs import check_folder
from ...core.units import MIB, si
from ...engine import (
    LESSON_IMAGE,
    MountSpec,
    anonymous_volume,
    bind_mount,
    engine_step,
    exec_in,
    find_volume,
    free_bytes,
    lab_container,
    remove_container,
    remove_volume,
    restart_container,
    run_container,
    run_host,
    run_once,
    start_container,
    stop_container,
    tmpfs_mount,
    volume_mount,
)
from ..common import unshared_folder
from .results import (
    ANONYMOUS,
    BENCH_TARGETS,
    BIND,
    EVENTS,
    KINDS,
    LAYER,
    NAMED,
    RECREATE,
    RESTART,
    STOP_START,
    TMPFS,
    Filesystem,
    MissingPathCase,
    MissingPathReport,
    OwnershipReport,
    OwnershipRow,
    SurvivalGrid,
    SyncReport,
    SyncStep,
    Throughput,
    Trial,
    WriteTiming,
)

__all__ = ["live_sync", "missing_host_path", "ownership", "survival_grid", "throughput", "trial"]

WORKSPACE = "workspace"  # under the notebooks folder: the host side of the bind mounts
DATA = "/data"
MARKER = f"{DATA}/marker.txt"
_SLUG = {LAYER: "layer", NAMED: "volume", BIND: "bind", TMPFS: "tmpfs", ANONYMOUS: "anon"}
_SLEEP = ["sleep", "infinity"]


@engine_step(
    "show a container that cannot run here",
    names={"name": "container", "image": "image", "mounts": "mounts"},
)
def _not_run(name: str, image: str, mounts: list, why: str) -> None:
    """`docker run -d --name NAME [mounts] IMAGE sleep infinity   # not run: WHY`."""
    options = [a for spec in mounts for a in spec.cli_args()]
    show(docker("run", "-d", "--name", name, *options, image, *_SLEEP, expect=NOT_RUN, note=why))


def _make_folder(path: str | os.PathLike) -> None:
    """`mkdir -p PATH`, shown: the host side of a bind mount must exist before `-v` names it (or
    the Engine makes it, owned by root), here as in the CLI twin."""
    run_host(show(host("mkdir", "-p", os.path.abspath(path))))


def _check_kinds(
    kinds=KINDS, events=EVENTS, image="", host_dir: object = "", *_: object, **__: object
) -> None:
    for given, known, what in ((kinds, KINDS, "kind of storage"), (events, EVENTS, "event")):
        unknown = [k for k in given if k not in known]
        if unknown:
            raise BadInput(
                f"Unknown {what} '{unknown[0]}'.",
                f"the grid knows: {', '.join(known)}.",
                "pick one of those.",
            )
    if host_dir:
        check_folder(host_dir, "the bind mount's host folder")


def _mounts_for(kind: str, volume: str, host_dir: str | os.PathLike) -> list:
    if kind == NAMED:
        return [volume_mount(volume, DATA)]
    if kind == BIND:
        _make_folder(host_dir)
        return [bind_mount(host_dir, DATA)]
    if kind == TMPFS:
        return [tmpfs_mount(DATA)]
    if kind == ANONYMOUS:
        return [anonymous_volume(DATA)]
    return []  # the writable layer: /data is a plain directory


def _event(kind: str, event: str, name: str, image: str, mounts: list) -> str:
    """Put NAME through EVENT; returns a note (what became of an anonymous volume)."""
    if event == RESTART:
        restart_container(name)
    elif event == STOP_START:
        stop_container(name)
        start_container(name)
    elif event == RECREATE:
        found = lab_container(name).mount_at(DATA) if kind == ANONYMOUS else None
        remove_container(name)
        run_container(name, image, mounts, _SLEEP)
        if found is not None:
            new = "the new container got a new, empty anonymous volume; the old one"
            if find_volume(found.volume_name) is None:
                return f"{new} was gone"
            remove_volume(found.volume_name, note="the old anonymous volume docker rm left")
            return f"{new} was left behind, unused (the grid removed it)"
    return ""


def _run_kind(
    kind: str,
    events: tuple,
    name: str,
    volume: str,
    host_dir: str | os.PathLike,
    image: str,
    tell: Callable[[str], None],
) -> list[Trial]:
    """Start NAME with KIND at /data; before each event write the marker, after it read it.
    A bind mount of a folder the Engine does not see is shown, not run: each trial says why."""
    mounts = _mounts_for(kind, volume, host_dir)
    why_not = unshared_folder(host_dir) if kind == BIND else ""
    if why_not:
        _not_run(name, image, mounts, why_not)
        for event in events:
            tell(f"{kind}: {event} (not run)")
        return [Trial(kind, e, "", "", False, "", why_not) for e in events]
    run_container(name, image, mounts, _SLEEP)
    trials = []
    try:
        for event in events:
            text = f"written before {event}"
            exec_in(name, f'mkdir -p {DATA} && echo "{text}" > {MARKER}')
            note = _event(kind, event, name, image, mounts)
            back = exec_in(name, ["cat", MARKER], check=False, expect=PROBE)
            read = back.output.strip() if back.exit_code == 0 else ""
            trials.append(Trial(kind, event, text, read, read == text, note))
            tell(f"{kind}: {event}")
    finally:
        remove_container(name, volumes=True)
        if kind == NAMED:
            remove_volume(volume, note="the grid's volume")
        if kind == BIND:
            (Path(host_dir) / Path(MARKER).name).unlink(missing_ok=True)
    return trials


@engine_step("run the survival grid", validate=_check_kinds, names={"image": "image"})
def survival_grid(
    kinds: tuple | list = KINDS,
    events: tuple | list = EVENTS,
    image: str = LESSON_IMAGE,
    host_dir: str | os.PathLike = f"{WORKSPACE}/grid-bind",
    prefix: str = "grid",
    on_progress: Callable[[int, str], None] | None = None,
) -> SurvivalGrid:
    """For each kind of storage at /data: start PREFIX-KIND, and for each event write
    /data/marker.txt, do the event, read the marker back. Everything the grid creates is removed
    at the end (containers with `docker rm -f -v`, the volume PREFIX-vol, the marker on the host).
    `on_progress(done, text)` is called after each trial.

    Raises:
        BadInput: an unknown kind or event (before anything runs).
    """
    trials: list[Trial] = []
    done: list[str] = []

    def tell(text: str) -> None:
        done.append(text)
        if on_progress:
            on_progress(len(done), text)

    for kind in kinds:
        name = f"{prefix}-{_SLUG[kind]}"
        trials += _run_kind(kind, tuple(events), name, f"{prefix}-vol", host_dir, image, tell)
    return SurvivalGrid(tuple(trials))


def _check_trial(kind=TMPFS, event=RESTART, image="", host_dir="", *_: object, **__: object):
    _check_kinds([kind], [event], host_dir=host_dir)


@engine_step("try one event on one kind of storage", validate=_check_trial)
def trial(
    kind: str = TMPFS,
    event: str = RESTART,
    image: str = LESSON_IMAGE,
    host_dir: str | os.PathLike = f"{WORKSPACE}/trial-bind",
) -> Trial:
    """One cell of the grid on its own: the container `mount-trial`, volume `trial-vol`.

    Raises:
        BadInput: an unknown kind or event (before anything runs).
    """
    return _run_kind(kind, (event,), "mount-trial", "trial-vol", host_dir, image, lambda _: None)[0]


# --- write throughput ---------------------------------------------------------------------------

_DD_SECONDS = re.compile(r"copied, ([0-9.]+(?:e-?\d+)?) s")
_SPARE_BYTES = 64 * MIB


def _filesystems(name: str) -> tuple:
    """The filesystem behind each bench path, from the container's /proc/mounts (not shown)."""
    text = exec_in(name, ["cat", "/proc/mounts"], echo=False).output
    mounts = [tuple(f[1:4]) for f in (line.split() for line in text.splitlines()) if len(f) >= 4]
    found = []
    for kind, path in BENCH_TARGETS:
        best = max(
            (m for m in mounts if path == m[0] or path.startswith(m[0].rstrip("/") + "/")),
            key=lambda m: len(m[0]),
            default=("", "?", ""),
        )
        found.append(Filesystem(kind, path, best[1], best[2]))
    return tuple(found)


def _dd(name: str, path: str, size_mib: int, fsync: bool) -> float:
    sync = " conv=fsync" if fsync else ""
    file = f"{path}/bench.bin"
    script = f"dd if=/dev/zero of={file} bs=1M count={size_mib}{sync} 2>&1; rm {file}"
    out = exec_in(name, script).output
    found = _DD_SECONDS.search(out)
    if not found:
        raise CommandFailed(
            f"Could not read dd's timing for {path}.",
            f"dd printed: {out.strip()[-200:] or '(nothing)'}",
            "check that the image has GNU dd (Debian-based images do).",
            0,
            out,
        )
    return float(found.group(1))


def _is_count(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_throughput(size_mib=128, repeats=10, image="", host_dir="", *_: object, **__: object):
    if not _is_count(size_mib, 1, 4096):
        raise BadInput(
            f"Cannot write {size_mib!r} MiB per run.",
            "the benchmark takes a whole number of MiB from 1 to 4096.",
            "pass size_mib=256, for example.",
        )
    if not _is_count(repeats, 1, 20):
        raise BadInput(
            f"Cannot repeat {repeats!r} times.",
            "the benchmark takes 1 to 20 repeats.",
            "pass repeats=3, for example.",
        )
    if host_dir:
        check_folder(host_dir, "the bind mount's host folder")


@engine_step("measure write throughput", validate=_check_throughput, names={"image": "image"})
def throughput(
    size_mib: int = 128,
    repeats: int = 10,
    image: str = LESSON_IMAGE,
    host_dir: str | os.PathLike = f"{WORKSPACE}/bench-bind",
    on_progress: Callable[[int, str], None] | None = None,
) -> Throughput:
    """Write `size_mib` MiB of zeros with dd into the writable layer, a named volume, a bind mount
    and a tmpfs mount of one container `bench-box`, `repeats` times each, buffered and with
    conv=fsync, interleaved, after one uncounted warm-up write per path. dd's own timing is kept
    (no `docker exec` overhead). `bench-box` and `bench-vol` are removed at the end.

    Raises:
        BadInput: a size or repeat count out of range (before anything runs).
        NotEnoughSpace: a path cannot hold `size_mib` (plus a margin); nothing is written.
    """
    _make_folder(host_dir)
    why_not = unshared_folder(host_dir)
    mounts = [volume_mount("bench-vol", "/bench/volume"), tmpfs_mount("/bench/tmpfs")]
    if not why_not:
        mounts.insert(1, bind_mount(host_dir, "/bench/bind"))
    targets = tuple((k, p) for k, p in BENCH_TARGETS if not (why_not and k == BIND))
    bench = run_container("bench-box", image, mounts, _SLEEP).name
    timings = []
    wanted = size_mib * MIB
    try:
        exec_in(bench, ["mkdir", "-p", "/bench/layer"])  # a folder of the writable layer
        for kind, path in targets:
            free = free_bytes(bench, path)
            if wanted + _SPARE_BYTES > free:
                raise NotEnoughSpace(
                    f"Not running the benchmark: {kind} ({path}) cannot hold {si(wanted)}.",
                    f"it has {si(free)} free (and the lab keeps {si(_SPARE_BYTES)} spare).",
                    "pass a smaller size_mib, or free space (`docker system df`).",
                    wanted,
                    free,
                )
        filesystems = tuple(f for f in _filesystems(bench) if (f.kind, f.path) in targets)
        with collect() as ran:
            for _, path in targets:  # not counted: the first write to a path is often slower
                _dd(bench, path, size_mib, False)
            for repeat in range(1, repeats + 1):
                for fsync in (False, True):
                    for kind, path in targets:
                        seconds = _dd(bench, path, size_mib, fsync)
                        timings.append(WriteTiming(kind, fsync, repeat, wanted, seconds))
                        if on_progress:
                            on_progress(len(timings), f"{kind}{' fsync' if fsync else ''}")
        show_all(ran)
    finally:
        remove_container(bench, volumes=True)
        remove_volume("bench-vol", note="the benchmark's volume")
    skipped = (f"{BIND}: not measured: {why_not}.",) if why_not else ()
    return Throughput(wanted, repeats, tuple(timings), filesystems, skipped)


# --- bind mounts: who owns the files ------------------------------------------------------------

_DEMO_FILES = re.compile(r"^by-(?:default|you|\d+)\.txt$")  # what `ownership` writes
STAND_IN_UID = 1000  # "you" when the kernel and the notebooks folder are root's


def _refuse_foreign(host_dir, own: Callable[[str], bool], doing: str, starts: str, default: str):
    """Refuse HOST_DIR if it holds a file the demo did not write: the lab never removes those."""
    folder = Path(host_dir)
    foreign = sorted(p.name for p in folder.iterdir() if not own(p.name)) if folder.is_dir() else []
    if foreign:
        raise BadInput(
            f"{doing} {os.fspath(host_dir)}: it holds {', '.join(foreign[:3])}.",
            f"the demo starts from {starts}, and the lab never removes files it did not write.",
            f"pass a new folder, or the demo's own ({WORKSPACE}/{default}, the default).",
        )


def _check_ownership(host_dir=f"{WORKSPACE}/owners", image="", other_uid=1234, *_, **__) -> None:
    """The demo empties HOST_DIR first: only a folder holding nothing but its own files."""
    check_folder(host_dir, "the ownership demo's folder")
    if not _is_count(other_uid, 1, 2**31 - 2):
        raise BadInput(
            f"Cannot run a container as uid {other_uid!r}.",
            "the demo needs a user id that is not root's: a whole number from 1 up.",
            "pass other_uid=1234, for example.",
        )
    _refuse_foreign(host_dir, _DEMO_FILES.match, "Not emptying", "an empty folder", "owners")


def _you() -> tuple[int, int]:
    """(uid, gid) of "you": whoever runs the kernel; where that is root (who may edit any file,
    which would hide what the demo shows), the owner of the notebooks folder, or where that is
    root too, STAND_IN_UID: a number no account needs to have. No user is ever added."""
    if not hasattr(os, "getuid"):
        return -1, -1
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    here = os.stat(os.getcwd())
    return (here.st_uid, here.st_gid) if here.st_uid else (STAND_IN_UID, STAND_IN_UID)


def _may_write(path: Path, uid: int, gid: int) -> bool:
    """May UID (group GID) write PATH, by its owner and mode?"""
    st = path.stat()
    if uid in (0, -1):
        return True
    if st.st_uid == uid:
        return bool(st.st_mode & stat.S_IWUSR)
    return bool(st.st_mode & (stat.S_IWGRP if st.st_gid == gid else stat.S_IWOTH))


@engine_step(
    "show who owns files written into a bind mount",
    validate=_check_ownership,
    names={"image": "image"},
)
def ownership(
    host_dir: str | os.PathLike = f"{WORKSPACE}/owners",
    image: str = LESSON_IMAGE,
    other_uid: int = 1234,
) -> OwnershipReport:
    """Bind-mount a fresh host folder at /shared (yours, mode 755) and create a file there as the
    image's default user, as uid OTHER_UID and as you (`--user UID:GID`); then open the folder to
    everyone (chmod 777) and try OTHER_UID again. Each container prints its uid (`id -u`); each
    file's owner is read here. The files are left for you to look at (notebook 99 removes
    workspace/). Where the Engine does not see the folder, nothing runs: the report says why."""
    folder = Path(host_dir)
    your_uid, your_gid = _you()
    run_host(show(host("rm", "-rf", os.path.abspath(folder))))
    run_host(show(host("mkdir", "-p", "-m", "755", os.path.abspath(folder))))
    if hasattr(os, "getuid") and your_uid != os.getuid():
        run_host(show(host("chown", f"{your_uid}:{your_gid}", os.path.abspath(folder))))
    why_not = unshared_folder(folder)
    mount = bind_mount(folder, "/shared")
    rows = []

    def attempt(label: str, user: str | None, filename: str, mode: str, expect: str) -> None:
        command = ["sh", "-c", f"id -u && touch /shared/{filename}"]
        if why_not:
            rows.append(OwnershipRow(label, mode, "", False, "not run", -1, False))
            return
        done = run_once(image, command, [mount], user, check=False, writes=True, expect=expect)
        first = done.output.strip().splitlines()[:1]
        inside = int(first[0]) if first and first[0].isdigit() else -1
        path = folder / filename
        if done.exit_code == 0 and path.exists():
            owner, editable = path.stat().st_uid, _may_write(path, your_uid, your_gid)
            rows.append(OwnershipRow(label, mode, done.command, True, "", owner, editable, inside))
            return
        error = (done.output.strip().splitlines() or [f"exit status {done.exit_code}"])[-1]
        error = error.split(": ")[-1]
        rows.append(OwnershipRow(label, mode, done.command, False, error, -1, False, inside))

    other = f"{other_uid}:{other_uid}"
    attempt("the image's default user", None, "by-default.txt", "yours, 755", PROBE)
    attempt(f"uid {other_uid}", other, f"by-{other_uid}.txt", "yours, 755", FAILS)
    if your_uid >= 0:
        attempt(f"you ({your_uid})", f"{your_uid}:{your_gid}", "by-you.txt", "yours, 755", PROBE)
    if not why_not:
        run_host(show(host("chmod", "777", os.path.abspath(folder), note="let every uid write")))
    attempt(f"uid {other_uid}", other, f"by-{other_uid}.txt", "777", PROBE)
    return OwnershipReport(folder.as_posix(), your_uid, tuple(rows), why_not)


# --- bind mounts: the same files on both sides, and a missing host path -------------------------

_SYNC_FILES = ("from-host.txt", "from-container.txt")


def _check_sync(host_dir: str | os.PathLike = "", *_: object, **__: object) -> None:
    if not host_dir:
        return
    check_folder(host_dir, "the bind mount's host folder")
    only_its_own = "a folder holding only its own files"
    _refuse_foreign(host_dir, _SYNC_FILES.__contains__, "Not using", only_its_own, "sync")


@engine_step(
    "write on one side of a bind mount, read on the other",
    validate=_check_sync,
    names={"image": "image"},
)
def live_sync(
    host_dir: str | os.PathLike = f"{WORKSPACE}/sync", image: str = LESSON_IMAGE
) -> SyncReport:
    """Start `sync-box` with HOST_DIR bind-mounted at /shared; write a file here and read it in
    the running container, append to it and read again, then write a file in the container and
    read it here. Nothing is restarted or copied in between. `sync-box` is removed at the end;
    the two files are left in HOST_DIR. Where the Engine does not see HOST_DIR, nothing runs."""
    folder = Path(host_dir)
    _make_folder(folder)
    for name in _SYNC_FILES:
        (folder / name).unlink(missing_ok=True)
    here, there = (os.path.abspath(folder / name) for name in _SYNC_FILES)
    mounts = [bind_mount(folder, "/shared")]
    why_not = unshared_folder(folder)
    if why_not:
        _not_run("sync-box", image, mounts, why_not)
        return SyncReport(folder.as_posix(), "sync-box", (), why_not)
    box = run_container("sync-box", image, mounts, _SLEEP).name
    in_box = f"/shared/{_SYNC_FILES[0]}"

    def on_host(line: str) -> str:
        return run_host(show(host(line, shell=True))).stdout.strip()

    def in_container(command) -> str:
        return exec_in(box, command).output.strip()

    try:
        steps = (
            SyncStep("this machine", on_host(f"echo 'line 1, from the host' > {here}")),
            SyncStep(box, in_container(["cat", in_box])),
            SyncStep("this machine", on_host(f"echo 'line 2, added on the host' >> {here}")),
            SyncStep(box, in_container(["cat", in_box])),
            SyncStep(box, in_container(f'echo "from the container" > /shared/{_SYNC_FILES[1]}')),
            SyncStep("this machine", on_host(f"cat {there}")),
        )
    finally:
        remove_container(box)
    return SyncReport(folder.as_posix(), box, steps)


@engine_step("bind-mount a host path that does not exist", names={"image": "image"})
def missing_host_path(
    path: str | os.PathLike = f"{WORKSPACE}/no-such-folder", image: str = LESSON_IMAGE
) -> MissingPathReport:
    """Ask for a bind mount of a missing host path three ways: the lab's `bind_mount`,
    `docker run --mount type=bind,...` and `docker run -v ...`. The last makes the Engine create
    the folder (owned by the Engine's user); it is removed again (`rmdir`: it is empty).

    Raises:
        BadInput: PATH exists and is not an empty folder (nothing is touched).
    """
    target = Path(path)
    absolute = os.path.abspath(target)
    if target.exists():
        if not (target.is_dir() and not any(target.iterdir())):
            raise BadInput(
                f"{target} exists and is not an empty folder.",
                "this demo needs a host path that does not exist.",
                "pass another path, or remove that one yourself.",
            )
        run_host(show(host("rmdir", absolute, note="an empty folder an earlier run left")))
    cwd = os.getcwd().rstrip("/") + "/"
    try:
        bind_mount(target, DATA)
        outcome, message = "accepted", ""
    except BadInput as exc:
        outcome, message = "refused before anything ran", str(exc).replace(cwd, "$PWD/")
    cases = [MissingPathCase(f"lh.bind_mount({target.as_posix()!r}, {DATA!r})", outcome, False)]
    long_form = MountSpec("bind", absolute, DATA, long_form=True)
    try:
        run_once(image, ["true"], [long_form], writes=True, expect=FAILS)
        outcome = "ran"
    except EngineError as exc:
        outcome = "the Engine refused: " + exc.engine_said.replace(cwd, "$PWD/")
    cases.append(MissingPathCase("docker run --mount type=bind", outcome, target.exists()))
    run_once(image, ["ls", "-A", DATA], [MountSpec("bind", absolute, DATA)], writes=True)
    created = target.is_dir()
    outcome = (
        f"ran: the Engine created an empty folder, owned by uid {target.stat().st_uid}"
        if created
        else "ran; no folder appeared on this machine"
    )
    cases.append(MissingPathCase("docker run -v", outcome, created))
    if created:
        run_host(show(host("rmdir", absolute, note="the empty folder docker run -v made")))
    return MissingPathReport(target.as_posix(), tuple(cases), message)
