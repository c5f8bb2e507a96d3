"""Notebook 05's Engine work, the lecture's `my-vol` demo measured (the package's docstring lists
it). Every step declares the course names it takes; the decorator maps them."""

from __future__ import annotations

import os
import re
import shlex
import time
from pathlib import Path

from ...core.commands import NOT_RUN, collect, docker, host, show, show_all, waited
from ...core.errors import BadInput
from ...core.inputs import check_folder
from ...core.labels import NAMESPACE
from ...engine import (
    LESSON_IMAGE,
    MountSpec,
    bind_mount,
    container_logs,
    container_sizes,
    copy_to_host,
    create_container,
    create_volume,
    diff,
    disk_usage,
    engine_facts,
    engine_locality,
    engine_step,
    exec_in,
    find_container,
    find_volume,
    prune_volumes,
    remove_container,
    remove_volume,
    run_container,
    run_host,
    run_once,
    stop_container,
    volume_mount,
    write_data,
)
from ..common import (
    PEEK_AT,
    FileRead,
    check_volume_path,
    list_volume,
    read_volume_file,
    require_volume,
    tmpfs_volume_options,
    unshared_folder,
)
from .results import (
    AppDirCase,
    AppDirGrid,
    AppRun,
    AppRuns,
    CopyResult,
    LayerChanges,
    PruneReport,
    PruneRow,
    SurvivalResult,
    VolumeUsage,
    VolumeUsageReport,
    WriteSpace,
)

__all__ = [
    "WORKSPACE",
    "changes",
    "copy_out",
    "measure_write",
    "prune_demo",
    "read_from_mountpoint",
    "start_app_both_ways",
    "volume_usage",
    "what_app_sees",
    "write_remove_read",
]

WORKSPACE = "workspace"  # the lab's folder next to the notebooks (relative to the notebooks folder)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colours in a log line
SETTLE_S = 3  # how long an app must keep running to count as running
_LISTENING = "Running on"  # the lecture's Flask app, up: "* Running on all addresses (0.0.0.0)"
DEMO_LABEL = f"{NAMESPACE}.demo"  # the prune demo's own label (with the owner's: all it can prune)


@engine_step("list the container's changes", names={"name": "container"})
def changes(name: str) -> LayerChanges:
    """`docker diff NAME` as a table: what the container's writable layer holds."""
    return LayerChanges(name, diff(name))


@engine_step(
    "read a file at the volume's mountpoint", validate=check_volume_path, names={"volume": "volume"}
)
def read_from_mountpoint(volume: str, filename: str) -> FileRead:
    """`cat MOUNTPOINT/FILENAME`, run on this machine where the Engine's files are here and this
    kernel may read them (as root); otherwise the lecture's `sudo cat` is shown as not run, with
    why (root only, or the files are where the Engine runs: a VM, a container, another host)."""
    require_volume(volume)
    path = os.path.join(find_volume(volume).mountpoint, filename.lstrip("/"))  # type: ignore[union-attr]
    how = "at the volume's mountpoint"
    locality = engine_locality()
    if locality.files_here and os.access(path, os.R_OK):
        done = run_host(show(host("cat", path)))
        return FileRead(volume, path, True, done.stdout, how, host("cat", path).line())
    why = "here, but only root may read them" if locality.files_here else _ELSEWHERE.get(
        engine_facts().platform_kind, "not on this machine"
    )  # fmt: skip
    shown = show(host("sudo", "cat", path, expect=NOT_RUN, note="not run here"))
    return FileRead(volume, path, False, f"the Engine's files are {why}", how, shown.line())


_ELSEWHERE = {
    "docker-desktop": "in Docker Desktop's Linux VM",
    "wsl2": "in the WSL 2 VM",
    "in-a-container": "in the Engine's own container",
    "remote": "on the Engine's host",
}


@engine_step("copy the file out of the container", names={"container": "container"})
def copy_out(container: str, path: str, dest_dir: str | os.PathLike = WORKSPACE) -> CopyResult:
    """`docker cp CONTAINER:PATH DEST_DIR/` (the container may be stopped), then the copy read
    back from this machine's disk.

    Raises:
        BadInput: PATH is missing, or not a single regular file.
    """
    target = Path(copy_to_host(container, path, dest_dir))
    shown = os.path.relpath(target) if target.is_relative_to(Path.cwd()) else target.as_posix()
    text = target.read_bytes()[:2000].decode(errors="replace")
    return CopyResult(container, path, shown, target.stat().st_size, text)


