"""A named volume from end to end (notebook 05): the lecture's `my-vol` demo, measured.

Reading a volume without its container (a throw-away helper container, or the mountpoint on native
Linux), `docker cp` out to the host, what lands in an empty volume mounted over a directory the
image fills (pre-population) versus a bind mount, sizes from `docker system df -v`, and what really
deletes a volume (`docker rm -v` does not; `docker volume rm` and `docker volume prune` do).
"""

from __future__ import annotations

import io
import os
import shlex
import tarfile
import time
from pathlib import Path

from ._display import Table, announce, cli
from ._engine import client, engine_step
from ._errors import BadInput, CommandFailed
from ._labels import SESSION_ID, is_lab_owned, lab_labels
from ._ownership import (
    claim_container_name,
    claim_volume_name,
    find_volume,
)
from ._results import result
from ._units import si, si_exact
from .containers import ANON_VOLUME_LABEL
from .teaching import CheckResult, exercise_check, not_yet, passed

LESSON_IMAGE = "my-image"
# Helper containers mount the volume here: a path the image does not have, so mounting never
# copies the image's files into the volume (mounting over /app would: see `what_app_sees`).
PEEK_AT = "/volume"
WORKSPACE = "workspace"
LAB_LABEL_ARGS = ("--label", "io.labhelpers.managed=true")
SETTLE_S = 3  # after an app's first log line: how long it must keep running to count as running


def _require_volume(name: str):
    volume = find_volume(name)
    if volume is None:
        raise BadInput(
            f"There is no volume named '{name}'.",
            "it was not created yet, or it was removed (`docker run -v` would quietly create "
            "an empty one, so the lab checks first).",
            "run the cells above that create it, or `docker volume create NAME`.",
        )
    return volume


def _run_once(image: str, command: list[str], mounts: list, shown: str) -> str:
    """`docker run --rm ...`: run a labelled throw-away container and return what it printed."""
    import docker

    announce(shown)
    try:
        output = client().containers.run(
            image, command, remove=True, mounts=mounts, labels=lab_labels(), stderr=True
        )
    except docker.errors.ContainerError as exc:
        text = (exc.stderr or b"").decode(errors="replace").strip()
        raise CommandFailed(
            f"`{shlex.join(command)}` failed in a helper container (exit status "
            f"{exc.exit_status}).",
            f"it printed: {text[-300:] or '(nothing)'}",
            "check the file name and that the volume holds it.",
            exc.exit_status,
            text,
        ) from exc
    return output.decode(errors="replace") if isinstance(output, bytes) else str(output)


def _peek_mount(volume: str):
    import docker

    return docker.types.Mount(PEEK_AT, volume, type="volume", read_only=True)


# --- reading a volume without its container -------------------------------------------------------


@result
class VolumeFile:
    """One entry of a volume's top directory."""

    name: str
    size_bytes: int


@result
class VolumeListing:
    """`docker run --rm -v VOLUME:/volume:ro my-image ls -lA /volume`."""

    volume: str
    files: tuple
    command: str

    @property
    def names(self) -> tuple:
        return tuple(f.name for f in self.files)

    def table(self) -> Table:
        rows = [(f.name, si_exact(f.size_bytes)) for f in self.files] or [("(empty)", "")]
        return Table(["file in " + self.volume, "size"], rows)

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


@engine_step("list the volume's files")
def list_volume(volume: str, image: str = LESSON_IMAGE) -> VolumeListing:
    """List a volume's files through a throw-away container, the way that works everywhere
    (Docker Desktop included): the volume is mounted read-only at /volume."""
    _require_volume(volume)
    shown = cli("run", "--rm", "-v", f"{volume}:{PEEK_AT}:ro", image, "ls", "-lA", PEEK_AT)
    text = _run_once(image, ["ls", "-lA", PEEK_AT], [_peek_mount(volume)], shown)
    files = []
    for line in text.splitlines():
        fields = line.split(maxsplit=8)
        if len(fields) == 9 and fields[4].isdigit():
            files.append(VolumeFile(fields[8], int(fields[4])))
    return VolumeListing(volume, tuple(sorted(files, key=lambda f: f.name)), shown)


