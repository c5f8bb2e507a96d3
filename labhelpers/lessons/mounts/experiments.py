"""Named volume vs bind mount vs tmpfs (notebook 06), measured rather than claimed.

The survival grid writes a marker file into each kind of storage (the container's own writable
layer as the baseline, a named volume, a bind mount, a tmpfs mount, an anonymous volume), puts the
container through `docker restart`, `docker stop` + `docker start`, and `docker rm` + `docker run`
again, and records whether the marker was still there. Then: write throughput measured with dd,
who owns the files a container writes into a bind mount, and what a missing host path does.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from ...core.echo import announce, cli, quiet
from ...core.errors import BadInput, CommandFailed, EngineError, NotEnoughSpace
from ...core.inputs import check_folder
from ...core.units import MIB, si
from ...engine import (
    LESSON_IMAGE,
    MountSpec,
    anonymous_volume,
    bind_mount,
    create_volume,
    engine_step,
    exec_in,
    find_volume,
    free_bytes,
    lab_container,
    real,
    remove_container,
    remove_volume,
    restart_container,
    run_container,
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

__all__ = [
    "live_sync",
    "missing_host_path",
    "ownership",
    "survival_grid",
    "throughput",
    "trial",
]

WORKSPACE = "workspace"  # under the notebooks folder: the host side of the bind mounts
DATA = "/data"
MARKER = f"{DATA}/marker.txt"

_SLUG = {LAYER: "layer", NAMED: "volume", BIND: "bind", TMPFS: "tmpfs", ANONYMOUS: "anon"}


# --- small pieces -------------------------------------------------------------------------------


def _pwd(path: str | os.PathLike) -> str:
    """A host path as the notebooks' commands show it ("$PWD/..." under the current folder)."""
    return cli(os.path.abspath(path)).removeprefix("docker ")


def _run_option(kind: str, volume: str, host_dir: str | os.PathLike) -> str:
    """The `docker run` option that gives KIND at /data (the writable layer needs none)."""
    if kind == NAMED:
        return f"-v {volume}:{DATA}"
    if kind == BIND:
        return cli("-v", f"{os.path.abspath(host_dir)}:{DATA}").removeprefix("docker ")
    if kind == TMPFS:
        return f"--tmpfs {DATA}"
    if kind == ANONYMOUS:
        return f"-v {DATA}"
    return f"(none: {DATA} is a plain directory in the container)"


def _check_kinds(kinds: tuple | list, events: tuple | list) -> None:
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise BadInput(
            f"Unknown kind of storage '{unknown[0]}'.",
            f"the grid knows: {', '.join(KINDS)}.",
            "pick one of those.",
        )
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise BadInput(
            f"Unknown event '{unknown[0]}'.",
            f"the grid knows: {', '.join(EVENTS)}.",
            "pick one of those.",
        )


def _start(name: str, image: str, mounts: list) -> None:
    """`docker run -d --init --name NAME [mounts] IMAGE sleep infinity`."""
    run_container(name, image, mounts, "sleep infinity")


def _mounts_for(kind: str, volume: str, host_dir: str | os.PathLike) -> list:
    if kind == NAMED:
        return [volume_mount(volume, DATA)]
    if kind == BIND:
        Path(host_dir).mkdir(parents=True, exist_ok=True)
        return [bind_mount(host_dir, DATA)]
    if kind == TMPFS:
        return [tmpfs_mount(DATA)]
    if kind == ANONYMOUS:
        return [anonymous_volume(DATA)]
    return []  # the writable layer: /data is a plain directory


def _anonymous_volume_of(name: str) -> str:
    found = lab_container(name).mount_at(DATA)
    return found.volume_name if found else ""


def _remove_volume_if_there(name: str, why: str) -> None:
    """`docker volume rm NAME   # WHY`, when the volume exists."""
    name = real(name, "volume")
    if find_volume(name) is not None:
        announce(cli("volume", "rm", name) + f"   # {why}")
        with quiet():
            remove_volume(name)


# --- the survival grid --------------------------------------------------------------------------