# --- pre-population: what lands in /app ---------------------------------------------------------

_PREPOP = ("prepop-empty", "prepop-emptied", "prepop-full", "prepop-nocopy", "prepop-ram",
           "prepop-created")  # fmt: skip


@engine_step(
    "compare what lands in /app",
    names={"image": "image", "volumes": "volume", "created": "container"},
)
def what_app_sees(
    host_dir: str | os.PathLike = f"{WORKSPACE}/empty-app",
    image: str = LESSON_IMAGE,
    volumes: tuple = _PREPOP,
    created: str = "prepop-created",
) -> AppDirGrid:
    """Mount different things over the image's /app (which holds app.py) and list /app, each in
    a throw-away container: nothing, an empty volume, an emptied one, one holding a file, one
    with volume-nocopy, a tmpfs-backed one, an empty host folder; then `docker create` a container
    CREATED over an empty volume, never started, and look into the volume. VOLUMES (six names)
    are removed again at the end. Where the Engine does not see HOST_DIR, the bind case is shown,
    not run, and its row says why.

    Raises:
        BadInput: HOST_DIR is not empty.
    """
    folder = Path(host_dir)
    if folder.exists() and any(folder.iterdir()):
        raise BadInput(
            f"The folder {folder} is not empty.",
            "the bind-mount case needs an empty host folder to show what it hides.",
            f"empty it or pass another folder (`rm -r {folder}`).",
        )
    folder.mkdir(parents=True, exist_ok=True)
    empty, emptied, full, nocopy, ram, on_created = volumes
    cases = []

    def case(setup: str, mounts: list, volume: str = "", bound: Path | None = None) -> None:
        seen = run_once(image, ["ls", "-A", "/app"], mounts, writes=True)  # the Engine copies in
        left: tuple | None = None
        if volume:
            left = list_volume(volume, image).names
        elif bound is not None:
            left = tuple(sorted(os.listdir(bound)))
        cases.append(AppDirCase(setup, tuple(sorted(seen.output.split())), left))

    def over_app(volume: str, no_copy: bool = False) -> list:
        return [MountSpec("volume", volume, "/app", no_copy=no_copy)]

    def peek(volume: str, script: str) -> None:
        run_once(image, ["sh", "-c", script], [volume_mount(volume, PEEK_AT)], writes=True)

    case("nothing (the image's /app)", [])
    for volume in (empty, emptied, full, nocopy):
        create_volume(volume)
    create_volume(ram, "local", tmpfs_volume_options("16m"))
    case("a new, empty volume", over_app(empty), empty)
    peek(emptied, f"touch {PEEK_AT}/old.txt && rm {PEEK_AT}/old.txt")
    case("a volume emptied again", over_app(emptied), emptied)
    peek(full, f"touch {PEEK_AT}/mine.txt")
    case("a volume holding mine.txt", over_app(full), full)
    case("an empty volume, volume-nocopy", over_app(nocopy, no_copy=True), nocopy)
    case("an empty tmpfs-backed volume", over_app(ram), ram)
    why_not = unshared_folder(folder)
    if why_not:
        argv = ("run", "--rm", "-v", f"{os.path.abspath(folder)}:/app", image, "ls", "-A", "/app")
        show(docker(*argv, expect=NOT_RUN, note=f"not run: {why_not}"))
        cases.append(AppDirCase("an empty host folder (bind)", (), None, "not run here"))
    else:
        case("an empty host folder (bind)", [bind_mount(folder, "/app")], bound=folder)
    create_volume(on_created)
    if find_container(created) is not None:  # an interrupted earlier run
        remove_container(created)
    create_container(created, image, mounts=over_app(on_created))
    left = list_volume(on_created, image).names
    setup = "an empty volume, docker create only"
    cases.append(AppDirCase(setup, (), left, f"never started; the volume holds {' '.join(left)}"))
    remove_container(created)
    for volume in volumes:
        remove_volume(volume)
    return AppDirGrid(tuple(cases))


