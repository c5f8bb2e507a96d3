"""The writable layer measured on the Engine (notebooks 02 and 02b; the lesson's `__init__` lists
what each shows), always with the Engine's own figures: `docker ps -s` (SizeRw),
`docker system df -v` before and after, `docker diff`, and the overlay's directories where the
Engine keeps them.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import time
from collections.abc import Callable

from ...core.errors import BadInput
from ...engine import (
    LESSON_IMAGE,
    check_size_mib,
    container_sizes,
    diff,
    disk_usage,
    engine_facts,
    engine_step,
    exec_in,
    find_container,
    free_bytes,
    image_info,
    image_sizes,
    image_store,
    layer_files,
    list_containers,
    remove_container,
    root_mount,
    run_container,
    storage_layout,
    write_data,
)
from ...engine.machine import check_via
from .results import (
    CONTAINERD,
    LESSON_DELTAS_MIB,
    ChangeDemo,
    Changes,
    LayerChange,
    LayerSizes,
    ScalePoint,
    Scaling,
    SharedLayers,
    Snapshot,
    UpperDirListing,
    claim,
    scaling,
)

__all__ = [
    "CONTAINERS",
    "COW_CONTAINER",
    "DELTA_PATH",
    "MAX_SCALE",
    "SCALE_PREFIX",
    "change_demo",
    "changes",
    "clear_stage",
    "delta_room",
    "layer_sizes",
    "scaling_experiment",
    "shared_layers",
    "snapshot",
    "start_containers",
    "touch_biggest_file",
    "upper_dir",
    "write_deltas",
]

CONTAINERS = ("my-cont-1", "my-cont-2", "my-cont-3")
DELTA_PATH = "/app/delta.bin"
SCALE_PREFIX = "my-scale-"
MAX_SCALE = 20
COW_CONTAINER = "my-cont-cow"
_NAMES = {"names": "container"}


# --- three containers and their writable layers -----------------------------------------------


@engine_step("remove the lesson's containers", names=_NAMES)
def clear_stage(names: tuple | list = CONTAINERS) -> None:
    """`docker rm -f NAME` for each lesson container an earlier run left (a learner's is
    refused), so a measurement starts from none."""
    for name in names:
        remove_container(name)


@engine_step("start the containers", names={"names": "container", "image": "image"})
def start_containers(names: tuple | list = CONTAINERS, image: str = LESSON_IMAGE) -> tuple:
    """`docker run -d --init --name NAME ... IMAGE` for each name; their ContainerInfo."""
    return tuple(run_container(name, image) for name in names)


def _data_bytes(name: str, echo: bool = True) -> int:
    """`stat` of the delta file in a running container (0 when there is none)."""
    script = f"stat -c %s {DELTA_PATH} 2>/dev/null || echo 0"
    return int(exec_in(name, script, echo=echo).output.strip() or 0)


def _data(sizes: tuple) -> tuple:
    return tuple((s.name, _data_bytes(s.name) if s.status == "running" else -1) for s in sizes)


@engine_step("measure the writable layers", names=_NAMES)
def layer_sizes(names: tuple | list = CONTAINERS) -> LayerSizes:
    """`docker ps -a -s` for the lesson's containers, beside the bytes in each delta file."""
    sizes = container_sizes(list(names))
    return LayerSizes(sizes, _data(sizes), DELTA_PATH)


@engine_step("measure the Engine's storage", names={"names": "container", "image": "image"})
def snapshot(moment: str, names: tuple | list = CONTAINERS, image: str = LESSON_IMAGE) -> Snapshot:
    """`docker system df -v`, the image's sizes (`docker image ls`) and `docker ps -a -s` at one
    moment, with the bytes in each container's delta file and, on the containerd store, each
    container's init layer (which its `docker system df` counts)."""
    store = image_store()
    usage = disk_usage()
    image_size = image_sizes(image)
    listed = {r.name for r in usage.rows if r.kind == "container"}
    present = [n for n in names if n in listed]
    sizes = container_sizes(present) if present else ()
    inits = ()
    if store == CONTAINERD:
        running = [s.name for s in sizes if s.status == "running"]
        inits = tuple((n, layer_files(n, "init").blocks_bytes) for n in running)
    totals = (usage.layers_bytes, usage.containers_bytes, usage.total_bytes)
    stored = (image, image_size.unpacked_bytes, max(image_size.content_bytes, 0))
    return Snapshot(moment, store, *totals, *stored, tuple(sizes), _data(sizes), inits)