def _run_kind(
    kind: str,
    events: tuple,
    name: str,
    volume: str,
    host_dir: str | os.PathLike,
    image: str,
    tell: Callable[[str], None] | None = None,
) -> list[Trial]:
    """Start NAME with KIND at /data; before each event write the marker, after it read it.
    A bind mount of a folder the Engine does not see is not run: each trial says why."""
    name, volume = real(name), real(volume, "volume")  # as the commands shown name them
    mounts = _mounts_for(kind, volume, host_dir)
    why_not = unshared_folder(host_dir) if kind == BIND else ""
    if why_not:
        mount = f"{os.path.abspath(host_dir)}:{DATA}"
        shown = cli("run", "-d", "--name", name, "-v", mount, real(image, "image"))
        announce(f"{shown} sleep infinity   # not run: {why_not}")
        trials = [Trial(kind, e, f"{shown} sleep infinity", "", False, "", why_not) for e in events]
        for event in events:
            if tell:
                tell(f"{kind}: {event} (not run)")
        return trials
    if kind == NAMED:
        create_volume(volume)
    _start(name, image, mounts)
    trials = []
    try:
        for event in events:
            text = f"written before {event}"
            exec_in(name, f"mkdir -p {DATA} && echo {shlex.quote(text)} > {MARKER}")
            note = ""
            if event == RESTART:
                restart_container(name)
            elif event == STOP_START:
                stop_container(name)
                start_container(name)
            elif event == RECREATE:
                old = _anonymous_volume_of(name) if kind == ANONYMOUS else ""
                remove_container(name)
                _start(name, image, mounts)
                if old:
                    kept = find_volume(old) is not None
                    still = "was still there, unused (the grid removed it)" if kept else "was gone"
                    note = (
                        f"the new container got a new, empty anonymous volume; the old one {still}"
                    )
                    _remove_volume_if_there(old, "the old anonymous volume, left by docker rm")
            back = exec_in(name, f"cat {MARKER}", check=False)
            read = back.output.strip() if back.exit_code == 0 else ""
            trials.append(Trial(kind, event, text, read, read == text, note))
            if tell:
                tell(f"{kind}: {event}")
    finally:
        remove_container(name, volumes=True)
        if kind == NAMED:
            _remove_volume_if_there(volume, "the grid's volume")
        if kind == BIND:
            (Path(host_dir) / Path(MARKER).name).unlink(missing_ok=True)
    return trials


def _check_grid(
    kinds=KINDS, events=EVENTS, image="", host_dir="", *_: object, **__: object
) -> None:
    _check_kinds(kinds, events)
    if host_dir:
        check_folder(host_dir, "the bind mount's host folder")


@engine_step("run the survival grid", validate=_check_grid)
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

    `on_progress(done, text)` is called after each trial (for a progress bar).

    Raises:
        BadInput: an unknown kind or event (before anything runs).
    """
    trials: list[Trial] = []
    done = 0

    def tell(text: str) -> None:
        nonlocal done
        done += 1
        if on_progress:
            on_progress(done, text)

    print(
        '# each step: docker exec NAME sh -c \'mkdir -p /data && echo "written before EVENT" '
        "> /data/marker.txt', then the event, then docker exec NAME cat /data/marker.txt"
    )
    for kind in kinds:
        volume = f"{prefix}-vol"
        print(f"# {kind}: {_run_option(kind, real(volume, 'volume'), host_dir)}")
        trials += _run_kind(
            kind, tuple(events), f"{prefix}-{_SLUG[kind]}", volume, host_dir, image, tell
        )
    return SurvivalGrid(tuple(trials))


def _check_trial(
    kind=TMPFS, event=RESTART, image="", host_dir="", *_: object, **__: object
) -> None:
    _check_kinds([kind], [event])
    if host_dir:
        check_folder(host_dir, "the bind mount's host folder")


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
    return _run_kind(kind, (event,), "mount-trial", "trial-vol", host_dir, image)[0]


# --- write throughput ---------------------------------------------------------------------------

_DD_SECONDS = re.compile(r"copied, ([0-9.]+(?:e-?\d+)?) s")
_BENCH = "bench-box"
_SPARE_BYTES = 64 * MIB


def _filesystems(name: str) -> tuple:
    """The filesystem behind each bench path, from the container's /proc/mounts."""
    text = exec_in(name, "cat /proc/mounts", echo=False).output
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 4:
            mounts.append((fields[1], fields[2], fields[3]))
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
    script = (
        f"dd if=/dev/zero of={path}/bench.bin bs=1M count={size_mib}{sync} 2>&1; "
        f"status=$?; rm -f {path}/bench.bin; exit $status"
    )
    out = exec_in(name, script, echo=False).output
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