@result
class FileRead:
    """A file read out of a volume, and how."""

    volume: str
    path: str
    readable: bool
    text: str
    how: str
    command: str

    def __repr__(self) -> str:
        if self.readable:
            return f"{self.path} ({self.how}):\n{self.text}"
        return f"{self.path} ({self.how}): not readable here: {self.text}"


@engine_step("read a file through a helper container")
def read_through_container(volume: str, filename: str, image: str = LESSON_IMAGE) -> FileRead:
    """`docker run --rm -v VOLUME:/volume:ro my-image cat /volume/FILENAME`: works on every
    platform, because the helper container runs where the volume is (in Docker Desktop's VM too)."""
    _require_volume(volume)
    path = f"{PEEK_AT}/{filename.lstrip('/')}"
    shown = cli("run", "--rm", "-v", f"{volume}:{PEEK_AT}:ro", image, "cat", path)
    text = _run_once(image, ["cat", path], [_peek_mount(volume)], shown)
    return FileRead(volume, path, True, text, "through a helper container", shown)


def _engine_is_local() -> bool:
    host = os.environ.get("DOCKER_HOST", "")
    return not host or host.startswith("unix://")


@engine_step("read a file from the volume's mountpoint")
def read_from_mountpoint(volume: str, filename: str) -> FileRead:
    """`sudo cat MOUNTPOINT/FILENAME`: read the file straight from the Engine's data root.

    Only possible where the Engine's files are on this machine (native Linux) and readable (the
    data root is root-only: run the notebook as root, or use sudo in a terminal). Elsewhere the
    result says why not, instead of failing.
    """
    from .doctor import engine_facts

    mountpoint = _require_volume(volume).attrs.get("Mountpoint", "")
    path = os.path.join(mountpoint, filename.lstrip("/"))
    shown = f"sudo cat {shlex.quote(path)}"
    announce(shown)
    kind = engine_facts().platform_kind
    how = "from the mountpoint on the host"
    if not _engine_is_local() or kind != "native-linux":
        where = {
            "docker-desktop": "Docker Desktop's Linux VM",
            "wsl2": "the WSL 2 VM that runs the Engine",
        }.get(kind, "the machine that runs the Engine")
        return FileRead(volume, path, False, f"this path is inside {where}.", how, shown)
    try:
        text = Path(path).read_text(errors="replace")
    except PermissionError:
        return FileRead(
            volume, path, False, "only root may read the Engine's data root (use sudo).", how, shown
        )
    except OSError as exc:
        return FileRead(volume, path, False, f"{type(exc).__name__}: {exc}", how, shown)
    return FileRead(volume, path, True, text, how, shown)


# --- docker cp ------------------------------------------------------------------------------------


@result
class CopyResult:
    """`docker cp CONTAINER:PATH DEST/`: a file copied out of a container to this machine."""

    container: str
    source: str
    host_path: str
    size_bytes: int
    command: str
    text: str  # the copy's content as read back from this machine's disk (or why it is not shown)

    def __repr__(self) -> str:
        head = f"copied {self.container}:{self.source} -> {self.host_path} ({si(self.size_bytes)})"
        return f"{head}\nread back from {self.host_path} on this machine:\n{self.text}"


@engine_step("copy the file out of the container")
def copy_out(container: str, path: str, dest_dir: str | os.PathLike = WORKSPACE) -> CopyResult:
    """`docker cp CONTAINER:PATH DEST_DIR/`: copy one file out (the container may be stopped).

    The Engine sends a tar archive; only the one regular file in it is written, into `dest_dir`
    (created if missing), under its own base name.
    """
    from .containers import _lab_container

    found = _lab_container(container)
    dest = Path(dest_dir)
    shown = cli("cp", f"{container}:{path}", f"{dest.as_posix().rstrip('/')}/")
    announce(shown)
    stream, _stat = found.get_archive(path)
    archive = io.BytesIO(b"".join(stream))
    with tarfile.open(fileobj=archive) as tar:
        members = tar.getmembers()
        if len(members) != 1 or not members[0].isfile():
            raise BadInput(
                f"{container}:{path} is not a single regular file.",
                "this helper copies one file (`docker cp` itself also copies directories).",
                "pass the path of a file, or run `docker cp` in a terminal for a directory.",
            )
        data = tar.extractfile(members[0]).read()  # type: ignore[union-attr]
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / os.path.basename(members[0].name)
    target.write_bytes(data)
    return CopyResult(container, path, target.as_posix(), len(data), shown, _preview(target))