def _check_deltas(sizes_mib=LESSON_DELTAS_MIB, names=CONTAINERS, *_: object, **__: object) -> None:
    if len(sizes_mib) != len(names):
        raise BadInput(
            f"Got {len(sizes_mib)} sizes for {len(names)} containers.",
            "each container needs one size.",
            "pass one size (MiB) per container.",
        )
    for size in sizes_mib:
        check_size_mib(size)


@engine_step("measure the room for the deltas", names=_NAMES)
def delta_room(names: tuple | list = CONTAINERS) -> int:
    """The bytes the deltas may take together: the free space on the Engine's disk behind the
    delta file (`df`, once) plus what the delta files hold now (each write replaces its file).
    The deltas widget measures it once and checks every press against it, so a press runs no
    `df` (issue 21: the free-space check was the slowest part of a write)."""
    free = free_bytes(names[0], os.path.dirname(DELTA_PATH))
    return free + sum(max(_data_bytes(name, echo=False), 0) for name in names)


@engine_step("write the deltas", validate=_check_deltas, names=_NAMES)
def write_deltas(
    sizes_mib: tuple | list = LESSON_DELTAS_MIB,
    names: tuple | list = CONTAINERS,
    measured_room_bytes: int = -1,
) -> LayerSizes:
    """Write `sizes_mib[i]` MiB of zeros to the delta file in container `names[i]` (dd, replacing
    what an earlier press wrote), then `docker ps -a -s`. The writable layers all sit on the
    Engine's disk: each write is refused before it starts when it would not fit in what the
    writes before it left of `measured_room_bytes` (see `delta_room`; measured here if not given).

    Raises:
        BadInput: sizes and names do not pair up, or a size is not a number >= 0.
        NotEnoughSpace: a size would not fit on the Engine's disk (nothing is written for it).
    """
    free = measured_room_bytes
    if free < 0:
        free = free_bytes(names[0], os.path.dirname(DELTA_PATH))
    written = []
    for name, size in zip(names, sizes_mib, strict=True):
        done = write_data(name, size, DELTA_PATH, free=free)
        free -= done.size_bytes
        written.append((name, done.size_bytes))
    return LayerSizes(container_sizes(list(names)), tuple(written), DELTA_PATH)


# --- scaling: 1 to 20 containers ------------------------------------------------------------------


def _check_count(count: object = 8, delta_mib: object = 4, *_: object, **__: object) -> None:
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_SCALE:
        raise BadInput(
            f"Cannot run {count!r} containers for the scaling experiment.",
            f"the experiment takes a whole number from 1 to {MAX_SCALE}.",
            "pick a count on the slider.",
        )
    check_size_mib(delta_mib)  # type: ignore[arg-type]


def _remove_scale_containers(note: str = "") -> None:
    """Remove the lab's scaling containers (its mark, and the name prefix)."""
    for found in list_containers(lab_only=True, name_prefix=SCALE_PREFIX):
        remove_container(found.name, volumes=True, note=note)