def _check_throughput(
    size_mib=128, repeats=10, image="", host_dir="", *_: object, **__: object
) -> None:
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


@engine_step("measure write throughput", validate=_check_throughput)
def throughput(
    size_mib: int = 128,
    repeats: int = 10,
    image: str = LESSON_IMAGE,
    host_dir: str | os.PathLike = f"{WORKSPACE}/bench-bind",
    on_progress: Callable[[int, str], None] | None = None,
) -> Throughput:
    """Write `size_mib` MiB of zeros with dd into the writable layer, a named volume, a bind mount
    and a tmpfs mount of one container `bench-box`, `repeats` times each, buffered and with
    conv=fsync, interleaved. dd's own timing is kept (no `docker exec` overhead). One warm-up
    write per path (buffered, same size) is not counted. `bench-box` and `bench-vol` are removed
    at the end.

    Raises:
        BadInput: a size or repeat count out of range (before anything runs).
        NotEnoughSpace: a path cannot hold `size_mib` (plus a margin); nothing is written.
    """
    Path(host_dir).mkdir(parents=True, exist_ok=True)
    why_not = unshared_folder(host_dir)
    mounts = [volume_mount("bench-vol", "/bench/volume"), tmpfs_mount("/bench/tmpfs")]
    if why_not:
        shown = cli("-v", f"{os.path.abspath(host_dir)}:/bench/bind").removeprefix("docker ")
        announce(f"# {BIND} ({shown}) not measured: {why_not}")
    else:
        mounts.insert(1, bind_mount(host_dir, "/bench/bind"))
    targets = tuple((k, p) for k, p in BENCH_TARGETS if not (why_not and k == BIND))
    bench = real(_BENCH)  # as the commands shown name it
    _start(bench, image, mounts)
    timings = []
    try:
        exec_in(bench, "mkdir -p /bench/layer")  # the writable layer's folder: dd needs it
        wanted = size_mib * MIB
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
        for _, path in targets:  # not counted: the first write to a path is often slower
            _dd(bench, path, size_mib, False)
        for _, path in targets:
            for fsync in (False, True):
                sync = " conv=fsync" if fsync else ""
                script = (
                    f"dd if=/dev/zero of={path}/bench.bin bs=1M count={size_mib}{sync}; "
                    f"rm {path}/bench.bin"
                )
                announce(cli("exec", bench, "sh", "-c", script) + f"   # x{repeats}")
        total = repeats * 2 * len(targets)
        for repeat in range(1, repeats + 1):
            for fsync in (False, True):
                for kind, path in targets:
                    seconds = _dd(bench, path, size_mib, fsync)
                    timings.append(WriteTiming(kind, fsync, repeat, wanted, seconds))
                    if on_progress:
                        on_progress(len(timings), f"{kind}{' fsync' if fsync else ''} ({total})")
    finally:
        remove_container(bench, volumes=True)
        _remove_volume_if_there("bench-vol", "the benchmark's volume")
    skipped = (f"{BIND}: not measured: {why_not}.",) if why_not else ()
    return Throughput(wanted, repeats, tuple(timings), filesystems, skipped)


# --- bind mounts: who owns the files, and a missing host path -----------------------------------


def _owner_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return "no such user on this machine"


_DEMO_FILES = re.compile(r"^by-(?:default|you|\d+)\.txt$")  # what `ownership` writes


def _check_ownership(
    host_dir: str | os.PathLike = f"{WORKSPACE}/owners",
    image: str = "",
    other_uid: int = 1234,
    *_: object,
    **__: object,
) -> None:
    """The demo empties HOST_DIR first: only a folder holding nothing but its own files."""
    check_folder(host_dir, "the ownership demo's folder")
    if not _is_count(other_uid, 1, 2**31 - 2):
        raise BadInput(
            f"Cannot run a container as uid {other_uid!r}.",
            "the demo needs a user id that is not root's: a whole number from 1 up.",
            "pass other_uid=1234, for example.",
        )
    folder = Path(host_dir)
    if folder.is_dir():
        foreign = sorted(p.name for p in folder.iterdir() if not _DEMO_FILES.match(p.name))
        if foreign:
            more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
            raise BadInput(
                f"Not emptying {os.fspath(host_dir)}: it holds {', '.join(foreign[:3])}{more}.",
                "the demo starts from an empty folder, and the lab never removes files it did "
                "not write.",
                f"pass a new folder, or the demo's own ({WORKSPACE}/owners, the default).",
            )


