"""Notebook 05's Engine work: the lecture's `my-vol` demo, measured.

Reading a volume's file from its mountpoint (native Linux), `docker cp` out to this machine, what
lands in /app for six kinds of mount over it (pre-population), the app started over a volume and
over a bind mount, sizes from `docker system df -v`, and what `docker volume prune` removes.
"""

from __future__ import annotations

import os
import shlex
import time
from pathlib import Path

from ...core.echo import announce, cli, quiet
from ...core.errors import BadInput
from ...core.inputs import check_folder, check_inside
from ...core.labels import NAMESPACE, SESSION_ID
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
    engine_step,
    exec_in,
    find_container,
    find_volume,
    layer_files,
    prune_volumes,
    real,
    remove_container,
    remove_volume,
    run_container,
    run_once,
    stop_container,
    volume_mount,
)
from ..common import (
    HERE,
    PEEK_AT,
    FileRead,
    list_volume,
    read_volume_file,
    require_volume,
    tmpfs_volume_options,
    unshared_folder,
    where_engine_files_are,
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
    SpaceSnapshot,
    SurvivalResult,
    VolumeUsage,
    VolumeUsageReport,
    WritableLayer,
)

__all__ = [
    "WORKSPACE",
    "changes",
    "copy_out",
    "prune_demo",
    "read_from_mountpoint",
    "space_snapshot",
    "start_app_both_ways",
    "volume_usage",
    "what_app_sees",
    "writable_layer",
    "write_remove_read",
]

WORKSPACE = "workspace"  # the lab's folder next to the notebooks (relative to the notebooks folder)
SETTLE_S = 3  # after an app's first log line: how long it must keep running to count as running
DEMO_LABEL = f"{NAMESPACE}.demo"  # the prune demo's own label: the only volumes it can prune


@engine_step("list the container's changes")
def changes(name: str) -> LayerChanges:
    """`docker diff NAME` as a table: what the container's writable layer holds."""
    return LayerChanges(real(name), diff(name))


# --- reading a volume's file from its mountpoint --------------------------------------------------


def _check_filename(volume: str, filename: str) -> None:
    check_inside(filename, f"the volume {volume}")


@engine_step("read a file from the volume's mountpoint", validate=_check_filename)
def read_from_mountpoint(volume: str, filename: str) -> FileRead:
    """`sudo cat MOUNTPOINT/FILENAME`: read the file straight from the Engine's data root.

    Only possible where the Engine's files are on this machine (`engine_locality` probes it:
    native Linux, the Engine not in a VM or a container of its own) and readable (the data root
    is root-only: run the notebook as root, or use sudo in a terminal). Elsewhere the result says
    why not, instead of failing.
    """
    require_volume(volume)
    volume = real(volume, "volume")
    mountpoint = find_volume(volume).mountpoint  # type: ignore[union-attr]
    path = os.path.join(mountpoint, filename.lstrip("/"))
    shown = f"sudo cat {shlex.quote(path)}"
    announce(shown)
    how = "from the mountpoint on the host"
    where = where_engine_files_are()
    if where != HERE:
        return FileRead(volume, path, False, f"the Engine's files are {where}.", how, shown)
    try:
        text = Path(path).read_text(errors="replace")
    except PermissionError:
        why = "only root may read the Engine's data root (use sudo)."
        return FileRead(volume, path, False, why, how, shown)
    except OSError as exc:
        return FileRead(volume, path, False, f"{type(exc).__name__}: {exc}", how, shown)
    return FileRead(volume, path, True, text, how, shown)


# --- docker cp ------------------------------------------------------------------------------------


@engine_step("copy the file out of the container")
def copy_out(container: str, path: str, dest_dir: str | os.PathLike = WORKSPACE) -> CopyResult:
    """`docker cp CONTAINER:PATH DEST_DIR/`: copy one file out (the container may be stopped), then
    read the copy back from this machine's disk.

    Raises:
        BadInput: PATH is missing, or not a single regular file.
    """
    container = real(container)
    target = Path(copy_to_host(container, path, dest_dir))
    shown = cli("cp", f"{container}:{path}", f"{Path(dest_dir).as_posix().rstrip('/')}/")
    return CopyResult(
        container, path, target.as_posix(), target.stat().st_size, shown, _preview(target)
    )


def _preview(target: Path, limit: int = 2000) -> str:
    """The copied file as this machine's disk now has it: text, shortened, or a note if binary."""
    raw = target.read_bytes()
    try:
        text = raw[:limit].decode("utf-8")
    except UnicodeDecodeError:
        return f"(binary content, {len(raw):,} B; not shown)"
    return text + ("\n… (shortened)" if len(raw) > limit else "")