def _start_app(name: str, over_app: str, mount: MountSpec, image: str, wait_s: float) -> AppRun:
    """`docker run -d` the image's own command; wait until it exits or has run SETTLE_S (its
    state read, not shown), then read its logs, again only while it has printed nothing (so a
    run shows one `docker logs`, whatever the machine's speed)."""
    run_container(name, image, [mount])
    # the twin waits as this does (below), so that its `docker logs` shows what this one read
    is_running = f"[ \"$(docker inspect -f '{{{{.State.Running}}}}' {name})\" = true ]"
    waited(f"! {is_running}", SETTLE_S)
    # (grep reads the whole log: with -q it could stop early, and under `pipefail` the SIGPIPE
    # of `docker logs` would fail the test)
    up = f"docker logs {name} 2>&1 | grep '{_LISTENING}' >/dev/null"
    waited(f"{up} || ! {is_running}", wait_s - SETTLE_S)
    started = time.monotonic()
    lines: list[str] = []
    with collect() as ran:
        while True:
            state = find_container(name)
            running = state is not None and state.status == "running"
            spent = time.monotonic() - started
            if not running or spent >= SETTLE_S:
                lines = container_logs(name).strip().splitlines()
                # a running app counts as up once it says where it listens (stderr, unbuffered);
                # its stdout lines come when Python flushes them, before or after that
                up = any(_LISTENING in line for line in lines)
                if up or not running or spent >= wait_s:  # exited: its log is complete
                    break
            time.sleep(0.2)
    show_all(ran)
    state = find_container(name)
    status, code = (state.status, state.exit_code) if state else ("gone", 0)
    said = [_ANSI.sub("", line).strip() for line in lines if line.strip()]
    telling = [line for line in said if not line.startswith("WARNING")]
    first = next((line for line in telling if _LISTENING in line), telling[0] if telling else "")
    remove_container(name)
    return AppRun(name, over_app, status, code, first)


def _check_wait(
    volume: str = "", host_dir: object = "", image: str = "", wait_s: float = 15, *_: object
) -> None:
    if not isinstance(wait_s, (int, float)) or isinstance(wait_s, bool) or not 0 < wait_s <= 300:
        raise BadInput(
            f"Cannot wait {wait_s!r} seconds for the app.",
            "the wait must be a number of seconds above 0 and at most 300.",
            "pass wait_s=15.",
        )
    if host_dir:
        check_folder(host_dir, "the folder bind-mounted over /app")


@engine_step(
    "start the app with a volume and with a bind mount over /app",
    validate=_check_wait,
    names={"volume": "volume", "image": "image", "containers": "container"},
)
def start_app_both_ways(
    volume: str = "my-vol",
    host_dir: str | os.PathLike = f"{WORKSPACE}/empty-app",
    image: str = LESSON_IMAGE,
    wait_s: float = 15,
    containers: tuple = ("app-on-volume", "app-on-bind"),
) -> AppRuns:
    """Start the image's own command (`python app.py`, from /app) with VOLUME over /app, then
    with an empty host folder bind-mounted there; wait until each logs a line or exits, and
    remove each (CONTAINERS: their names)."""
    require_volume(volume)
    on_volume, on_bind = containers
    folder = Path(host_dir)
    folder.mkdir(parents=True, exist_ok=True)
    runs = [_start_app(on_volume, f"volume {volume}", volume_mount(volume, "/app"), image, wait_s)]
    over = f"empty folder {folder.as_posix()}"
    why_not = unshared_folder(folder)
    if why_not:
        argv = ("run", "-d", "--name", on_bind, "-v", f"{folder.resolve()}:/app", image)
        show(docker(*argv, expect=NOT_RUN, note=f"not run: {why_not}"))
        runs.append(AppRun(on_bind, over, "not run", 0, why_not))
    else:
        runs.append(_start_app(on_bind, over, bind_mount(folder, "/app"), image, wait_s))
    return AppRuns(tuple(runs))


# --- sizes ---------------------------------------------------------------------------------------


def _check_names(names: tuple | list = ()) -> None:
    if isinstance(names, str) or not all(isinstance(n, str) for n in names):
        raise BadInput(
            f"Cannot look up the volumes {names!r}.",
            "the helper takes a list of volume names.",
            'pass a list, such as ["my-vol"].',
        )


@engine_step("read the volumes' sizes", validate=_check_names, names={"names": "volume"})
def volume_usage(names: tuple | list = ("my-vol",)) -> VolumeUsageReport:
    """`docker system df -v`, volumes section: LINKS (containers using it) and SIZE. The Engine
    leaves out `local` volumes made with driver options (tmpfs, NFS, ...): not listed."""
    listed = {row.name: row for row in disk_usage().rows if row.kind == "volume"}
    rows = [
        VolumeUsage(n, True, listed[n].ref_count, listed[n].size_bytes)
        if n in listed
        else VolumeUsage(n, False, 0, 0)
        for n in names
    ]
    return VolumeUsageReport(tuple(rows))