DEMO_USER = "lab-learner"  # "you" in the ownership demo when the kernel runs as root


def _learner() -> tuple[int, int, str, str]:
    """(uid, gid, name, note) of the user the ownership demo calls "you": whoever runs this
    notebook, unless that is root. Root may edit any file, so its row would hide what the demo
    shows; then "you" is DEMO_USER, a plain user created with useradd on first use (as a
    learner's own account on a laptop), and NOTE says so. (-1, -1, "", "") where there are no
    uids (Windows)."""
    get_uid = getattr(os, "getuid", None)
    if get_uid is None:
        return -1, -1, "", ""
    uid = get_uid()
    if uid != 0:
        return uid, os.getgid(), _owner_name(uid), ""  # type: ignore[attr-defined]
    import pwd

    command = [
        "useradd", "--no-create-home", "--shell", "/usr/sbin/nologin",
        "--comment", "labhelpers bind-mount ownership demo", DEMO_USER,
    ]  # fmt: skip
    try:
        found = pwd.getpwnam(DEMO_USER)
    except KeyError:
        announce(f"{shlex.join(command)}   # a plain user to stand in for you")
        subprocess.run(command, capture_output=True, text=True, check=False)
        try:
            found = pwd.getpwnam(DEMO_USER)  # another kernel may have created it meanwhile
        except KeyError:
            return uid, os.getgid(), _owner_name(uid), ""  # type: ignore[attr-defined]
    note = (
        'This notebook\'s kernel runs as root, and root may edit any file, so "you" in the '
        f"table is {DEMO_USER} (uid {found.pw_uid}), a plain user the lab created with useradd "
        f"to stand in for your own account (`userdel {DEMO_USER}` removes it)."
    )
    return found.pw_uid, found.pw_gid, DEMO_USER, note


def _may_write(path: Path, uid: int, gid: int, name: str) -> bool:
    """May user UID (group GID, and NAME's other groups) write PATH, by its owner and mode?"""
    if uid == 0:
        return True
    st = path.stat()
    groups = {gid}
    if name and hasattr(os, "getgrouplist"):
        with contextlib.suppress(OSError):
            groups.update(os.getgrouplist(name, gid))
    if st.st_uid == uid:
        return bool(st.st_mode & 0o200)
    if st.st_gid in groups:
        return bool(st.st_mode & 0o020)
    return bool(st.st_mode & 0o002)