@engine_step("run the scaling experiment", validate=_check_count, names={"image": "image"})
def scaling_experiment(
    count: int = 8,
    delta_mib: float = 4,
    image: str = LESSON_IMAGE,
    on_progress: Callable[[int, int, Scaling], None] | None = None,
) -> Scaling:
    """Start `count` containers (my-scale-01, ...) from IMAGE one at a time; after each, write
    `delta_mib` MiB into it and measure (`docker system df -v`, `docker ps -s`). The containers
    are removed at the end (also after an error). `on_progress(done, count, so_far)` follows it.
    On the containerd store the first container's init layer is measured too (its
    `docker system df` counts one per container).

    Raises:
        BadInput: `count` is not a whole number from 1 to MAX_SCALE, or `delta_mib` not a
            size >= 0 (before anything connects).
        NotEnoughSpace: the deltas would not fit on the Engine's disk.
    """
    store = image_store()
    sizes = image_sizes(image)
    image_bytes = sizes.unpacked_bytes + max(sizes.content_bytes, 0)
    _remove_scale_containers("left by an earlier run")
    started = time.perf_counter()
    baseline = disk_usage()
    names: list[str] = []
    points: list[ScalePoint] = []
    written, init, free = 0, 0, -1
    try:
        for number in range(1, count + 1):
            name = run_container(f"{SCALE_PREFIX}{number:02d}", image).name
            names.append(name)
            free = free_bytes(name, "/app") if free < 0 else free
            written = write_data(name, delta_mib, free=free).size_bytes
            free -= written
            usage = disk_usage()
            layers = sum(s.writable_layer_bytes for s in container_sizes(names))
            if number == 1 and store == CONTAINERD:
                init = layer_files(name, "init").blocks_bytes
            images = usage.layers_bytes - baseline.layers_bytes
            own = layers + number * init if store == CONTAINERD else 0
            containers = usage.containers_bytes - baseline.containers_bytes
            total = usage.total_bytes - baseline.total_bytes
            points.append(ScalePoint(number, layers, images, containers, total, images - own))
            if on_progress is not None:
                on_progress(
                    number, count, scaling(image, image_bytes, written, tuple(points), 0, store)
                )
    finally:
        _remove_scale_containers()
    seconds = time.perf_counter() - started
    return scaling(image, image_bytes, written, tuple(points), seconds, store)


# --- inside a writable layer: docker diff ---------------------------------------------------------


@engine_step("list the container's changes", names={"name": "container"})
def changes(name: str) -> Changes:
    """`docker diff NAME` as a table: A added, C changed, D deleted (relative to the image)."""
    return Changes(name, diff(name))


def _layer_state(name: str) -> tuple:
    """`docker diff`, `docker ps -s` and the upper directory's entries (None: unreadable)."""
    upper = layer_files(name)
    entries = {e.path: e for e in upper.entries} if upper.readable else None
    lines = [f"{d.kind} {d.path}" for d in diff(name)]
    return lines, container_sizes([name])[0].writable_layer_bytes, entries


def _totals(entries: dict) -> tuple[int, int]:
    """The files' sizes and every entry's disk blocks, each inode once (hard links share one)."""
    files = {e.inode: e.size_bytes for e in entries.values() if e.kind != "directory"}
    return sum(files.values()), sum({e.inode: e.allocated_bytes for e in entries.values()}.values())


def _measured_change(
    name: str, action: str, command: str, path: str, file_bytes: int, before: tuple
) -> tuple[LayerChange, tuple]:
    """Run COMMAND in NAME and compare `docker diff`, `docker ps -s` and the upper directory
    with `before`."""
    exec_in(name, command)
    after = _layer_state(name)
    new = tuple(line for line in after[0] if line not in before[0])
    old_upper, new_upper = before[2], after[2]
    if old_upper is None or new_upper is None:
        upper, sizes_grew, blocks_grew = (), -1, -1
    else:
        upper = tuple(e for p, e in sorted(new_upper.items()) if old_upper.get(p) != e)
        upper = tuple(e for e in upper if e.path != ".")
        (old_sizes, old_blocks), (new_sizes, new_blocks) = _totals(old_upper), _totals(new_upper)
        sizes_grew, blocks_grew = new_sizes - old_sizes, new_blocks - old_blocks
    grew = after[1] - before[1]
    change = LayerChange(
        action, command, path, file_bytes, new, grew, upper, sizes_grew, blocks_grew
    )
    return change, after


@engine_step(
    "add, change and delete files in a container", names={"name": "container", "image": "image"}
)
def change_demo(name: str = COW_CONTAINER, image: str = LESSON_IMAGE) -> ChangeDemo:
    """In a fresh container: add a file, change a file of the image, delete a file of the image;
    after each, `docker diff`, `docker ps -s` and the upper directory (the container stays)."""
    run_container(name, image)
    steps = (
        ("add a new file", "echo hello > /app/new.txt", ""),
        ("change a file of the image", 'echo "# changed" >> /app/app.py', "/app/app.py"),
        ("delete a file of the image", "rm /etc/debian_version", "/etc/debian_version"),
    )
    stat = {path: exec_in(name, ["stat", "-c", "%s", path]) for _, _, path in steps if path}
    sizes = {path: int(done.output.strip()) for path, done in stat.items()}
    state = _layer_state(name)
    done = []
    for action, command, path in steps:
        change, state = _measured_change(name, action, command, path, sizes.get(path, 0), state)
        done.append(change)
    return ChangeDemo(name, tuple(done), image_store())


