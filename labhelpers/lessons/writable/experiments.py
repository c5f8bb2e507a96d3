"""The writable layer measured on the Engine (notebook 02).

Three containers from `my-image` each get a writable layer of their own; the image's layers are
stored once. Checked with the Engine's own figures: the writable-layer size `docker ps -s` shows
(SizeRw), `docker system df -v` before and after, a scaling run with 1 to 20 containers, and what a
writable layer holds (`docker diff`, and the overlay's upper directory, read on the Engine's
machine or through a helper container).

The two image stores count differently, and every result says which one it was measured on: the
overlay2 graph driver counts the sizes of the files in a writable layer; the containerd
snapshotter counts the disk blocks of every file and directory in it, and its `docker system df`
adds every snapshot containerd keeps (the containers' writable and init layers too) to the
image-layer total.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable

from ...core.echo import announce, cli, quiet
from ...core.errors import BadInput
from ...core.labels import MANAGED
from ...engine import (
    LESSON_IMAGE,
    container_sizes,
    diff,
    disk_usage,
    engine_facts,
    engine_step,
    exec_in,
    find_container,
    image_info,
    image_sizes,
    layer_files,
    list_containers,
    real,
    remove_container,
    root_mount,
    run_container,
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


def _data_bytes(name: str, path: str = DELTA_PATH) -> int:
    """The size of the delta file in a running container (0 when there is none)."""
    out = exec_in(name, f"stat -c %s {shlex.quote(path)} 2>/dev/null || echo 0", echo=False)
    return int(out.output.strip() or 0)


def _block_bytes(name: str) -> int:
    """The block size of the filesystem under the container's writable layer (an overlay reports
    its upper filesystem's)."""
    return int(exec_in(name, "stat -f -c %S /", echo=False).output.strip() or 0)


def _layer_sizes(names: tuple | list, store: str) -> LayerSizes:
    sizes = container_sizes(list(names))
    running = [s.name for s in sizes if s.status == "running"]
    data = tuple((s.name, _data_bytes(s.name) if s.name in running else -1) for s in sizes)
    block = _block_bytes(running[0]) if running else 0
    return LayerSizes(sizes, data, DELTA_PATH, store, block)


@engine_step("measure the writable layers")
def layer_sizes(names: tuple | list = CONTAINERS) -> LayerSizes:
    """`docker ps -a -s` for the lesson's containers: each writable layer, as the CLI prints it
    and in exact bytes, beside the data written into it (`stat /app/delta.bin`)."""
    return _layer_sizes(names, engine_facts().image_store)


def _init_layers(names: list[str], store: str) -> tuple:
    """(name, bytes) of each container's init layer, on the containerd store only: there
    `docker system df` counts it among the image layers (the graph driver leaves it out)."""
    if store != "containerd":
        return ()
    return tuple((name, layer_files(name, "init").blocks_bytes) for name in names)


