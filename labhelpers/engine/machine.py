"""The Engine's machine: where it keeps its files, seen from here, and what a container's layers
hold there.

Reads of the machine are Engine steps like the rest (a replay shows the recorded machine, never
the one it runs on). Where the Engine's files are on this machine they are read here; elsewhere
(Docker Desktop's VM, an Engine in a container or on another host) a throw-away helper container
reads them where the Engine runs.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile

from ..core.commands import NOT_RUN, Command, bind, hidden, host, show
from ..core.errors import BadInput, CommandFailed, LabError
from ..core.results import result
from .containers import _lab_sdk_container, exec_in, read_in_created, run_once
from .mounts import MountSpec
from .step import engine_step
from .volumes import create_volume, remove_volume

__all__ = [
    "LayerEntry",
    "LayerFiles",
    "Locality",
    "RootMount",
    "engine_locality",
    "layer_files",
    "parse_find",
    "root_mount",
    "run_host",
    "walk_layer",
]

_NAMES = {"name": "container"}


@result
class RootMount:
    """The overlay filesystem a running container sees as `/`, from its /proc/1/mountinfo.

    Both image stores mount the same kind of overlay: `upper_dir` is the container's writable
    layer (overlay2's `.../overlay2/<id>/diff`, or the containerd snapshotter's
    `.../snapshots/<n>/fs`), `lower_dirs` the read-only layers under it, top first. Paths are on
    the Engine's machine (a VM or a container of its own, when the Engine runs there)."""

    container: str
    fstype: str
    upper_dir: str
    lower_dirs: tuple
    work_dir: str


@engine_step("read the container's root mount", names=_NAMES)
def root_mount(name: str) -> RootMount:
    """`docker exec NAME cat /proc/1/mountinfo`: the options of the overlay mounted at `/`.

    Raises:
        BadInput: the container is not running, or is not the lab's.
    """
    text = exec_in(name, ["cat", "/proc/1/mountinfo"]).output
    for line in text.splitlines():
        fields = line.split()
        if len(fields) > 4 and fields[4] == "/" and " - " in line:
            fstype, _source, options = line.split(" - ", 1)[1].split(" ", 2)
            opts = dict(
                item.split("=", 1) if "=" in item else (item, "") for item in options.split(",")
            )
            lower = tuple(d for d in opts.get("lowerdir", "").split(":") if d)
            upper = opts.get("upperdir", "")
            mountinfo = f"docker exec {name} cat /proc/1/mountinfo"
            bind("upper", upper, f"{mountinfo} | sed -n 's/.*[ ,]upperdir=\\([^,]*\\).*/\\1/p'")
            if lower:  # the container's init layer (a helper container may list it too)
                init = "s/.*[ ,]lowerdir=\\([^:,]*\\).*/\\1/p"
                bind("init", lower[0], f"{mountinfo} | sed -n '{init}'")
            return RootMount(name, fstype, upper, lower, opts.get("workdir", ""))
    return RootMount(name, "", "", (), "")


@result
class LayerEntry:
    """One entry of a layer's directory on the Engine's machine, as `find -printf` and `stat` see
    it. `path` is relative to the layer's directory ("." is the directory itself)."""

    path: str
    kind: str  # file, directory, symlink, whiteout (overlayfs's 0/0 character device), other
    size_bytes: int  # st_size (0 for a directory)
    allocated_bytes: int  # st_blocks x 512: the disk blocks it takes
    inode: int


@result
class LayerFiles:
    """What one layer of a running container holds: its writable layer (the overlay's upper
    directory) or its init layer (the top lower directory, the Engine's mount points for
    /etc/hosts, /etc/resolv.conf, ...), read where the Engine keeps its files.

    Two ways to count the same files: `sizes_bytes` adds up the sizes of everything but
    directories (how overlay2's graph driver measures a writable layer: moby's
    `directory.Size`); `blocks_bytes` adds up the disk blocks of every entry, directories and the
    layer's own directory included (how containerd's snapshotters measure one: continuity's
    `fs.DiskUsage`). A hard-linked file counts once either way."""

    container: str
    layer: str  # "writable" or "init"
    directory: str  # on the Engine's machine
    how: str  # "read on this machine", "through a helper container" or "not available"
    readable: bool
    reason: str  # why it could not be read ("" when it was)
    entries: tuple  # LayerEntry, by path
    command: str

    @property
    def sizes_bytes(self) -> int:
        seen = {e.inode: e.size_bytes for e in self.entries if e.kind != "directory"}
        return sum(seen.values())

    @property
    def blocks_bytes(self) -> int:
        return sum({e.inode: e.allocated_bytes for e in self.entries}.values())


