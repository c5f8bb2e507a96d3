"""The writable layer measured on the Engine (notebook 02).

Three containers from `my-image` each get a writable layer of their own; the image's layers are
stored once. Checked with the Engine's own figures: the writable-layer size `docker ps -s` shows
(SizeRw), `docker system df -v` before and after, a scaling run with 1 to 20 containers, and what a
writable layer holds (`docker diff`, and overlay2's upper directory, read on the Engine's machine
or through a helper container).
"""

from __future__ import annotations

import os
import shlex
import stat
import time
from collections.abc import Callable

from ...core.echo import announce, cli, quiet
from ...core.errors import BadInput
from ...core.labels import MANAGED
from ...engine import (
    LESSON_IMAGE,
    MountSpec,
    container_sizes,
    diff,
    disk_usage,
    engine_facts,
    engine_is_local,
    engine_step,
    exec_in,
    find_container,
    image_info,
    list_containers,
    remove_container,
    run_container,
    run_once,
    storage_layout,
    write_data,
)
from ...engine.containers import check_size_mib
from .results import (
    ChangeDemo,
    Changes,
    LayerChange,
    LayerSizes,
    ScalePoint,
    Scaling,
    Snapshot,
    StorageView,
    UpperDirListing,
    UpperEntry,
)
from .views import LESSON_DELTAS_MIB

__all__ = [
    "CONTAINERS",
    "COW_CONTAINER",
    "DELTA_PATH",
    "LESSON_DELTAS_MIB",
    "MAX_SCALE",
    "SCALE_PREFIX",
    "change_demo",
    "changes",
    "clear_stage",
    "layer_sizes",
    "scaling_experiment",
    "snapshot",
    "start_containers",
    "storage_view",
    "touch_biggest_file",
    "upper_dir",
    "write_deltas",
]

CONTAINERS = ("my-cont-1", "my-cont-2", "my-cont-3")
DELTA_PATH = "/app/delta.bin"
SCALE_PREFIX = "my-scale-"
MAX_SCALE = 20
COW_CONTAINER = "my-cont-cow"
UPPER_AT = "/upper"  # where a helper container mounts an upper directory (read-only)


# --- three containers and their writable layers -----------------------------------------------


@engine_step("remove the lesson's containers")
def clear_stage(names: tuple | list = CONTAINERS) -> None:
    """`docker rm -f NAME` for each lesson container the lab left (a learner's is refused), so a
    measurement can start from no containers at all."""
    for name in names:
        remove_container(name)


@engine_step("start the containers")
def start_containers(names: tuple | list = CONTAINERS, image: str = LESSON_IMAGE) -> tuple:
    """`docker run -d --init --name NAME IMAGE` for each name; returns their ContainerInfo."""
    return tuple(run_container(name, image) for name in names)


@engine_step("measure the writable layers")
def layer_sizes(names: tuple | list = CONTAINERS) -> LayerSizes:
    """`docker ps -a -s` for the lesson's containers: each writable layer, as the CLI prints it
    and in exact bytes."""
    return LayerSizes(container_sizes(list(names)))


@engine_step("measure the Engine's storage")
def snapshot(moment: str, names: tuple | list = CONTAINERS, image: str = LESSON_IMAGE) -> Snapshot:
    """`docker system df -v`, `docker image inspect IMAGE` and `docker ps -a -s`, at one moment."""
    usage = disk_usage()
    image_bytes = image_info(image).size_bytes
    listed = {r.name: r.size_bytes for r in usage.rows if r.kind == "container"}
    present = [n for n in names if n in listed]
    sizes = container_sizes(present) if present else ()
    return Snapshot(
        moment,
        usage.layers_bytes,
        usage.containers_bytes,
        usage.total_bytes,
        image,
        image_bytes,
        tuple(sizes),
        tuple((n, listed[n]) for n in present),
    )


def _check_deltas(
    sizes_mib: tuple | list = LESSON_DELTAS_MIB, names: tuple | list = CONTAINERS, path: str = ""
) -> None:
    if len(sizes_mib) != len(names):
        raise BadInput(
            f"Got {len(sizes_mib)} sizes for {len(names)} containers.",
            "each container needs one size.",
            "pass one size (MiB) per container.",
        )
    for size in sizes_mib:
        check_size_mib(size)


@engine_step("write the deltas", validate=_check_deltas)
def write_deltas(
    sizes_mib: tuple | list = LESSON_DELTAS_MIB,
    names: tuple | list = CONTAINERS,
    path: str = DELTA_PATH,
) -> LayerSizes:
    """Write `sizes_mib[i]` MiB of new data to PATH in container `names[i]` (dd, replacing what an
    earlier press wrote there), then measure every writable layer (`docker ps -s`).

    Raises:
        BadInput: sizes and names do not pair up, or a size is not a number >= 0.
        NotEnoughSpace: a size would not fit on the Engine's disk (nothing is written for it).
    """
    for name, size in zip(names, sizes_mib, strict=True):
        write_data(name, size, path)
    return LayerSizes(container_sizes(list(names)))