# --- pre-population: what lands in /app ---------------------------------------------------------

_PREPOP_VOLUMES = (
    "prepop-empty",
    "prepop-emptied",
    "prepop-full",
    "prepop-nocopy",
    "prepop-ram",
    "prepop-created",
)
_PREPOP_CREATED = "prepop-created"  # the container that is created and never started


def _holds(names: tuple | list) -> str:
    return "holds " + (" ".join(names) if names else "nothing")


@engine_step("compare what lands in /app")
def what_app_sees(
    host_dir: str | os.PathLike = f"{WORKSPACE}/empty-app", image: str = LESSON_IMAGE
) -> AppDirGrid:
    """Mount different things over the image's /app (which holds app.py) and list /app, each in
    a throw-away container; then `docker create` a container over an empty volume without
    starting it, and look into the volume.

    Uses the demo volumes prepop-empty, -emptied, -full, -nocopy, -ram and -created (removed again
    at the end), and `host_dir`, a folder of the lab's (created empty). Where the Engine does not
    see `host_dir` (`engine_locality`), the bind-mount case is not run: its row says why.

    Raises:
        BadInput: `host_dir` is not empty.
    """
    folder = Path(host_dir)
    if folder.exists() and any(folder.iterdir()):
        raise BadInput(
            f"The folder {folder} is not empty.",
            "the bind-mount case needs an empty host folder to show what it hides.",
            f"empty it or pass another folder (`rm -r {folder}`).",
        )
    folder.mkdir(parents=True, exist_ok=True)
    cases = []

    def case(setup: str, mounts: list, volume: str = "", host: Path | None = None) -> None:
        seen = run_once(image, ["ls", "-A", "/app"], mounts, writes=True)  # the Engine copies in
        left = ""  # what the volume (or host folder) holds afterwards
        if volume:
            left = _holds(list_volume(volume, image).names)
        elif host is not None:
            left = _holds(sorted(os.listdir(host)))
        cases.append(AppDirCase(setup, seen.command, tuple(seen.output.split()), left))

    def over_app(volume: str, no_copy: bool = False) -> list:
        return [MountSpec("volume", volume, "/app", no_copy=no_copy)]

    def peek(volume: str, script: str) -> None:
        run_once(image, ["sh", "-c", script], [volume_mount(volume, PEEK_AT)], writes=True)

    case("nothing (the image's own /app)", [])
    create_volume("prepop-empty")
    case("a new, empty named volume", over_app("prepop-empty"), "prepop-empty")
    create_volume("prepop-emptied")
    peek("prepop-emptied", f"touch {PEEK_AT}/old.txt && rm {PEEK_AT}/old.txt")
    case("an older named volume, emptied again", over_app("prepop-emptied"), "prepop-emptied")
    create_volume("prepop-full")
    peek("prepop-full", f"touch {PEEK_AT}/mine.txt")
    case("a named volume that already holds mine.txt", over_app("prepop-full"), "prepop-full")
    create_volume("prepop-nocopy")
    nocopy = over_app("prepop-nocopy", no_copy=True)
    case("a new, empty named volume with volume-nocopy", nocopy, "prepop-nocopy")
    create_volume("prepop-ram", "local", tmpfs_volume_options("16m"))
    case("a new tmpfs-backed volume", over_app("prepop-ram"), "prepop-ram")
    bind_case = "a bind mount of an empty host folder"
    why_not = unshared_folder(folder)
    if why_not:
        mount = f"{os.path.abspath(folder)}:/app"
        shown = cli("run", "--rm", "-v", mount, real(image, "image"), "ls", "/app")
        announce(f"{shown}   # not run: {why_not}")
        cases.append(AppDirCase(bind_case, shown, (), "", f"not run: {why_not}"))
    else:
        case(bind_case, [bind_mount(folder, "/app")], host=folder)
    create_volume("prepop-created")
    if find_container(_PREPOP_CREATED) is not None:  # an interrupted earlier run
        remove_container(_PREPOP_CREATED)
    created = create_container(_PREPOP_CREATED, image, mounts=over_app("prepop-created"))
    left = _holds(list_volume("prepop-created", image).names)
    created_on = f"{real('prepop-created', 'volume')}:/app"
    cases.append(
        AppDirCase(
            "a new, empty named volume; docker create only (never started)",
            cli("create", "--name", created.name, "-v", created_on, real(image, "image")),
            (),
            left,
            "not started: nothing ran in it",
        )
    )
    remove_container(created.name)
    for name in _PREPOP_VOLUMES:
        remove_volume(name)
    return AppDirGrid(tuple(cases))