@engine_step("show who owns files written into a bind mount", validate=_check_ownership)
def ownership(
    host_dir: str | os.PathLike = f"{WORKSPACE}/owners",
    image: str = LESSON_IMAGE,
    other_uid: int = 1234,
) -> OwnershipReport:
    """Bind-mount a fresh host folder at /shared and create a file there as different container
    users: the image's default user, uid OTHER_UID, and you (`--user UID:GID`); then open the
    folder to everyone (chmod 777) and try uid OTHER_UID again. Each container prints its uid
    (`id -u`); each file's owner is read on this machine. The folder is emptied first and its
    files are left for you to look at.

    "You" is whoever runs this notebook; where that is root, a plain user, DEMO_USER, stands in
    (created with useradd if missing) and the folder is made theirs, as a learner's own folder
    is on a laptop. Where the Engine does not see the folder (`engine_locality`), nothing runs:
    the report says why and lists the commands.
    """
    folder = Path(host_dir)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    your_uid, your_gid, your_name, stand_in = _learner()
    if stand_in and your_uid != os.getuid():  # type: ignore[attr-defined]
        announce(f"chown {DEMO_USER}: {_pwd(folder)}   # the folder is theirs, mode 755")
        os.chown(folder, your_uid, your_gid)
    me = f"{your_uid}:{your_gid}" if your_uid >= 0 else ""
    typed = (
        f'--user "$(id -u {DEMO_USER}):$(id -g {DEMO_USER})"'
        if stand_in
        else '--user "$(id -u):$(id -g)"'
    )
    mount = MountSpec("bind", os.path.abspath(folder), "/shared")
    other = f"{other_uid}:{other_uid}"
    why_not = unshared_folder(folder)
    rows = []

    def attempt(label: str, user: str | None, filename: str, mode: str) -> None:
        command = ["sh", "-c", f"id -u && touch /shared/{filename}"]
        argv = ["run", "--rm", "--network", "none", *(["--user", user] if user else [])]
        shown = cli(*argv, *mount.cli_args(), real(image, "image"), *command)
        if user and user == me:
            shown = shown.replace(f"--user {me}", typed)
        if why_not:
            rows.append(OwnershipRow(label, mode, shown, False, "not run", -1, -1, "", False))
            return
        done = run_once(image, command, [mount], user=user, check=False, echo=shown, writes=True)
        first = done.output.strip().splitlines()[:1]
        inside = int(first[0]) if first and first[0].isdigit() else -1
        path = folder / filename
        if done.exit_code != 0 or not path.exists():
            out = done.output.strip()
            error = out.splitlines()[-1] if out else f"exit status {done.exit_code}"
            rows.append(
                OwnershipRow(
                    label, mode, shown, False, error.split(": ")[-1], -1, -1, "", False, inside
                )
            )
            return
        st = path.stat()
        owner = _owner_name(st.st_uid)
        editable = _may_write(path, your_uid, your_gid, your_name) if me else True
        rows.append(
            OwnershipRow(
                label, mode, shown, True, "", st.st_uid, st.st_gid, owner, editable, inside
            )
        )

    yours = f"{your_name}'s, mode 755" if stand_in else "yours, mode 755"
    attempt("the image's default user", None, "by-default.txt", yours)
    attempt(f"uid {other_uid}", other, f"by-{other_uid}.txt", yours)
    if me:
        attempt(f"you ({your_name}, {me})", me, "by-you.txt", yours)
    if why_not:
        announce(f"# not run: {why_not}")
    else:
        announce(f"chmod 777 {_pwd(folder)}   # let every uid write into it")
        folder.chmod(0o777)
    attempt(f"uid {other_uid}", other, f"by-{other_uid}.txt", "mode 777")
    you = your_name if your_uid >= 0 else "no uids on this system"
    return OwnershipReport(folder.as_posix(), your_uid, tuple(rows), you, why_not, stand_in)


# --- bind mounts: the same files on both sides --------------------------------------------------

_SYNC_FILES = ("from-host.txt", "from-container.txt")


def _check_sync(host_dir: str | os.PathLike = "", *_: object, **__: object) -> None:
    if host_dir:
        check_folder(host_dir, "the bind mount's host folder")
        folder = Path(host_dir)
        if folder.is_dir():
            foreign = sorted(p.name for p in folder.iterdir() if p.name not in _SYNC_FILES)
            if foreign:
                raise BadInput(
                    f"Not using {os.fspath(host_dir)}: it holds {', '.join(foreign[:3])}.",
                    "the demo starts from a folder holding only its own files, and the lab never "
                    "removes files it did not write.",
                    f"pass a new folder, or the demo's own ({WORKSPACE}/sync, the default).",
                )