# --- scaling: 1 to 20 containers ------------------------------------------------------------------


def _check_count(count: object = 8, *_: object, **__: object) -> None:
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_SCALE:
        raise BadInput(
            f"Cannot run {count!r} containers for the scaling experiment.",
            f"the experiment takes a whole number from 1 to {MAX_SCALE}.",
            "pick a count on the slider.",
        )


def _scale_name(number: int) -> str:
    return f"{SCALE_PREFIX}{number:02d}"


def _remove_scale_containers(comment: str = "") -> None:
    """Remove the lab's scaling containers (selected by the lab's label and the name prefix)."""
    for found in list_containers(label=f"{MANAGED}=true", name_prefix=SCALE_PREFIX):
        announce(cli("rm", "-f", "-v", found.name) + comment)
        with quiet():
            remove_container(found.name, volumes=True)


@engine_step("run the scaling experiment", validate=_check_count)
def scaling_experiment(
    count: int = 8,
    delta_mib: float = 4,
    image: str = LESSON_IMAGE,
    on_progress: Callable[[int, int, Scaling], None] | None = None,
) -> Scaling:
    """Start `count` containers (my-scale-01, ...) from IMAGE one at a time; after each, write
    `delta_mib` MiB into it and measure (`docker system df -v`, `docker ps -s`). The containers
    are removed at the end (also after an error). `on_progress(done, count, so_far)` follows it,
    `so_far` being the run up to that container.

    Raises:
        BadInput: `count` is not a whole number from 1 to MAX_SCALE (before anything connects).
        NotEnoughSpace: the deltas would not fit on the Engine's disk.
    """
    image_bytes = image_info(image).size_bytes
    _remove_scale_containers("   # left by an earlier run")
    started = time.perf_counter()
    baseline = disk_usage()
    names: list[str] = []
    points: list[ScalePoint] = []
    written = 0
    try:
        for number in range(1, count + 1):
            name = _scale_name(number)
            run_container(name, image)
            names.append(name)
            written = write_data(name, delta_mib).size_bytes
            usage = disk_usage()
            sizes = container_sizes(names)
            points.append(
                ScalePoint(
                    number,
                    sum(s.writable_layer_bytes for s in sizes),
                    usage.layers_bytes - baseline.layers_bytes,
                    usage.total_bytes - baseline.total_bytes,
                )
            )
            if on_progress is not None:
                on_progress(number, count, Scaling(image, image_bytes, written, tuple(points), 0.0))
    finally:
        _remove_scale_containers()
    return Scaling(image, image_bytes, written, tuple(points), time.perf_counter() - started)


# --- inside a writable layer: docker diff ---------------------------------------------------------


@engine_step("list the container's changes")
def changes(name: str) -> Changes:
    """`docker diff NAME` as a table: A added, C changed, D deleted (relative to the image)."""
    return Changes(name, diff(name))


def _diff_lines(name: str) -> list[str]:
    """`docker diff NAME` as "K /path" lines, by path."""
    return [f"{d.kind} {d.path}" for d in diff(name)]


def _layer_state(name: str) -> tuple[list[str], int]:
    """`docker diff` and `docker ps -s` of one container."""
    return _diff_lines(name), container_sizes([name])[0].writable_layer_bytes


def _measured_change(
    name: str, action: str, command: str, file_bytes: int, before: tuple[list[str], int]
) -> tuple[LayerChange, tuple[list[str], int]]:
    """Run COMMAND in NAME and compare `docker diff` and `docker ps -s` with `before`."""
    exec_in(name, command)
    after = _layer_state(name)
    new = tuple(line for line in after[0] if line not in before[0])
    return LayerChange(action, command, file_bytes, new, after[1], after[1] - before[1]), after


def _file_size(name: str, path: str) -> int:
    return int(exec_in(name, f"stat -c %s {shlex.quote(path)}", echo=False).output.strip())


@engine_step("add, change and delete files in a container")
def change_demo(name: str = COW_CONTAINER, image: str = LESSON_IMAGE) -> ChangeDemo:
    """In a fresh container: add a file, change a file of the image, delete a file of the image;
    after each, `docker diff` and `docker ps -s` (the container stays, for `upper_dir`)."""
    run_container(name, image)
    steps = (
        ("add a new file", "echo hello > /app/new.txt", ""),
        ("change a file of the image", "echo '# changed' >> /app/app.py", "/app/app.py"),
        ("delete a file of the image", "rm /etc/debian_version", "/etc/debian_version"),
    )
    sizes = {path: _file_size(name, path) for _, _, path in steps if path}
    state = _layer_state(name)
    done = []
    for action, command, path in steps:
        change, state = _measured_change(name, action, command, sizes.get(path, 0), state)
        done.append(change)
    return ChangeDemo(name, tuple(done))


