"""Sharing data between containers (notebook 07).

Two containers on one named volume (one writes, the other reads, and the other way round), a
read-only (`:ro`) mount whose write fails with an explanation, `--volumes-from`, and anonymous
volumes: made by `docker run -v /path`, left behind by `docker rm`, removed by `docker rm -v`.
"""

from __future__ import annotations

import contextlib
import html
import io
import shlex

from ._display import Table, announce, cli
from ._engine import client, engine_step
from ._errors import BadInput, CommandFailed, LabError
from ._labels import NOTEBOOK, SESSION, SESSION_ID, current_notebook, lab_labels
from ._ownership import find_container, find_volume
from ._results import result
from .containers import _lab_container, exec_in
from .teaching import CheckResult, exercise_check, not_yet, passed

LESSON_IMAGE = "my-image"
SHARED_VOLUME = "shared-vol"
WRITER = "share-writer"
READER = "share-reader"
READER_RO = "share-reader-ro"
WRITER_FILE = "/data/messages.txt"
READER_FILE = "/shared/messages.txt"


# --- who mounts what ----------------------------------------------------------------------------


@result
class MountRow:
    """One mount of one container, as `docker inspect` shows it."""

    container: str
    destination: str
    kind: str
    volume: str
    read_write: bool


@result
class MountTable:
    rows: tuple

    def table(self) -> Table:
        return Table(
            ["container", "mounted at", "type", "volume", "read-write (RW)"],
            [
                (r.container, r.destination, r.kind, r.volume, "yes" if r.read_write else "no")
                for r in self.rows
            ],
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def _short(volume: str) -> str:
    """A 64-hex anonymous volume name is shown by its first 12 characters, like an id."""
    return f"{volume[:12]}…" if len(volume) == 64 else volume


@engine_step("inspect the containers' mounts")
def mounts_table(names: tuple | list = (WRITER, READER)) -> MountTable:
    """`docker inspect -f '{{json .Mounts}}' NAME ...`: each container's mounts."""
    announce(cli("inspect", "-f", "{{.Name}} {{json .Mounts}}", *names))
    rows = []
    for name in names:
        container = _lab_container(name)
        for m in container.attrs.get("Mounts") or []:
            rows.append(
                MountRow(
                    name,
                    m.get("Destination", ""),
                    m.get("Type", ""),
                    _short(m.get("Name", "")),
                    bool(m.get("RW", True)),
                )
            )
    return MountTable(tuple(rows))


def plot_mounts(mounts: MountTable):
    """Containers on the left, volumes on the right, a line per mount: solid = read-write,
    dashed = read-only, labelled with the path inside the container."""
    import matplotlib.pyplot as plt

    containers = list(dict.fromkeys(r.container for r in mounts.rows))
    volumes = list(dict.fromkeys(r.volume for r in mounts.rows))
    height = max(len(containers), len(volumes), 1)
    fig, ax = plt.subplots(figsize=(7.2, 0.9 + 0.75 * height))

    def y(index: int, count: int) -> float:
        return (
            height - 1 - index * (height - 1) / max(count - 1, 1) if count > 1 else (height - 1) / 2
        )

    boxes = {"boxstyle": "round,pad=0.4", "edgecolor": "#444444"}
    for i, name in enumerate(containers):
        ax.text(0, y(i, len(containers)), name, ha="center", va="center", fontsize=10,
                bbox={**boxes, "facecolor": "#dbe7f5"})  # fmt: skip
    for j, name in enumerate(volumes):
        ax.text(1, y(j, len(volumes)), f"volume\n{name}", ha="center", va="center", fontsize=10,
                bbox={**boxes, "facecolor": "#fbe3b5"})  # fmt: skip
    for r in mounts.rows:
        y0 = y(containers.index(r.container), len(containers))
        y1 = y(volumes.index(r.volume), len(volumes))
        style = "-" if r.read_write else "--"
        colour = "#1a7f37" if r.read_write else "#cf222e"
        ax.plot([0.18, 0.82], [y0, y1], style, color=colour, linewidth=2)
        label = f"{r.destination} ({'rw' if r.read_write else 'ro'})"
        t = 0.3  # the label sits on the line, near the container, on a white patch
        ax.text(
            0.18 + (0.82 - 0.18) * t,
            y0 + (y1 - y0) * t,
            label,
            ha="center",
            va="center",
            fontsize=9,
            color=colour,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
        )
    ax.set_xlim(-0.35, 1.35)
    ax.set_ylim(-0.6, height - 0.4)
    ax.axis("off")
    ax.set_title("Who mounts what (from docker inspect)", fontsize=10)
    fig.tight_layout()
    plt.close(fig)
    return fig


# --- one writes, the other reads ----------------------------------------------------------------


@result
class Exchange:
    """A line appended in one container, and the file as another container then reads it."""

    wrote_in: str
    text: str
    write_ok: bool
    write_error: str
    read_in: str
    lines_seen: tuple

    def __repr__(self) -> str:
        status = "appended" if self.write_ok else f"NOT appended: {self.write_error}"
        lines = "\n".join(f"  {line}" for line in self.lines_seen) or "  (no file)"
        return (
            f"{self.wrote_in}: {status}\n"
            f"{self.read_in} reads {len(self.lines_seen)} line(s):\n{lines}"
        )


def quoted(text: str) -> str:
    """TEXT for `sh -c`, in double quotes when that is safe (easier to read than shlex's)."""
    if not any(ch in text for ch in '"$`\\!'):
        return f'"{text}"'
    return shlex.quote(text)


def _check_line(text: str) -> None:
    if not text or "\n" in text or len(text) > 200:
        raise BadInput(
            "The line to write must be one line of 1 to 200 characters.",
            f"got {len(text)} characters.",
            "type a shorter line.",
        )


@engine_step("append a line in one container and read the file in another")
def append_and_read(
    text: str,
    wrote_in: str = WRITER,
    write_path: str = WRITER_FILE,
    read_in: str = READER,
    read_path: str = READER_FILE,
) -> Exchange:
    """`docker exec WROTE_IN sh -c 'echo TEXT >> WRITE_PATH'`, then `docker exec READ_IN cat
    READ_PATH`. A failed write (a read-only mount) is reported, not raised."""
    _check_line(text)
    done = exec_in.__wrapped_step__(
        wrote_in, f"echo {quoted(text)} >> {shlex.quote(write_path)}", check=False
    )
    error = "" if done.exit_code == 0 else done.output.strip().splitlines()[-1]
    seen = exec_in.__wrapped_step__(read_in, f"cat {shlex.quote(read_path)}", check=False)
    lines = tuple(seen.output.splitlines()) if seen.exit_code == 0 else ()
    return Exchange(wrote_in, text, done.exit_code == 0, error, read_in, lines)


def share_widget(default: str = "hello from the widget"):
    """A text box and two buttons: append the line in share-writer (read-write) or in
    share-reader-ro (read-only); share-reader then reads the file again. The default line is
    appended once, in share-writer, when the widget is made. Results show in an HTML pane."""
    import ipywidgets as w

    box = w.Text(value=default, description="line", layout=w.Layout(width="50%"))
    buttons = {
        WRITER: w.Button(description=f"Append in {WRITER}", button_style="info"),
        READER_RO: w.Button(description=f"Append in {READER_RO}", button_style="warning"),
    }
    shown = w.HTML()

    def go(container: str) -> None:
        path = "/data/messages.txt"
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                outcome = append_and_read(box.value, container, path, READER, READER_FILE)
        except LabError as exc:
            text = f"{printed.getvalue()}{type(exc).__name__}: {exc}"
        else:
            text = f"{printed.getvalue()}\n{outcome!r}"
        shown.value = f"<pre>{html.escape(text)}</pre>"

    for name, button in buttons.items():
        button.on_click(lambda _, name=name: go(name))
    go(WRITER)
    return w.VBox([w.HBox([box, *buttons.values()]), shown])


# --- a read-only mount --------------------------------------------------------------------------


@result
class WriteAttempt:
    """A write tried in a container, what happened, and why."""

    container: str
    path: str
    command: str
    exit_code: int
    output: str
    mount: str
    read_only: bool

    @property
    def explanation(self) -> str:
        if self.exit_code == 0:
            return f"The write worked: {self.mount} is mounted read-write in {self.container}."
        if "Read-only file system" in self.output:
            return (
                f"The write failed with 'Read-only file system' (the kernel's EROFS): "
                f"{self.container} has {self.mount} mounted with :ro, so every write through "
                "that mount is refused, even for root. The volume itself is not read-only: a "
                "container that mounts it without :ro can still write to it."
            )
        return f"The write failed (exit status {self.exit_code}) for another reason: see above."

    def __repr__(self) -> str:
        said = self.output.strip() or "(nothing)"
        return f"exit status {self.exit_code}; it printed: {said}\n\n{self.explanation}"


@engine_step("try to write in the container")
def try_write(container: str, path: str, text: str = "written by a reader") -> WriteAttempt:
    """`docker exec CONTAINER sh -c 'echo TEXT >> PATH'`, reporting a failure instead of raising
    it, with the mount that holds PATH (and whether it is read-only) from `docker inspect`."""
    _check_line(text)
    found = _lab_container(container)
    mounts = found.attrs.get("Mounts") or []
    holding = max(
        (m for m in mounts if path.startswith(m.get("Destination", "").rstrip("/") + "/")),
        key=lambda m: len(m.get("Destination", "")),
        default=None,
    )
    if holding is None:
        where, read_only = "its writable layer", False
    else:
        source = holding.get("Name") or holding.get("Source", "")
        where = f"{_short(source)} at {holding.get('Destination')}"
        read_only = not holding.get("RW", True)
    done = exec_in.__wrapped_step__(
        container, f"echo {quoted(text)} >> {shlex.quote(path)}", check=False
    )
    return WriteAttempt(
        container, path, done.command, done.exit_code, done.output.strip(), where, read_only
    )


# --- anonymous volumes --------------------------------------------------------------------------


@result
class AnonymousVolume:
    """A container started with `-v /data`: the volume the Engine made for it."""

    container: str
    volume: str
    command: str

    def __repr__(self) -> str:
        return (
            f"{self.container} has an anonymous volume at /data: {self.volume}\n"
            f"(a name the Engine made up: {len(self.volume)} hex characters)"
        )


def _anonymous_of(container) -> str:
    container.reload()
    for m in container.attrs.get("Mounts") or []:
        if m.get("Type") == "volume" and m.get("Destination") == "/data":
            return m.get("Name", "")
    return ""


@engine_step("start a container with an anonymous volume")
def start_with_anonymous_volume(
    name: str, text: str = "kept in an anonymous volume", image: str = LESSON_IMAGE
) -> AnonymousVolume:
    """`docker run -d --name NAME -v /data IMAGE sleep infinity`, then write /data/notes.txt."""
    from .containers import anonymous_volume, run_container

    info = run_container.__wrapped_step__(
        name, image, [anonymous_volume("/data")], "sleep infinity"
    )
    exec_in.__wrapped_step__(name, f"echo {quoted(text)} > /data/notes.txt")
    volume = next((m.volume_name for m in info.mounts if m.destination == "/data"), "")
    return AnonymousVolume(name, volume, info.command)


@engine_step("read through --volumes-from")
def read_with_volumes_from(source: str, path: str = "/data/notes.txt", image: str = LESSON_IMAGE):
    """`docker run --rm --volumes-from SOURCE IMAGE cat PATH`: a second container gets the same
    mounts as SOURCE (its anonymous volume included) and reads the file."""
    import docker

    _lab_container(source)
    shown = cli("run", "--rm", "--volumes-from", source, image, "cat", path)
    announce(shown)
    try:
        out = client().containers.run(
            image, ["cat", path], remove=True, volumes_from=[source], labels=lab_labels()
        )
    except docker.errors.ContainerError as exc:
        text = (exc.stderr or b"").decode(errors="replace").strip()
        raise CommandFailed(
            f"`cat {path}` failed in a container started with --volumes-from {source}.",
            f"it printed: {text or '(nothing)'}",
            "check the path, and that the source container still exists.",
            exc.exit_status,
            text,
        ) from exc
    return out.decode(errors="replace")


@result
class Removal:
    """A container removed with or without -v, and whether its anonymous volume stayed."""

    container: str
    command: str
    volume: str
    volume_still_there: bool
    files_in_volume: tuple

    def __repr__(self) -> str:
        if self.volume_still_there:
            files = ", ".join(self.files_in_volume) or "nothing"
            return f"its anonymous volume {_short(self.volume)} is still there, holding: {files}"
        return f"its anonymous volume {_short(self.volume)} is gone"


@engine_step("remove the container and look for its anonymous volume")
def remove_and_look(name: str, volumes: bool = False, image: str = LESSON_IMAGE) -> Removal:
    """`docker rm -f [-v] NAME`, then: does the container's anonymous volume still exist, and
    what does it hold (listed through a throw-away container)?"""
    from .containers import remove_container
    from .named_volumes import list_volume

    volume = _anonymous_of(_lab_container(name))
    shown = remove_container.__wrapped_step__(name, volumes=volumes)
    still = bool(volume) and find_volume(volume) is not None
    files = list_volume.__wrapped_step__(volume, image).names if still else ()
    return Removal(name, shown, volume, still, files)


@result
class DanglingVolumes:
    """`docker volume ls -f dangling=true`: volumes no container uses (this notebook's only)."""

    names: tuple
    command: str

    def __repr__(self) -> str:
        lines = [f"  {name}" for name in self.names] or ["  (none)"]
        return "\n".join([f"{len(self.names)} unused volume(s) made by this notebook:", *lines])


@engine_step("list unused volumes")
def dangling_volumes() -> DanglingVolumes:
    """`docker volume ls -f dangling=true` limited (by label) to this notebook in this session,
    so volumes of yours or of other notebooks never show here."""
    notebook = current_notebook()
    shown = cli(
        "volume",
        "ls",
        "-q",
        "-f",
        "dangling=true",
        "-f",
        f"label={NOTEBOOK}={notebook}",
        "-f",
        f"label={SESSION}={SESSION_ID}",
    )
    announce(shown)
    found = client().volumes.list(
        filters={"dangling": True, "label": [f"{NOTEBOOK}={notebook}", f"{SESSION}={SESSION_ID}"]}
    )
    return DanglingVolumes(tuple(sorted(v.name for v in found)), shown)


# --- the exercise -------------------------------------------------------------------------------

SHARE_TITLE = "A read-only reader"


def _mount_at(container, destination: str) -> dict | None:
    return next(
        (m for m in container.attrs.get("Mounts") or [] if m.get("Destination") == destination),
        None,
    )


@exercise_check(SHARE_TITLE)
def check_read_only_share(
    volume: str = "ex07-data",
    writer: str = "ex07-writer",
    reader: str = "ex07-reader",
    filename: str = "hello.txt",
) -> CheckResult:
    """Exercise 07: WRITER (running) mounts VOLUME read-write at /data, READER (running) mounts
    the same volume read-only at /data, and the volume holds FILENAME. Reads only: the file is
    read through a throw-away container, never through the learner's containers."""
    from .named_volumes import read_through_container

    create = f"docker volume create --label io.labhelpers.managed=true {volume}"
    run_writer = (
        f"docker run -d --name {writer} --label io.labhelpers.managed=true -v {volume}:/data "
        "my-image sleep infinity"
    )
    run_reader = (
        f"docker run -d --name {reader} --label io.labhelpers.managed=true "
        f"-v {volume}:/data:ro my-image sleep infinity"
    )
    if find_volume(volume) is None:
        return not_yet(
            SHARE_TITLE,
            f"there is no volume '{volume}' yet.",
            f"{create}; then {run_writer}; then {run_reader}",
        )
    announce(cli("inspect", "-f", "{{.Name}} {{.State.Status}} {{json .Mounts}}", writer, reader))
    for name, read_only, run in ((writer, False, run_writer), (reader, True, run_reader)):
        found = find_container(name)
        if found is None:
            return not_yet(SHARE_TITLE, f"there is no container '{name}' yet.", run)
        redo = f"`docker rm -f {name}`, then {run}"
        if found.status != "running":
            return not_yet(
                SHARE_TITLE,
                f"'{name}' is {found.status}, not running.",
                f"`docker start {name}`, or {redo}",
            )
        mount = _mount_at(found, "/data")
        if mount is None or mount.get("Type") != "volume" or mount.get("Name") != volume:
            seen = "nothing" if mount is None else f"{mount.get('Type')} {mount.get('Name', '')}"
            return not_yet(
                SHARE_TITLE, f"'{name}' should mount {volume} at /data; it has {seen}.", redo
            )
        if bool(mount.get("RW", True)) == read_only:
            want = "read-only (:ro)" if read_only else "read-write"
            return not_yet(SHARE_TITLE, f"'{name}' should mount {volume} {want}.", redo)
    try:
        read_through_container(volume, filename)
    except CommandFailed:
        return not_yet(
            SHARE_TITLE,
            f"{volume} holds no {filename} yet.",
            f"write it through the writer: docker exec {writer} sh -c 'echo hello > "
            f"/data/{filename}' (the reader cannot: its mount is read-only).",
        )
    return passed(
        SHARE_TITLE,
        f"{writer} writes to {volume}, {reader} mounts it read-only, and {filename} is there.",
    )


__all__ = [
    "append_and_read",
    "check_read_only_share",
    "dangling_volumes",
    "mounts_table",
    "plot_mounts",
    "read_with_volumes_from",
    "remove_and_look",
    "share_widget",
    "start_with_anonymous_volume",
    "try_write",
]