_FIND_KINDS = {"f": "file", "d": "directory", "l": "symlink", "c": "whiteout"}
_LAYER_AT = "/layer"  # where a helper container mounts the layer's directory (read-only)


def _entry_kind(mode: int, rdev: int) -> str:
    import stat

    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "symlink"
    return "whiteout" if stat.S_ISCHR(mode) and rdev == 0 else "other"


def walk_layer(top: str) -> tuple:
    """Every entry under `top` on this machine, `top` itself as "." (LayerEntry, by path)."""
    entries = []
    for root, dirs, files in os.walk(top):
        paths = [os.path.join(root, n) for n in dirs + files]
        for entry in ([root] if root == top else []) + paths:
            info = os.lstat(entry)
            kind = _entry_kind(info.st_mode, info.st_rdev)
            entries.append(
                LayerEntry(
                    os.path.relpath(entry, top),
                    kind,
                    0 if kind == "directory" else info.st_size,
                    info.st_blocks * 512,
                    info.st_ino,
                )
            )
    return tuple(sorted(entries, key=lambda e: e.path))


def parse_find(text: str) -> tuple:
    """`find DIR -printf '%y %s %b %i %P\\n'` lines as LayerEntry (DIR itself has an empty %P)."""
    entries = []
    for line in text.splitlines():
        parts = line.split(" ", 4)
        if len(parts) < 4:
            continue
        kind = _FIND_KINDS.get(parts[0], "other")
        path = parts[4] if len(parts) == 5 and parts[4] else "."
        size = 0 if kind == "directory" else int(parts[1])
        entries.append(LayerEntry(path, kind, size, int(parts[2]) * 512, int(parts[3])))
    return tuple(sorted(entries, key=lambda e: e.path))


def _check_layer(
    name: str = "", layer: str = "writable", via: str = "auto", image: str = ""
) -> None:
    if layer not in ("writable", "init"):
        raise BadInput(
            f"Unknown layer '{layer}'.",
            "a container's own layers are its writable layer and its init layer.",
            'pass "writable" or "init".',
        )
    check_via(via, "a layer")


def check_via(via: str, reading: str) -> None:
    """VIA must name a way to read READING (a container's layer or its upper directory): on this
    machine (host), through a helper container, or whichever works (auto).

    Raises:
        BadInput: another value.
    """
    if via not in ("auto", "host", "container"):
        raise BadInput(
            f"Unknown way '{via}' to read {reading}.",
            "the ways are host, container and auto.",
            'pass via="auto".',
        )


@engine_step(
    "read the layer's files",
    validate=_check_layer,
    names={"name": "container", "image": "image"},
)
def layer_files(
    name: str, layer: str = "writable", via: str = "auto", image: str = ""
) -> LayerFiles:
    """List a running container's writable (or init) layer where the Engine keeps it: its
    directory comes from the container's own mount table (`root_mount`, both image stores).

    via="host" reads it on this machine (only when the Engine's files are here and readable:
    `engine_locality`); via="container" bind-mounts just that directory read-only into a
    throw-away container of IMAGE (the container's own image by default), which works wherever
    the Engine runs: `docker run --rm -v DIR:/layer:ro IMAGE find /layer ...`; "auto" reads here
    when it can, else through a helper container.

    Raises:
        BadInput: an unknown layer or way; the container is not running or not the lab's.
    """
    mount = root_mount(name)
    directory = mount.upper_dir if layer == "writable" else next(iter(mount.lower_dirs), "")
    if mount.fstype != "overlay" or not directory:
        reason = f"the container's / is not an overlay mount ({mount.fstype or 'unknown'})"
        return LayerFiles(name, layer, directory, "not available", False, reason, (), "")
    locality = engine_locality()
    here = bool(locality.files_here) and os.path.isdir(directory)
    readable = here and os.access(directory, os.R_OK | os.X_OK)
    if via == "container" or (via == "auto" and not readable):
        done = run_once(
            image or _lab_sdk_container(name).attrs["Config"]["Image"],
            ["find", _LAYER_AT, "-printf", "%y %s %b %i %P\\n"],
            [MountSpec("bind", directory, _LAYER_AT, read_only=True)],
        )
        entries = parse_find(done.output)
        how = "through a helper container"
        return LayerFiles(name, layer, directory, how, True, "", entries, done.command)
    how = "read on this machine"
    find = ("find", directory, "-printf", "%y %s %b %i %P\\n")
    if not readable:
        reason = (
            "only root may read the Engine's data root (run the notebook as root, or use sudo in "
            "a terminal)"
            if here
            else "the Engine's files are not on this machine (a VM, a container or another host)"
        )
        shown = show(host("sudo", *find, expect=NOT_RUN, note=reason.split(" (")[0]))
        return LayerFiles(name, layer, directory, how, False, reason, (), shown.line())
    done = run_host(show(host(*find)))
    entries = parse_find(done.stdout)
    return LayerFiles(name, layer, directory, how, True, "", entries, host(*find).line())