@engine_step("touch the biggest file of the image")
def touch_biggest_file(name: str = COW_CONTAINER) -> LayerChange:
    """`touch` the biggest file under /usr in the container: only its timestamp changes, yet
    overlay2 copies the whole file up into the writable layer first (copy-on-write)."""
    found = exec_in(
        name, "find /usr -xdev -type f -printf '%s %p\\n' | sort -n | tail -n 1", echo=False
    ).output.split(maxsplit=1)
    size, path = int(found[0]), found[1].strip()
    action = "change only the timestamp of the biggest file"
    return _measured_change(name, action, f"touch {shlex.quote(path)}", size, _layer_state(name))[0]


# --- the storage driver's view: lower, upper, merged ----------------------------------------------


@engine_step("inspect the container's storage")
def storage_view(name: str) -> StorageView:
    """`docker inspect -f '{{json .GraphDriver}}' NAME`, explained; and the image's layer count."""
    layout = storage_layout(name)
    facts = engine_facts()
    container = find_container(name)
    layers = image_info(container.image if container else LESSON_IMAGE).layer_count
    data = layout.data
    return StorageView(
        name,
        layout.driver,
        facts.containerd_snapshotter,
        tuple(d for d in (data.get("LowerDir") or "").split(":") if d),
        data.get("UpperDir", ""),
        data.get("MergedDir", ""),
        data.get("WorkDir", ""),
        layers,
    )


def _kind(mode: int, rdev: int) -> str:
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISCHR(mode) and rdev == 0:
        return "whiteout"
    return "other"


def _walk(top: str) -> tuple:
    """Every entry under `top` on this machine (called inside the `upper_dir` step only: it reads
    the Engine's machine, which a replay must answer from the recording)."""
    entries = []
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for entry in sorted(dirs + files):
            path = os.path.join(root, entry)
            info = os.lstat(path)
            kind = _kind(info.st_mode, info.st_rdev)
            entries.append(
                UpperEntry(os.path.relpath(path, top), kind, info.st_size if kind == "file" else 0)
            )
    return tuple(sorted(entries, key=lambda e: e.path))


_FIND_KINDS = {"f": "file", "d": "directory", "l": "symlink", "c": "whiteout"}


def _layer_bytes(name: str) -> int:
    return container_sizes([name])[0].writable_layer_bytes


def _through_helper(name: str, upper: str, image: str) -> UpperDirListing:
    # A bind mount of a path on the Engine's machine (not this one): the Engine resolves it.
    done = run_once(
        image,
        ["find", UPPER_AT, "-mindepth", "1", "-printf", "%y %s %P\\n"],
        [MountSpec("bind", upper, UPPER_AT, read_only=True)],
    )
    entries = []
    for line in done.output.splitlines():
        kind, size, path = line.split(" ", 2)
        kind = _FIND_KINDS.get(kind, "other")
        entries.append(UpperEntry(path, kind, int(size) if kind == "file" else 0))
    ordered = tuple(sorted(entries, key=lambda e: e.path))
    how = "through a helper container"
    return UpperDirListing(name, upper, how, True, "", ordered, done.command, _layer_bytes(name))


def _check_via(name: str = "", via: str = "auto", image: str = "") -> None:
    if via not in ("auto", "host", "container"):
        raise BadInput(
            f"Unknown way '{via}' to read the upper directory.",
            "the ways are host, container and auto.",
            'pass via="auto".',
        )


@engine_step("read the container's upper directory", validate=_check_via)
def upper_dir(name: str, via: str = "auto", image: str = LESSON_IMAGE) -> UpperDirListing:
    """List what sits in a container's upper directory (overlay2's writable layer).

    via="host" reads it on this machine (native Linux, the notebook on the Engine's machine, as
    root); via="container" bind-mounts just that directory read-only into a throw-away container
    (`docker run --rm -v UPPER:/upper:ro ...`), which needs no access to the Engine's files from
    here; "auto" takes the first that works.
    """
    layout = storage_layout(name)
    upper = (layout.data or {}).get("UpperDir", "")
    if not upper:
        reason = f"the storage driver '{layout.driver}' does not report an upper directory"
        return UpperDirListing(name, "", "not available", False, reason, (), "", _layer_bytes(name))
    native = engine_facts().platform_kind == "native-linux"
    on_this_machine = engine_is_local() and native and os.path.isdir(upper)
    readable_here = on_this_machine and os.access(upper, os.R_OK | os.X_OK)
    if via == "container" or (via == "auto" and not readable_here):
        return _through_helper(name, upper, image)
    shown = f"sudo find {upper} -mindepth 1 -printf '%y %s %P\\n'"
    announce(shown)
    how = "read on this machine"
    if not readable_here:
        reason = (
            "only root may read the Engine's data root (run the notebook as root, or use sudo "
            "in a terminal)"
            if on_this_machine
            else "the Engine's files are not on this machine (a VM, or a remote Engine)"
        )
        return UpperDirListing(name, upper, how, False, reason, (), shown, _layer_bytes(name))
    return UpperDirListing(name, upper, how, True, "", _walk(upper), shown, _layer_bytes(name))