@engine_step("write on one side of a bind mount, read on the other", validate=_check_sync)
def live_sync(
    host_dir: str | os.PathLike = f"{WORKSPACE}/sync", image: str = LESSON_IMAGE
) -> SyncReport:
    """Start `sync-box` with HOST_DIR bind-mounted at /shared; write a file on this machine and
    read it in the running container, append to it and read again, then write a file in the
    container and read it here. Nothing is restarted or copied in between. `sync-box` is removed
    at the end; the two files are left in HOST_DIR. Where the Engine does not see HOST_DIR,
    nothing runs: the report says why and lists the commands."""
    folder = Path(host_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for name in _SYNC_FILES:
        (folder / name).unlink(missing_ok=True)
    host_file, box_file = folder / _SYNC_FILES[0], folder / _SYNC_FILES[1]
    box = real("sync-box")
    start = cli("run", "-d", "--name", box, "-v", f"{os.path.abspath(folder)}:/shared",
                real(image, "image"), "sleep", "infinity")  # fmt: skip
    in_box = f"/shared/{host_file.name}"

    def host_write(text: str, mode: str) -> str:
        with host_file.open(mode) as out:
            out.write(text + "\n")
        return ""

    def box_read() -> str:
        back = exec_in(box, f"cat {in_box}", check=False, echo=False)
        return back.output.strip() if back.exit_code == 0 else ""

    def box_write() -> str:
        exec_in(box, f'echo "from the container" > /shared/{box_file.name}', echo=False)
        return ""

    def host_read() -> str:
        return box_file.read_text().strip() if box_file.exists() else ""

    steps = (
        ("this machine", f'echo "line 1, from the host" > {_pwd(host_file)}',
         lambda: host_write("line 1, from the host", "w")),
        (box, cli("exec", box, "cat", in_box), box_read),
        ("this machine", f'echo "line 2, added on the host" >> {_pwd(host_file)}',
         lambda: host_write("line 2, added on the host", "a")),
        (box, cli("exec", box, "cat", in_box), box_read),
        (box,
         cli("exec", box, "sh", "-c", f'echo "from the container" > /shared/{box_file.name}'),
         box_write),
        ("this machine", f"cat {_pwd(box_file)}", host_read),
    )  # fmt: skip
    why_not = unshared_folder(folder)
    if why_not:
        rows = tuple(SyncStep(where, command, "") for where, command, _ in steps)
        return SyncReport(folder.as_posix(), start, rows, why_not, box)
    run_container(box, image, [bind_mount(folder, "/shared")], "sleep infinity")
    rows = []
    try:
        for where, command, action in steps:
            announce(command)
            rows.append(SyncStep(where, command, action()))
    finally:
        remove_container(box)
    return SyncReport(folder.as_posix(), start, tuple(rows), box=box)


@engine_step("bind-mount a host path that does not exist")
def missing_host_path(
    path: str | os.PathLike = f"{WORKSPACE}/no-such-folder", image: str = LESSON_IMAGE
) -> MissingPathReport:
    """Ask for a bind mount of a missing host path three ways: the lab's `bind_mount`,
    `docker run --mount type=bind,...` and `docker run -v ...`. The last one makes the Engine create
    the folder (owned by root); it is removed again (it is empty) once looked at.

    Raises:
        BadInput: PATH exists and is not an empty folder (nothing is touched).
    """
    target = Path(path)
    absolute = os.path.abspath(target)
    if target.exists():
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()  # an empty folder an earlier run (or `docker run -v`) left behind
        else:
            raise BadInput(
                f"{target} exists and is not an empty folder.",
                "this demo needs a host path that does not exist.",
                "pass another path, or remove that one yourself.",
            )
    cwd = os.getcwd().rstrip("/") + "/"
    cases = []

    lab_message = ""
    try:
        bind_mount(target, DATA)
        outcome = "accepted (unexpected)"
    except BadInput as exc:
        outcome = "the lab refused before anything ran (BadInput, message below)"
        lab_message = f"BadInput: {exc}".replace(cwd, "$PWD/")
    shown = f"lh.bind_mount({target.as_posix()!r}, '/data')"
    cases.append(MissingPathCase("lh.bind_mount(...)", shown, outcome, False))

    # `--mount` names the type outright; the Engine checks the source before it creates anything.
    refusing = MountSpec("bind", absolute, DATA)
    shown = cli(
        "run", "--rm", "--network", "none", "--mount", f"type=bind,src={absolute},dst={DATA}",
        real(image, "image"), "true",
    )  # fmt: skip
    try:
        run_once(image, ["true"], [refusing], echo=shown, writes=True)  # -v as the lesson types it
        outcome = "ran (unexpected)"
    except EngineError as exc:
        outcome = "the Engine refused: " + exc.engine_said.replace(cwd, "$PWD/")
    cases.append(MissingPathCase("docker run --mount type=bind", shown, outcome, target.exists()))

    creating = MountSpec("bind", absolute, DATA, create_host_path=True)
    done = run_once(image, ["ls", "-A", DATA], [creating], check=False, writes=True)
    if target.is_dir():
        uid = target.stat().st_uid
        outcome = (
            f"ran: the Engine created an empty folder there, owned by uid {uid} "
            f"({_owner_name(uid)})"
        )
    else:
        outcome = "ran; no folder was created on this machine"
    cases.append(MissingPathCase("docker run -v", done.command, outcome, target.exists()))
    if target.is_dir() and not any(target.iterdir()):
        announce(f"rmdir {_pwd(target)}   # the empty folder docker run -v made")
        target.rmdir()
    note = unshared_folder(target.parent) if target.parent.is_dir() else ""
    if note:
        note = (
            f"{note[0].upper()}{note[1:]}: the paths above were missing on the Engine's side as "
            "well, and `-v` made its folder there, not on this machine."
        )
    return MissingPathReport(target.as_posix(), tuple(cases), lab_message, note)