def run_host(command: Command) -> subprocess.CompletedProcess:
    """Carry out a command on this machine as it is shown (argv, or one shell line with /bin/sh),
    with its `stdin`; returns what it printed.

    Raises:
        CommandFailed: it exited non-zero and the lesson did not expect it to fail.
    """
    argv = ["/bin/sh", "-c", command.argv[0]] if command.shell else list(command.argv)
    done = subprocess.run(argv, input=command.stdin, capture_output=True, text=True, check=False)
    if done.returncode != 0 and command.expect == "ok":
        raise CommandFailed(
            f"`{command.line()}` failed on this machine (exit status {done.returncode}).",
            f"it printed: {(done.stderr or done.stdout).strip()[-300:] or '(nothing)'}",
            "check the path, and that you may change it.",
            done.returncode,
            done.stderr,
        )
    return done


# --- where the Engine's files are ---------------------------------------------------------------


@result
class Locality:
    """Where the Engine keeps its files, seen from here (probed, not guessed).

    `files_here`: a new volume's directory, which the Engine makes as it creates the volume, is
    at the volume's mountpoint on this machine (native Linux with a local Engine); False for a
    VM (Docker Desktop), an Engine in a container (Docker-in-Docker) or a remote one.
    `folders_shared`: a folder of this machine's, bind-mounted, shows its files in a container,
    as bind mounts of the notebooks' folders need (False when the Engine cannot see this
    folder; None when it could not be probed). `root_only`: the files are here but only root
    may read them (the data root is 0710)."""

    files_here: bool | None
    folders_shared: bool | None
    root_only: bool
    folder: str  # the folder whose sharing was probed
    detail: str


_locality: dict[str, Locality] = {}  # a fact of the machine: probed once per Engine and folder


def _probe_image() -> str:
    from .images import choose_base_image, sdk_image

    choice = choose_base_image(pull=False)
    if choice.present:
        return choice.image
    return "my-image" if sdk_image("my-image") is not None else ""


@engine_step("find out where the Engine keeps its files")
def engine_locality(folder: str = "", image: str = "") -> Locality:
    """Probe where the Engine's files are (see `Locality`): a throw-away volume whose directory
    is looked for at its mountpoint here, and a throw-away folder (in FOLDER, the current one by
    default) bind-mounted into a throw-away container (when there is an image to make one from),
    whose marker file is copied out without starting it (`read_in_created`). All are removed
    again. IMAGE: the image to make it from, when the caller has just chosen one (the doctor);
    else the base image, or `my-image`."""
    folder = os.path.abspath(folder or os.getcwd())
    key = f"{os.environ.get('DOCKER_HOST', '')}|{folder}"
    if key in _locality:
        return _locality[key]
    token = secrets.token_hex(8)
    files_here, root_only, shared = None, False, None
    name = f"lab-probe-{token}"
    with hidden():
        # The Engine makes a new volume's directory as it creates the volume: a folder of that
        # random name at the volume's mountpoint here is the Engine's own (no container needed).
        volume = create_volume(name)
        try:
            os.stat(volume.mountpoint)
            files_here = True
        except PermissionError:
            files_here = root_only = True  # /var/lib/docker is root's: here, but closed
        except OSError:
            files_here = False
        finally:
            remove_volume(name)
        image = image or _probe_image()  # the folder's probe is a container: it needs an image
        try:
            probe = tempfile.mkdtemp(prefix=".labhelpers-probe-", dir=folder) if image else ""
        except OSError:
            probe = ""
        if probe:
            try:
                with open(os.path.join(probe, "marker"), "w") as mark:
                    mark.write(token)
                os.chmod(probe, 0o755)
                mount = MountSpec("bind", probe, "/probe", read_only=True)
                seen = read_in_created(image, "/probe/marker", [mount])
                shared = seen is not None and seen.strip() == token
            except LabError:
                shared = False  # the Engine refused: the path does not exist where it runs
            finally:
                shutil.rmtree(probe, ignore_errors=True)
    where = (
        "on this machine"
        if files_here
        else "not on this machine (a VM, a container or another host)"
        if files_here is False
        else "unknown"
    )
    sees = {True: "sees", False: "does not see", None: "was not asked about"}[shared]
    detail = f"the Engine's files are {where}; it {sees} {folder}"
    if not image:
        detail += " (no image to run the folder's probe with: run the doctor)"
    found = Locality(files_here, shared, root_only, folder, detail)
    if image:  # without one the folder was not probed: ask again next time
        _locality[key] = found
    return found