@engine_step(
    "measure where written data is counted", names={"container": "container", "volume": "volume"}
)
def measure_write(
    container: str, volume: str, size_mib: float = 4, path: str = "/app/data.bin"
) -> WriteSpace:
    """`docker ps -s` (the container's writable layer) and `docker system df -v` (the volume),
    then SIZE_MIB written to PATH in CONTAINER (under the volume's mount point), then both again."""

    def sizes() -> tuple[int, int]:
        layer = container_sizes([container])[0].writable_layer_bytes
        return layer, volume_usage([volume]).rows[0].size_bytes

    layer_before, volume_before = sizes()
    written = write_data(container, size_mib, path=path)
    layer_after, volume_after = sizes()
    return WriteSpace(
        container, volume, written.size_bytes, layer_before, layer_after, volume_before,
        volume_after,
    )  # fmt: skip


# --- what deletes a volume ----------------------------------------------------------------------


@engine_step(
    "show what docker volume prune removes",
    names={"image": "image", "volumes": "volume", "containers": "container"},
)
def prune_demo(
    image: str = LESSON_IMAGE,
    volumes: tuple = ("prune-unused", "prune-in-use", "prune-ram"),
    containers: tuple = ("prune-user", "prune-anon-maker"),
) -> PruneReport:
    """Four volumes with the demo's label: a named unused one, a named one a stopped container
    uses, an anonymous one `docker rm` (without -v) left, a tmpfs-backed one. Then `docker volume
    prune` filtered on the demo's label and this account's owner mark (nothing else can go), and
    which went; what prune left is removed with `docker volume rm`."""
    label = {DEMO_LABEL: "prune"}
    unused, in_use, ram = volumes
    user, maker = containers
    for old in (user, maker):  # an interrupted earlier run
        if find_container(old) is not None:
            remove_container(old, volumes=True)
    create_volume(unused, extra_labels=label)
    create_volume(in_use, extra_labels=label)
    create_volume(ram, "local", tmpfs_volume_options("16m"), extra_labels=label)
    run_container(user, image, [volume_mount(in_use, "/data")], "sleep infinity")
    stop_container(user)
    anonymous_spec = MountSpec("volume", "", "/data", volume_labels=tuple(label.items()))
    run_container(maker, image, [anonymous_spec], "sleep infinity")
    anonymous = find_container(maker).mount_at("/data").volume_name  # type: ignore[union-attr]
    remove_container(maker, note="without -v: its anonymous volume stays")
    deleted = set(prune_volumes(f"{DEMO_LABEL}=prune"))
    rows = (
        PruneRow(unused, "named", False, unused in deleted),
        PruneRow(f"{anonymous[:12]}…", "anonymous", False, anonymous in deleted),
        PruneRow(in_use, "named", True, in_use in deleted),
        PruneRow(ram, "named, tmpfs options", False, ram in deleted),
    )
    remove_container(user)
    for name in (unused, anonymous, in_use, ram):
        if name not in deleted and find_volume(name) is not None:
            remove_volume(name, note="prune left it")
    facts = engine_facts()
    return PruneReport(facts.server_version, facts.api_version, rows)


# --- write, remove the container, read back -------------------------------------------------------


def _check_line(text: str, *_: object, **__: object) -> None:
    if not isinstance(text, str) or not text or "\n" in text or len(text) > 200:
        size = len(text) if isinstance(text, str) else "no"
        raise BadInput(
            "The line to write must be one line of 1 to 200 characters.",
            f"got {size} characters" + (", over several lines." if "\n" in str(text) else "."),
            "type a shorter line.",
        )


@engine_step(
    "write, remove the container, read back",
    validate=_check_line,
    names={"volume": "volume", "container": "container", "image": "image"},
)
def write_remove_read(
    text: str,
    volume: str = "my-vol",
    container: str = "my-cont-writer",
    image: str = LESSON_IMAGE,
) -> SurvivalResult:
    """Run CONTAINER with VOLUME at /app, append `text` to /app/notes.txt, `docker rm -f` it, and
    read notes.txt back through a helper container.

    Raises:
        BadInput: `text` is not one line of 1 to 200 characters, or there is no VOLUME.
    """
    require_volume(volume)
    run_container(container, image, [volume_mount(volume, "/app")], "sleep infinity")
    exec_in(container, f"printf '%s\\n' {shlex.quote(text)} >> /app/notes.txt")
    remove_container(container)
    back = read_volume_file(volume, "notes.txt", image)
    return SurvivalResult(volume, text, back.text, text in back.text.splitlines())