def _start_app(name: str, over_app: str, mount: MountSpec, image: str, wait_s: float) -> AppRun:
    """`docker run -d` the image's own command; wait until it logs a line (then SETTLE_S more, so
    a failing start has time to exit) or exits."""
    started = run_container(name, image, [mount])
    deadline = time.monotonic() + wait_s
    first = ""
    while time.monotonic() < deadline:
        state = find_container(name)
        logs = container_logs(name).strip().splitlines()
        first = logs[0].strip() if logs else ""
        if state is None or state.status != "running":
            break
        if first:
            deadline = min(deadline, time.monotonic() + SETTLE_S)
        time.sleep(0.2)
    state = find_container(name)
    status, code = (state.status, state.exit_code) if state else ("gone", 0)
    if state is not None:  # its own output first: stdout and stderr interleave as they arrive
        said = container_logs(name, stderr=False).strip().splitlines()
        first = said[0].strip() if said else first
    return AppRun(name, over_app, status, code, first, started.command)


def _check_wait(
    volume: str = "", host_dir: object = "", image: str = "", wait_s: float = 15
) -> None:
    if not isinstance(wait_s, (int, float)) or isinstance(wait_s, bool) or not 0 < wait_s <= 300:
        raise BadInput(
            f"Cannot wait {wait_s!r} seconds for the app.",
            "the wait must be a number of seconds above 0 and at most 300.",
            "pass wait_s=15.",
        )
    if host_dir:
        check_folder(host_dir, "the folder bind-mounted over /app")


@engine_step("start the app with a volume and with a bind mount over /app", validate=_check_wait)
def start_app_both_ways(
    volume: str = "my-vol",
    host_dir: str | os.PathLike = f"{WORKSPACE}/empty-app",
    image: str = LESSON_IMAGE,
    wait_s: float = 15,
) -> AppRuns:
    """Start the image's own command (`python app.py`, from /app) twice: with VOLUME over /app,
    and with an empty host folder bind-mounted over /app. Waits until each logs a line or exits,
    then removes both containers (`app-on-volume`, `app-on-bind`)."""
    require_volume(volume)
    volume = real(volume, "volume")  # the results name what this Engine has
    on_volume_name, on_bind_name = real("app-on-volume"), real("app-on-bind")
    folder = Path(host_dir)
    folder.mkdir(parents=True, exist_ok=True)
    on_volume = _start_app(
        on_volume_name, f"volume {volume}", volume_mount(volume, "/app"), image, wait_s
    )
    remove_container(on_volume.container)
    over = f"host folder {folder.as_posix()}"
    why_not = unshared_folder(folder)
    if why_not:
        mount = f"{folder.resolve()}:/app"
        shown = cli("run", "-d", "--name", on_bind_name, "-v", mount, real(image, "image"))
        announce(f"{shown}   # not run: {why_not}")
        on_bind = AppRun(on_bind_name, over, "not run", 0, why_not, shown)
    else:
        on_bind = _start_app(on_bind_name, over, bind_mount(folder, "/app"), image, wait_s)
        remove_container(on_bind.container)
    return AppRuns((on_volume, on_bind))


# --- sizes ---------------------------------------------------------------------------------------


def _check_names(names: tuple | list = ()) -> None:
    if isinstance(names, str) or not all(isinstance(n, str) for n in names):
        raise BadInput(
            f"Cannot look up the volumes {names!r}.",
            "the helper takes a list of volume names.",
            'pass a list, such as ["my-vol"].',
        )


@engine_step("read the volumes' sizes", validate=_check_names)
def volume_usage(names: tuple | list = ("my-vol",)) -> VolumeUsageReport:
    """`docker system df -v`, volumes section: LINKS (containers using it) and SIZE.

    The Engine leaves out `local` volumes created with driver options (tmpfs, NFS, ...): those are
    reported as not listed.
    """
    listed = {row.name: row for row in disk_usage().rows if row.kind == "volume"}
    rows = []
    for name in (real(n, "volume") for n in names):  # df lists the names this Engine has
        row = listed.get(name)
        if row is None:
            rows.append(VolumeUsage(name, False, 0, 0))
        else:
            rows.append(VolumeUsage(name, True, row.ref_count, row.size_bytes))
    return VolumeUsageReport(tuple(rows))