def _preview(target: Path, limit: int = 2000) -> str:
    """The copied file as this machine's disk now has it: text, shortened, or a note if binary."""
    raw = target.read_bytes()
    try:
        text = raw[:limit].decode("utf-8")
    except UnicodeDecodeError:
        return f"(binary content, {si(len(raw))}; not shown)"
    return text + ("\n… (shortened)" if len(raw) > limit else "")


# --- pre-population: what lands in /app ---------------------------------------------------------


@result
class AppDirCase:
    """One way of mounting something over the image's /app, and what the container saw there."""

    setup: str
    command: str
    seen_in_app: tuple
    left_in_source: str


@result
class AppDirGrid:
    """What `ls -A /app` shows for each kind of mount over the image's /app."""

    cases: tuple

    def table(self) -> Table:
        return Table(
            ["over /app", "ls -A /app shows", "app.py there?", "the volume/folder afterwards"],
            [
                (
                    c.setup,
                    " ".join(c.seen_in_app) or "(empty)",
                    "yes" if "app.py" in c.seen_in_app else "no",
                    c.left_in_source,
                )
                for c in self.cases
            ],
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def _fresh_volume(name: str, driver_opts: dict | None = None) -> None:
    claim_volume_name(name)
    argv = ["volume", "create", *LAB_LABEL_ARGS]
    for key, value in (driver_opts or {}).items():
        argv += ["--opt", f"{key}={value}"]
    announce(cli(*argv, name))
    client().volumes.create(name, driver_opts=driver_opts or {}, labels=lab_labels())


def _bind_arg(path: Path, target: str) -> str:
    """`-v` argument for a bind mount, as a learner types it in the notebooks folder."""
    return f"{path}:{target}" if path.is_absolute() else f"$PWD/{path.as_posix()}:{target}"


def _cli_keeping_pwd(*argv: str) -> str:
    """cli(), but an argument starting with $PWD is double-quoted so the shell expands it."""
    shown = cli(*argv)
    for arg in argv:
        if arg.startswith("$PWD/"):
            shown = shown.replace(shlex.quote(arg), f'"{arg}"')
    return shown


@engine_step("compare what lands in /app")
def what_app_sees(
    host_dir: str | os.PathLike = f"{WORKSPACE}/empty-app", image: str = LESSON_IMAGE
) -> AppDirGrid:
    """Mount six different things over the image's /app (which holds app.py) and list /app.

    Uses throw-away containers and the demo volumes prepop-empty, prepop-full, prepop-nocopy and
    prepop-ram (removed again at the end), and `host_dir`, a folder of the lab's (created empty).
    """
    import docker

    from .drivers import tmpfs_volume_options

    Mount = docker.types.Mount
    folder = Path(host_dir)
    if folder.exists() and any(folder.iterdir()):
        raise BadInput(
            f"The folder {folder} is not empty.",
            "the bind-mount case needs an empty host folder to show what it hides.",
            f"empty it or pass another folder (`rm -r {folder}`).",
        )
    folder.mkdir(parents=True, exist_ok=True)
    ls = ["ls", "-A", "/app"]
    cases = []

    def case(setup: str, argv: list[str], mounts: list, left: str = "") -> None:
        shown = _cli_keeping_pwd("run", "--rm", *argv, image, *ls)
        seen = tuple(_run_once(image, ls, mounts, shown).split())
        cases.append(AppDirCase(setup, shown, seen, left))

    def left_in(volume: str) -> str:
        shown = cli("run", "--rm", "-v", f"{volume}:{PEEK_AT}:ro", image, "ls", "-A", PEEK_AT)
        names = _run_once(image, ["ls", "-A", PEEK_AT], [_peek_mount(volume)], shown).split()
        return "holds " + (" ".join(names) if names else "nothing")

    case("nothing (the image's own /app)", [], [], "")
    _fresh_volume("prepop-empty")
    case("a new, empty named volume", ["-v", "prepop-empty:/app"], [Mount("/app", "prepop-empty")])
    cases[-1] = _with_left(cases[-1], left_in("prepop-empty"))
    _fresh_volume("prepop-full")
    fill = cli("run", "--rm", "-v", f"prepop-full:{PEEK_AT}", image, "touch", f"{PEEK_AT}/mine.txt")
    _run_once(image, ["touch", f"{PEEK_AT}/mine.txt"], [Mount(PEEK_AT, "prepop-full")], fill)
    case(
        "a named volume that already holds mine.txt",
        ["-v", "prepop-full:/app"],
        [Mount("/app", "prepop-full")],
    )
    cases[-1] = _with_left(cases[-1], left_in("prepop-full"))
    _fresh_volume("prepop-nocopy")
    case(
        "a new, empty named volume with volume-nocopy",
        ["--mount", "type=volume,src=prepop-nocopy,dst=/app,volume-nocopy"],
        [Mount("/app", "prepop-nocopy", no_copy=True)],
    )
    cases[-1] = _with_left(cases[-1], left_in("prepop-nocopy"))
    _fresh_volume("prepop-ram", tmpfs_volume_options("16m"))
    case("a new tmpfs-backed volume", ["-v", "prepop-ram:/app"], [Mount("/app", "prepop-ram")])
    cases[-1] = _with_left(cases[-1], left_in("prepop-ram"))
    case(
        "a bind mount of an empty host folder",
        ["-v", _bind_arg(folder, "/app")],
        [Mount("/app", str(folder.resolve()), type="bind")],
    )
    left = sorted(p.name for p in folder.iterdir())
    cases[-1] = _with_left(cases[-1], "holds " + (" ".join(left) if left else "nothing"))
    for name in ("prepop-empty", "prepop-full", "prepop-nocopy", "prepop-ram"):
        announce(cli("volume", "rm", name))
        client().volumes.get(name).remove()
    return AppDirGrid(tuple(cases))


def _with_left(case: AppDirCase, left: str) -> AppDirCase:
    return AppDirCase(case.setup, case.command, case.seen_in_app, left)


@result
class AppRun:
    """The image's own command (`python app.py`) started with something mounted over /app."""

    container: str
    over_app: str
    status: str
    exit_code: int
    first_log_line: str
    command: str


@result
class AppRuns:
    """`docker run -d` of the image's own command with different mounts over /app."""

    runs: tuple

    def table(self) -> Table:
        return Table(
            ["container", "over /app", "status", "exit code", "first line it logged"],
            [
                (
                    r.container,
                    r.over_app,
                    r.status,
                    "" if r.status == "running" else r.exit_code,
                    r.first_log_line,
                )
                for r in self.runs
            ],
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def _start_app(name: str, over_app: str, mount, argv: list[str], image: str, wait_s: float):
    claim_container_name(name)
    shown = _cli_keeping_pwd("run", "-d", "--init", "--name", name, *LAB_LABEL_ARGS, *argv, image)
    announce(shown)
    container = client().containers.run(
        image, name=name, detach=True, init=True, labels=lab_labels(), mounts=[mount]
    )
    deadline = time.monotonic() + wait_s
    first = ""
    while time.monotonic() < deadline:
        container.reload()
        logs = container.logs().decode(errors="replace").strip().splitlines()
        first = logs[0].strip() if logs else ""
        if container.status != "running":
            break
        if first:  # it has started; give a failing start a moment to exit
            deadline = min(deadline, time.monotonic() + SETTLE_S)
        time.sleep(0.2)
    container.reload()
    state = container.attrs.get("State") or {}
    return AppRun(name, over_app, container.status, int(state.get("ExitCode") or 0), first, shown)


@engine_step("start the app with a volume and with a bind mount over /app")
def start_app_both_ways(
    volume: str = "my-vol",
    host_dir: str | os.PathLike = f"{WORKSPACE}/empty-app",
    image: str = LESSON_IMAGE,
    wait_s: float = 15,
) -> AppRuns:
    """Start the image's own command (`python app.py`, from /app) twice: with VOLUME over /app,
    and with an empty host folder bind-mounted over /app. Waits until each logs a line or exits,
    then removes both containers (`app-on-volume`, `app-on-bind`)."""
    import docker

    _require_volume(volume)
    folder = Path(host_dir)
    folder.mkdir(parents=True, exist_ok=True)
    runs = (
        _start_app(
            "app-on-volume",
            f"volume {volume}",
            docker.types.Mount("/app", volume),
            ["-v", f"{volume}:/app"],
            image,
            wait_s,
        ),
        _start_app(
            "app-on-bind",
            f"host folder {folder.as_posix()}",
            docker.types.Mount("/app", str(folder.resolve()), type="bind"),
            ["-v", _bind_arg(folder, "/app")],
            image,
            wait_s,
        ),
    )
    for run in runs:
        announce(cli("rm", "-f", run.container))
        client().containers.get(run.container).remove(force=True)
    return AppRuns(runs)


# --- sizes ---------------------------------------------------------------------------------------


@result
class VolumeUsage:
    """One volume in `docker system df -v` (or its absence)."""

    name: str
    listed: bool
    links: int
    size_bytes: int


@result
class VolumeUsageReport:
    rows: tuple
    command: str

    def table(self) -> Table:
        return Table(
            ["VOLUME NAME", "LINKS", "SIZE", "exact"],
            [
                (r.name, r.links, si(r.size_bytes), f"{r.size_bytes:,} B")
                if r.listed
                else (r.name, "", "(not listed)", "")
                for r in self.rows
            ],
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


@engine_step("read the volumes' sizes")
def volume_usage(names: tuple | list = ("my-vol",)) -> VolumeUsageReport:
    """`docker system df -v`, volumes section: LINKS (containers using it) and SIZE.

    The Engine leaves out `local` volumes created with driver options (tmpfs, NFS, ...): those are
    reported as not listed.
    """
    shown = cli("system", "df", "-v")
    announce(shown)
    listed = {v["Name"]: v for v in client().df().get("Volumes") or []}
    rows = []
    for name in names:
        entry = listed.get(name)
        if entry is None:
            rows.append(VolumeUsage(name, False, 0, 0))
            continue
        usage = entry.get("UsageData") or {}
        rows.append(
            VolumeUsage(
                name,
                True,
                max(int(usage.get("RefCount") or 0), 0),
                max(int(usage.get("Size") or 0), 0),
            )
        )
    return VolumeUsageReport(tuple(rows), shown)


@result
class SpaceSnapshot:
    """A container's writable layer and a volume's size, measured at one moment."""

    moment: str
    container: str
    writable_layer_bytes: int
    volume: str
    volume_bytes: int


@engine_step("measure the writable layer and the volume")
def space_snapshot(moment: str, container: str, volume: str) -> SpaceSnapshot:
    """`docker ps -s` for the container and `docker system df -v` for the volume."""
    from .containers import container_sizes

    layer = container_sizes.__wrapped_step__([container])[0].writable_layer_bytes
    usage = volume_usage.__wrapped_step__([volume]).rows[0]
    return SpaceSnapshot(moment, container, layer, volume, usage.size_bytes)


def space_table(before: SpaceSnapshot, after: SpaceSnapshot) -> Table:
    """Before/after sizes and the change, in exact bytes."""
    rows = []
    for what, a, b in (
        (
            f"{before.container}'s writable layer",
            before.writable_layer_bytes,
            after.writable_layer_bytes,
        ),
        (f"volume {before.volume}", before.volume_bytes, after.volume_bytes),
    ):
        rows.append((what, f"{a:,} B", f"{b:,} B", f"{b - a:+,} B"))
    return Table(["", before.moment, after.moment, "change"], rows)


def plot_space(before: SpaceSnapshot, after: SpaceSnapshot):
    """Bar chart: where written data is counted (the container's writable layer or the volume)."""
    import matplotlib.pyplot as plt

    labels = [f"{before.container}\nwritable layer", f"volume {before.volume}"]
    b = [before.writable_layer_bytes, before.volume_bytes]
    a = [after.writable_layer_bytes, after.volume_bytes]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    x = range(len(labels))
    ax.bar(
        [i - 0.2 for i in x], [v / 1e6 for v in b], width=0.4, label=before.moment, color="#9db4d0"
    )
    ax.bar(
        [i + 0.2 for i in x], [v / 1e6 for v in a], width=0.4, label=after.moment, color="#2f6db5"
    )
    for i in x:
        ax.annotate(si(b[i]), (i - 0.2, b[i] / 1e6), ha="center", va="bottom", fontsize=9)
        ax.annotate(si(a[i]), (i + 0.2, a[i] / 1e6), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(list(x), labels)
    ax.set_ylabel("MB (SI, as docker prints)")
    ax.set_title(
        "Writing under /app: counted in the volume,\nnot in the container's writable layer"
    )
    ax.set_ylim(0, max(a + b + [1_000_000]) / 1e6 * 1.3)
    ax.legend(loc="upper left", frameon=False)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's result
    return fig


# --- what deletes a volume ----------------------------------------------------------------------


@result
class RemoveAttempt:
    """`docker volume rm NAME`: removed, or the Engine's reason for refusing."""

    volume: str
    removed: bool
    engine_said: str
    command: str

    def __repr__(self) -> str:
        if self.removed:
            return f"{self.command}: removed"
        return f"{self.command}: refused. The Engine said: {self.engine_said}"


@engine_step("try to remove the volume")
def try_remove_volume(name: str) -> RemoveAttempt:
    """`docker volume rm NAME` on a lab volume, reporting a refusal instead of raising it."""
    import docker

    volume = _require_volume(name)
    if not is_lab_owned(volume.attrs.get("Labels")):
        raise BadInput(
            f"Not removing the volume '{name}': the lab did not create it.",
            "it has no lab labels, so it is yours.",
            "remove it yourself if you mean to.",
        )
    shown = cli("volume", "rm", name)
    announce(shown)
    try:
        volume.remove()
    except docker.errors.APIError as exc:
        said = exc.explanation or str(exc)
        if isinstance(said, bytes):
            said = said.decode(errors="replace")
        return RemoveAttempt(name, False, str(said), shown)
    return RemoveAttempt(name, True, "", shown)


@result
class PruneRow:
    volume: str
    kind: str
    used_by_stopped_container: bool
    removed_by_prune: bool


@result
class PruneReport:
    """Which of four kinds of volume `docker volume prune` removed on this Engine."""

    engine_version: str
    api_version: str
    rows: tuple
    reclaimed_bytes: int
    command: str

    @property
    def named_unused_removed(self) -> bool:
        return any(
            r.removed_by_prune
            for r in self.rows
            if r.kind == "named" and not r.used_by_stopped_container
        )

    def verdict(self) -> str:
        """One sentence on what prune did to an unused named volume on this Engine."""
        if self.named_unused_removed:
            return (
                f"On this Engine ({self.engine_version}, API {self.api_version}) a plain "
                "`docker volume prune` removes unused named volumes too."
            )
        return (
            f"On this Engine ({self.engine_version}, API {self.api_version}) a plain "
            "`docker volume prune` keeps named volumes: add --all to remove unused ones."
        )

    def table(self) -> Table:
        return Table(
            ["volume", "kind", "used by a (stopped) container", "removed by prune"],
            [
                (
                    r.volume,
                    r.kind,
                    "yes" if r.used_by_stopped_container else "no",
                    "yes" if r.removed_by_prune else "no",
                )
                for r in self.rows
            ],
            caption=f"docker volume prune on Engine {self.engine_version} (API {self.api_version})",
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


@engine_step("show what docker volume prune removes")
def prune_demo(image: str = LESSON_IMAGE) -> PruneReport:
    """Make four volumes with a label of their own (a named unused one, a named one in use, an
    anonymous one left behind by `docker rm`, a tmpfs-backed one), run `docker volume prune`
    filtered on that label (so nothing else can be touched), and report which went.

    What prune left behind is then removed with `docker volume rm`.
    """
    import docker

    from .drivers import tmpfs_volume_options

    engine = client()
    demo_label = f"prune-{SESSION_ID}"
    labels = lab_labels(demo=demo_label)
    label_args = (
        "--label",
        "io.labhelpers.managed=true",
        "--label",
        f"io.labhelpers.demo={demo_label}",
    )

    def volume(name: str, opts: dict | None = None) -> None:
        claim_volume_name(name)
        argv = ["volume", "create", *label_args]
        for key, value in (opts or {}).items():
            argv += ["--opt", f"{key}={value}"]
        announce(cli(*argv, name))
        engine.volumes.create(name, driver_opts=opts or {}, labels=labels)

    def container(name: str, mount, argv: list[str]) -> object:
        claim_container_name(name)
        shown_argv = ["run", "-d", "--init", "--name", name, *LAB_LABEL_ARGS, *argv, image]
        announce(cli(*shown_argv, "sleep", "infinity"))
        return engine.containers.run(
            image,
            ["sleep", "infinity"],
            name=name,
            detach=True,
            init=True,
            labels=lab_labels(),
            mounts=[mount],
        )

    volume("prune-unused")
    volume("prune-in-use")
    volume("prune-ram", tmpfs_volume_options("16m"))
    user = container(
        "prune-user", docker.types.Mount("/data", "prune-in-use"), ["-v", "prune-in-use:/data"]
    )
    announce(cli("stop", "prune-user") + "   # a stopped container still uses its volumes")
    user.stop(timeout=10)
    maker = container(
        "prune-anon-maker",
        docker.types.Mount("/data", None, labels=labels),
        [
            "--mount",
            f"type=volume,dst=/data,{ANON_VOLUME_LABEL},volume-label=io.labhelpers.demo={demo_label}",
        ],
    )
    maker.reload()
    anonymous = next(m["Name"] for m in maker.attrs["Mounts"] if m["Destination"] == "/data")
    announce(cli("rm", "-f", "prune-anon-maker") + "   # without -v: its anonymous volume stays")
    maker.remove(force=True)
    shown = cli("volume", "prune", "-f", "--filter", f"label=io.labhelpers.demo={demo_label}")
    announce(shown)
    pruned = engine.volumes.prune(filters={"label": [f"io.labhelpers.demo={demo_label}"]})
    deleted = set(pruned.get("VolumesDeleted") or [])
    rows = (
        PruneRow("prune-unused", "named", False, "prune-unused" in deleted),
        PruneRow(f"{anonymous[:12]}…", "anonymous", False, anonymous in deleted),
        PruneRow("prune-in-use", "named", True, "prune-in-use" in deleted),
        PruneRow("prune-ram", "named, tmpfs driver options", False, "prune-ram" in deleted),
    )
    announce(cli("rm", "-f", "prune-user"))
    engine.containers.get("prune-user").remove(force=True)
    for name in ("prune-unused", anonymous, "prune-in-use", "prune-ram"):
        if name not in deleted and find_volume(name) is not None:
            announce(cli("volume", "rm", name) + "   # prune left it")
            engine.volumes.get(name).remove()
    version = engine.version()
    return PruneReport(
        version.get("Version", "?"),
        version.get("ApiVersion", "?"),
        rows,
        int(pruned.get("SpaceReclaimed") or 0),
        shown,
    )


# --- a widget: write, remove the container, read back ---------------------------------------------


@result
class SurvivalResult:
    """A line written from a container that was then removed, and the volume's file read back."""

    volume: str
    written: str
    read_back: str
    survived: bool


@engine_step("write, remove the container, read back")
def write_remove_read(
    text: str,
    volume: str = "my-vol",
    container: str = "my-cont-writer",
    image: str = LESSON_IMAGE,
) -> SurvivalResult:
    """Run CONTAINER with VOLUME at /app, append `text` to /app/notes.txt, `docker rm -f` it, and
    read notes.txt back through a helper container."""
    from .containers import exec_in, remove_container, run_container, volume_mount

    if not text or "\n" in text or len(text) > 200:
        raise BadInput(
            "The line to write must be one line of 1 to 200 characters.",
            f"got {len(text)} characters.",
            "type a shorter line.",
        )
    _require_volume(volume)
    run_container.__wrapped_step__(
        container, image, [volume_mount(volume, "/app")], "sleep infinity"
    )
    exec_in.__wrapped_step__(container, f"echo {shlex.quote(text)} >> /app/notes.txt")
    remove_container.__wrapped_step__(container)
    back = read_through_container.__wrapped_step__(volume, "notes.txt", image)
    return SurvivalResult(volume, text, back.text, text in back.text.splitlines())


def survival_widget(
    volume: str = "my-vol",
    default: str = "written before docker rm -f",
    image: str = LESSON_IMAGE,
):
    """A text box and a button: each press writes the line from a new container, removes the
    container and reads the volume's notes.txt back. The default line is written once at once.

    The commands and the result are shown in the widget itself (an HTML pane, not an Output
    area), so the notebook's stored output stays the same from run to run.
    """
    import contextlib
    import html

    import ipywidgets as w

    from ._errors import LabError

    box = w.Text(value=default, description="line", layout=w.Layout(width="60%"))
    button = w.Button(description="Write, rm -f, read back", button_style="info")
    shown = w.HTML()

    def go(*_: object) -> None:
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                outcome = write_remove_read(box.value, volume, image=image)
        except LabError as exc:
            text = f"{printed.getvalue()}{type(exc).__name__}: {exc}"
        else:
            text = (
                f"{printed.getvalue()}\nnotes.txt in {volume} now holds:\n{outcome.read_back}"
                f"survived the container's removal: {'yes' if outcome.survived else 'no'}"
            )
        shown.value = f"<pre>{html.escape(text)}</pre>"

    button.on_click(go)
    go()
    return w.VBox([w.HBox([box, button]), shown])


# --- the exercise -------------------------------------------------------------------------------


BACKUP_TITLE = "Back up file.txt from my-vol"


@exercise_check(BACKUP_TITLE)
def check_backup(
    backup: str | os.PathLike = f"{WORKSPACE}/backup/file.txt", volume: str = "my-vol"
) -> CheckResult:
    """Exercise 05: is there a copy of the volume's file.txt on this machine at `backup`, with the
    same content? (Run from the notebooks folder, `backup` is notebooks/workspace/backup/file.txt.)
    """
    hint = (
        "from the notebooks folder: `mkdir -p workspace/backup`, then `docker run --rm "
        f'-v {volume}:/app:ro -v "$PWD/workspace/backup:/backup" my-image cp /app/file.txt '
        "/backup/` (or `docker cp` from a container that mounts the volume)."
    )
    if find_volume(volume) is None:
        return not_yet(
            BACKUP_TITLE,
            f"there is no volume '{volume}'.",
            "run the notebook's cells from the top: they create it and write file.txt.",
        )
    target = Path(backup)
    if not target.is_file():
        return not_yet(BACKUP_TITLE, f"there is no file {target} on this machine yet.", hint)
    original = read_through_container(volume, "file.txt").text
    copy = target.read_text(errors="replace")
    if copy != original:
        return not_yet(
            BACKUP_TITLE,
            f"{target} exists but differs from file.txt in {volume} "
            f"({len(copy)} vs {len(original)} characters).",
            hint,
        )
    return passed(BACKUP_TITLE, f"{target} holds the same {len(copy)} characters as {volume}.")


def changes(name: str) -> Table:
    """`docker diff NAME` as a table: what the container's writable layer holds."""
    from .containers import diff

    return Table(["", "path"], [(d.kind, d.path) for d in diff(name)])


__all__ = [
    "changes",
    "check_backup",
    "copy_out",
    "list_volume",
    "plot_space",
    "prune_demo",
    "read_from_mountpoint",
    "read_through_container",
    "space_snapshot",
    "space_table",
    "start_app_both_ways",
    "survival_widget",
    "try_remove_volume",
    "volume_usage",
    "what_app_sees",
    "write_remove_read",
]