@engine_step("touch the biggest file of the image", names={"name": "container"})
def touch_biggest_file(name: str = COW_CONTAINER) -> LayerChange:
    """`touch` the biggest file under /usr in the container: only its timestamp changes, yet the
    storage driver copies the whole file up into the writable layer first (copy-on-write)."""
    script = "find /usr -xdev -type f -printf '%s %p\\n' | sort -n | tail -n 1"
    size, path = exec_in(name, script).output.split(maxsplit=1)
    path = path.strip()
    action = "change only the timestamp of the biggest file"
    change, _ = _measured_change(
        name, action, f"touch {shlex.quote(path)}", path, int(size), _layer_state(name)
    )
    copy = change.copy
    whole = copy is not None and copy.size_bytes == change.file_bytes
    counted = "the files' sizes"
    if change.grew_by_bytes != change.sizes_grew_bytes:
        counted = "the disk blocks of the copy and its directories"
    claims = (
        claim(
            f"Is a whole copy of {path} in the writable layer now?",
            whole,
            True,
            f"the upper directory holds {copy.size_bytes if copy else 0:,} B of it",
        ),
        claim(
            "Did the writable layer grow by at least the file's size?",
            change.grew_by_bytes >= change.file_bytes,
            True,
            f"docker ps -s: +{change.grew_by_bytes:,} B, {counted}",
        ),
    )
    return dataclasses.replace(change, claims=claims)


# --- the storage driver's view: lower, upper, merged ----------------------------------------------


@engine_step("compare the containers' layers", names=_NAMES)
def shared_layers(names: tuple | list = CONTAINERS[:2]) -> SharedLayers:
    """The overlay mounted as `/` in each container (`docker exec NAME cat /proc/1/mountinfo`:
    works with both image stores), side by side, with what `docker inspect` lists (GraphDriver)
    and the image's layer count: do the containers share the image's layer directories?"""
    facts = engine_facts()
    mounts = [root_mount(name) for name in names]
    listed = storage_layout(names[0])
    container = find_container(names[0])
    layers = image_info(container.image if container else LESSON_IMAGE).layer_count
    uppers, lowers = tuple(m.upper_dir for m in mounts), tuple(m.lower_dirs for m in mounts)
    images = {lower[1:] for lower in lowers}
    same = len(images) == 1 and len(set(uppers)) == len(mounts) and all(uppers)
    count = len(mounts[0].lower_dirs) - 1 if mounts else 0
    because = (
        f"below their own upper and init directories, the same {count} (the image has {layers})"
        if same
        else "their lower directories differ"
    )
    claims = (claim("Do the containers share the image's layers?", same, True, because),)
    dirs_listed = bool(listed.data.get("UpperDir"))
    return SharedLayers(tuple(names), facts.storage, uppers, lowers, layers, dirs_listed, claims)


def _check_via(name: str = "", via: str = "auto", image: str = "") -> None:
    check_via(via, "the upper directory")


@engine_step(
    "read the container's upper directory",
    validate=_check_via,
    names={"name": "container", "image": "image"},
)
def upper_dir(name: str, via: str = "auto", image: str = "") -> UpperDirListing:
    """What sits in a container's upper directory (its writable layer), each entry's size and
    disk blocks, beside what `docker ps -s` says. via="host" reads it on this machine (when the
    Engine's files are here and readable); via="container" bind-mounts that one directory
    read-only into a throw-away container of IMAGE (the container's own by default): `docker run
    --rm -v UPPER:/layer:ro ...`, which works wherever the Engine runs; "auto" takes the first
    that works."""
    listing = layer_files(name, "writable", via, image)
    size = container_sizes([name])[0].writable_layer_bytes
    store = image_store()
    counted = listing.blocks_bytes if store == CONTAINERD else listing.sizes_bytes
    how = "the disk blocks of every entry" if store == CONTAINERD else "the sizes of its files"
    claims = ()
    if listing.readable:
        claims = (
            claim(
                "Is docker ps -s this directory's size?",
                size == counted,
                True,
                f"{size:,} B = {how}",
            ),
        )
    read = (listing.directory, listing.how, listing.readable, listing.reason, listing.entries)
    return UpperDirListing(name, *read, size, store, claims)