@engine_step("measure the writable layer and the volume")
def space_snapshot(moment: str, container: str, volume: str) -> SpaceSnapshot:
    """`docker ps -s` for the container and `docker system df -v` for the volume."""
    container, volume = real(container), real(volume, "volume")
    layer = container_sizes([container])[0].writable_layer_bytes
    usage = volume_usage([volume]).rows[0]
    return SpaceSnapshot(moment, container, layer, volume, usage.size_bytes)


@engine_step("list what the writable layer holds")
def writable_layer(name: str) -> WritableLayer:
    """What a running container's writable layer holds, listed where the Engine keeps it (the
    overlay's upper directory: on this machine, or through a throw-away container that mounts
    it), each entry with its size and the disk blocks it takes, beside `docker ps -s` and the
    image store: which of the two ways of counting gives the Engine's figure."""
    name = real(name)
    listing = layer_files(name, "writable")
    size = container_sizes([name])[0].writable_layer_bytes
    facts = engine_facts()
    return WritableLayer(
        name,
        listing.directory,
        listing.how,
        listing.readable,
        listing.reason,
        listing.entries,
        listing.command,
        size,
        facts.image_store,
        facts.storage,
    )


# --- what deletes a volume ----------------------------------------------------------------------


@engine_step("show what docker volume prune removes")
def prune_demo(image: str = LESSON_IMAGE) -> PruneReport:
    """Make four volumes with a label of their own (a named unused one, a named one in use, an
    anonymous one left behind by `docker rm`, a tmpfs-backed one), run `docker volume prune`
    filtered on that label (so nothing else can be touched), and report which went.

    What prune left behind is then removed with `docker volume rm`.
    """
    label = {DEMO_LABEL: f"prune-{SESSION_ID}"}
    # The names this Engine has: prune reports those, and the table and commands show them.
    unused, in_use, ram = (real(n, "volume") for n in ("prune-unused", "prune-in-use", "prune-ram"))
    user, maker = real("prune-user"), real("prune-anon-maker")
    for old in (user, maker):  # an interrupted earlier run
        if find_container(old) is not None:
            remove_container(old, volumes=True)
    create_volume(unused, extra_labels=label)
    create_volume(in_use, extra_labels=label)
    create_volume(ram, "local", tmpfs_volume_options("16m"), extra_labels=label)
    run_container(user, image, [volume_mount(in_use, "/data")], "sleep infinity")
    announce(cli("stop", user) + "   # a stopped container still uses its volumes")
    with quiet():
        stop_container(user)
    anonymous_spec = MountSpec("volume", "", "/data", volume_labels=tuple(label.items()))
    run_container(maker, image, [anonymous_spec], "sleep infinity")
    anonymous = find_container(maker).mount_at("/data").volume_name  # type: ignore[union-attr]
    announce(cli("rm", "-f", maker) + "   # without -v: its anonymous volume stays")
    with quiet():
        remove_container(maker)
    deleted = set(prune_volumes(f"{DEMO_LABEL}={label[DEMO_LABEL]}"))
    rows = (
        PruneRow(unused, "named", False, unused in deleted),
        PruneRow(f"{anonymous[:12]}…", "anonymous", False, anonymous in deleted),
        PruneRow(in_use, "named", True, in_use in deleted),
        PruneRow(ram, "named, tmpfs driver options", False, ram in deleted),
    )
    remove_container(user)
    for name in (unused, anonymous, in_use, ram):
        if name not in deleted and find_volume(name) is not None:
            announce(cli("volume", "rm", name) + "   # prune left it")
            with quiet():
                remove_volume(name)
    facts = engine_facts()
    return PruneReport(facts.server_version, facts.api_version, rows)


# --- write, remove the container, read back -------------------------------------------------------


def _check_line(text: str, volume: str = "", container: str = "", image: str = "") -> None:
    if not isinstance(text, str) or not text or "\n" in text or len(text) > 200:
        size = len(text) if isinstance(text, str) else "no"
        raise BadInput(
            "The line to write must be one line of 1 to 200 characters.",
            f"got {size} characters" + (", over several lines." if "\n" in str(text) else "."),
            "type a shorter line.",
        )


@engine_step("write, remove the container, read back", validate=_check_line)
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
    volume = real(volume, "volume")
    run_container(container, image, [volume_mount(volume, "/app")], "sleep infinity")
    exec_in(container, f"printf '%s\\n' {shlex.quote(text)} >> /app/notes.txt")
    remove_container(container)
    back = read_volume_file(volume, "notes.txt", image)
    return SurvivalResult(volume, text, back.text, text in back.text.splitlines())