@engine_step("measure the Engine's storage")
def snapshot(moment: str, names: tuple | list = CONTAINERS, image: str = LESSON_IMAGE) -> Snapshot:
    """`docker system df -v`, the image's sizes (`docker image ls`, unpacked and content) and
    `docker ps -a -s` at one moment; with the data in each container's delta file and, on the
    containerd store, each container's init layer (read through a helper container)."""
    store = engine_facts().image_store
    names = [real(n) for n in names]  # the names on this Engine (`df` lists those)
    image = real(image, "image")
    usage = disk_usage()
    sizes_of_image = image_sizes(image)
    listed = {r.name: r.size_bytes for r in usage.rows if r.kind == "container"}
    present = [n for n in names if n in listed]
    sizes = container_sizes(present) if present else ()
    running = [s.name for s in sizes if s.status == "running"]
    with quiet():
        data = tuple((s.name, _data_bytes(s.name) if s.name in running else -1) for s in sizes)
        inits = _init_layers(running, store)
    return Snapshot(
        moment,
        store,
        usage.layers_bytes,
        usage.containers_bytes,
        usage.total_bytes,
        image,
        sizes_of_image.unpacked_bytes,
        max(sizes_of_image.content_bytes, 0),
        sizes_of_image.listed_bytes,
        tuple(sizes),
        tuple((n, listed[n]) for n in present),
        data,
        inits,
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
    return _layer_sizes(names, engine_facts().image_store)


# --- scaling: 1 to 20 containers ------------------------------------------------------------------


def _check_count(count: object = 8, delta_mib: object = 4, *_: object, **__: object) -> None:
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_SCALE:
        raise BadInput(
            f"Cannot run {count!r} containers for the scaling experiment.",
            f"the experiment takes a whole number from 1 to {MAX_SCALE}.",
            "pick a count on the slider.",
        )
    check_size_mib(delta_mib)  # type: ignore[arg-type]


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
    `so_far` being the run up to that container. On the containerd store the first container's
    init layer is measured too (a helper container reads it), after that container's figures.

    Raises:
        BadInput: `count` is not a whole number from 1 to MAX_SCALE, or `delta_mib` not a
            size >= 0 (before anything connects).
        NotEnoughSpace: the deltas would not fit on the Engine's disk.
    """
    image = real(image, "image")  # the result names it as the Engine does
    store = engine_facts().image_store
    image_bytes = image_sizes(image).unpacked_bytes
    _remove_scale_containers("   # left by an earlier run")
    started = time.perf_counter()
    baseline = disk_usage()
    names: list[str] = []
    points: list[ScalePoint] = []
    written, init_bytes = 0, -1
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
                    usage.containers_bytes - baseline.containers_bytes,
                    usage.total_bytes - baseline.total_bytes,
                )
            )
            if number == 1 and store == "containerd":
                init_bytes = layer_files(name, "init").blocks_bytes  # measured after its df
            if on_progress is not None:
                so_far = Scaling(image, image_bytes, written, tuple(points), 0.0, store, init_bytes)
                on_progress(number, count, so_far)
    finally:
        _remove_scale_containers()
    seconds = time.perf_counter() - started
    return Scaling(image, image_bytes, written, tuple(points), seconds, store, init_bytes)


# --- inside a writable layer: docker diff ---------------------------------------------------------


@engine_step("list the container's changes")
def changes(name: str) -> Changes:
    """`docker diff NAME` as a table: A added, C changed, D deleted (relative to the image)."""
    return Changes(real(name), diff(name))


def _diff_lines(name: str) -> list[str]:
    """`docker diff NAME` as "K /path" lines, by path."""
    return [f"{d.kind} {d.path}" for d in diff(name)]


_State = tuple  # (docker diff lines, SizeRw, upper-dir entries by path or None)


def _layer_state(name: str) -> _State:
    """`docker diff`, `docker ps -s` and the upper directory's entries of one container."""
    with quiet():
        upper = layer_files(name)
    entries = {e.path: e for e in upper.entries} if upper.readable else None
    return _diff_lines(name), container_sizes([name])[0].writable_layer_bytes, entries


def _measured_change(
    name: str, action: str, command: str, path: str, file_bytes: int, before: _State
) -> tuple[LayerChange, _State]:
    """Run COMMAND in NAME and compare `docker diff`, `docker ps -s` and the upper directory
    with `before`."""
    exec_in(name, command)
    after = _layer_state(name)
    new = tuple(line for line in after[0] if line not in before[0])
    old_upper, new_upper = before[2], after[2]
    if old_upper is None or new_upper is None:
        added, changed, sizes_grew, blocks_grew = (), (), -1, -1
    else:
        added = tuple(e for p, e in sorted(new_upper.items()) if p not in old_upper)
        changed = tuple(
            e for p, e in sorted(new_upper.items()) if p in old_upper and old_upper[p] != e
        )
        sizes_grew = _sizes(new_upper) - _sizes(old_upper)
        blocks_grew = _blocks(new_upper) - _blocks(old_upper)
    change = LayerChange(
        action,
        command,
        path,
        file_bytes,
        new,
        after[1],
        after[1] - before[1],
        added,
        changed,
        sizes_grew,
        blocks_grew,
    )
    return change, after


def _sizes(entries: dict) -> int:
    return sum({e.inode: e.size_bytes for e in entries.values() if e.kind != "directory"}.values())


def _blocks(entries: dict) -> int:
    return sum({e.inode: e.allocated_bytes for e in entries.values()}.values())


def _file_size(name: str, path: str) -> int:
    return int(exec_in(name, f"stat -c %s {shlex.quote(path)}", echo=False).output.strip())


@engine_step("add, change and delete files in a container")
def change_demo(name: str = COW_CONTAINER, image: str = LESSON_IMAGE) -> ChangeDemo:
    """In a fresh container: add a file, change a file of the image, delete a file of the image;
    after each, `docker diff`, `docker ps -s` and the upper directory (the container stays, for
    `upper_dir`)."""
    name = real(name)  # the result names it as the Engine does
    run_container(name, image)
    store = engine_facts().image_store
    steps = (
        ("add a new file", "echo hello > /app/new.txt", ""),
        ("change a file of the image", 'echo "# changed" >> /app/app.py', "/app/app.py"),
        ("delete a file of the image", "rm /etc/debian_version", "/etc/debian_version"),
    )
    sizes = {path: _file_size(name, path) for _, _, path in steps if path}
    state = _layer_state(name)
    done = []
    for action, command, path in steps:
        change, state = _measured_change(name, action, command, path, sizes.get(path, 0), state)
        done.append(change)
    return ChangeDemo(name, tuple(done), store)


@engine_step("touch the biggest file of the image")
def touch_biggest_file(name: str = COW_CONTAINER) -> LayerChange:
    """`touch` the biggest file under /usr in the container: only its timestamp changes, yet the
    storage driver copies the whole file up into the writable layer first (copy-on-write)."""
    found = exec_in(
        name, "find /usr -xdev -type f -printf '%s %p\\n' | sort -n | tail -n 1", echo=False
    ).output.split(maxsplit=1)
    size, path = int(found[0]), found[1].strip()
    action = "change only the timestamp of the biggest file"
    command = f"touch {shlex.quote(path)}"
    return _measured_change(name, action, command, path, size, _layer_state(name))[0]


# --- the storage driver's view: lower, upper, merged ----------------------------------------------


@engine_step("inspect the container's storage")
def storage_view(name: str) -> StorageView:
    """The overlay mounted as the container's `/` (`docker exec NAME cat /proc/1/mountinfo`:
    works with both image stores), beside what `docker inspect` lists (GraphDriver) and the
    image's layer count."""
    name = real(name)
    facts = engine_facts()
    listed = storage_layout(name)
    mount = root_mount(name)
    container = find_container(name)
    layers = image_info(container.image if container else LESSON_IMAGE).layer_count
    return StorageView(
        name,
        facts.image_store,
        facts.storage,
        mount.fstype,
        mount.lower_dirs,
        mount.upper_dir,
        mount.work_dir,
        layers,
        bool(listed.data.get("UpperDir")),
    )


def _check_via(name: str = "", via: str = "auto", image: str = "") -> None:
    if via not in ("auto", "host", "container"):
        raise BadInput(
            f"Unknown way '{via}' to read the upper directory.",
            "the ways are host, container and auto.",
            'pass via="auto".',
        )


@engine_step("read the container's upper directory", validate=_check_via)
def upper_dir(name: str, via: str = "auto", image: str = "") -> UpperDirListing:
    """List what sits in a container's upper directory (its writable layer), with each entry's
    size and the disk blocks it takes, beside what `docker ps -s` says.

    via="host" reads it on this machine (when the Engine's files are here and readable);
    via="container" bind-mounts just that directory read-only into a throw-away container of
    IMAGE (the container's own image by default): `docker run --rm -v UPPER:/layer:ro ...`, which
    needs no access to the Engine's files from here; "auto" takes the first that works.
    """
    name = real(name)
    listing = layer_files(name, "writable", via, image)
    return UpperDirListing(
        name,
        listing.directory,
        listing.how,
        listing.readable,
        listing.reason,
        listing.entries,
        listing.command,
        container_sizes([name])[0].writable_layer_bytes,
        engine_facts().image_store,
    )
