"""Notebook 99's Engine work (the lesson's `__init__` says what each shows). The selection is
`labhelpers.engine.lab_resources(scope)` and the removal `labhelpers.engine.cleanup(scope)`: the
lab's marks only, by default only this account's work."""

from __future__ import annotations

from ...engine import (
    LESSON_IMAGE,
    MINE,
    cleanup,
    create_container,
    disk_usage,
    engine_step,
    find_image,
    image_sizes,
    image_store,
    lab_resources,
    list_containers,
    list_images,
    list_networks,
    list_volumes,
    remove_created_container,
)
from .results import CleanupResult, InheritedLabels, Inventory, LabItem, Snapshot, Space, Thing

__all__ = [
    "inventory",
    "label_inheritance",
    "remove_lab_resources",
    "space",
    "unlabelled_snapshot",
]


def _own_image_bytes(row, store: str) -> int:
    """An image's own bytes: its size minus what it shares with other images (`docker system
    df -v`: SIZE - SHARED SIZE), -1 when the Engine does not say. With the containerd image store
    SIZE also holds the compressed content, which SHARED SIZE never counts as shared, so this
    takes its unpacked layers (`docker image ls --tree`) minus the shared ones instead."""
    if row is None or row.shared_bytes < 0:
        return -1
    if store != "containerd":
        return row.size_bytes - row.shared_bytes
    unpacked = image_sizes(row.id).unpacked_bytes  # by id: never a name to map
    return max(unpacked - row.shared_bytes, 0) if unpacked >= 0 else -1


@engine_step("list what a cleanup would remove")
def inventory(scope: str = MINE) -> Inventory:
    """The lab's resources a cleanup of SCOPE would remove (`lab_resources`: MINE, what this
    account made; EVERYONE, every account's; SESSION, this kernel's), with their sizes from
    `docker system df -v` (an image's: its unpacked layers that no other image shares)."""
    store = image_store()
    rows = disk_usage().rows
    items = []
    for found in lab_resources(scope):
        if found.kind == "image":
            row = next((r for r in rows if r.kind == "image" and r.id.startswith(found.id)), None)
            size = _own_image_bytes(row, store)
        else:
            row = next((r for r in rows if (r.kind, r.name) == (found.kind, found.name)), None)
            size = row.size_bytes if row is not None and found.kind != "network" else -1
        items.append(LabItem(found.kind, found.name, size, found.owner))
    return Inventory(tuple(items), scope, store)


@engine_step(
    "show that a container inherits its image's labels",
    names={"image": "image", "name": "container"},
)
def label_inheritance(image: str = LESSON_IMAGE, name: str = "label-probe") -> InheritedLabels:
    """`docker create --name NAME IMAGE` with no --label, its labels read back, `docker rm NAME`;
    each label beside whether the image carries it too."""
    created = create_container(name, image, labelled=False)  # no labels passed, on purpose
    remove_created_container(name, created.id)
    found = find_image(image)
    on_image = found.labels if found is not None else {}
    rows = tuple((k, v, on_image.get(k) == v) for k, v in sorted(created.labels.items()))
    return InheritedLabels(name, image, rows)


@engine_step("list everything the cleanup leaves")
def unlabelled_snapshot(scope: str = MINE) -> Snapshot:
    """Every container (id, name, state), volume, image (id, tags) and network that a cleanup of
    SCOPE does not select. Reading only."""
    selected = {(r.kind, r.name) for r in lab_resources(scope)}
    image_ids = tuple(r.id for r in lab_resources(scope) if r.kind == "image")
    things = [
        Thing("container", c.id, c.name, c.state)
        for c in list_containers()
        if ("container", c.name) not in selected
    ]
    things += [Thing("volume", v.name, v.name, "") for v in list_volumes()
               if ("volume", v.name) not in selected]  # fmt: skip
    things += [
        Thing("image", i.id, ", ".join(sorted(i.tags)) or "<none>", "")
        for i in list_images()
        if not any(i.id.startswith(x) or x.startswith(i.id) for x in image_ids)
    ]
    things += [Thing("network", n.id, n.name, "") for n in list_networks()
               if ("network", n.name) not in selected]  # fmt: skip
    return Snapshot(tuple(sorted(things, key=lambda t: (t.kind, t.name, t.id))))


@engine_step("measure the Engine's disk usage")
def space(moment: str) -> Space:
    """`docker system df`: its four lines (images, containers, volumes, build cache)."""
    usage = disk_usage()
    lines = (usage.layers_bytes, usage.containers_bytes, usage.volumes_bytes)
    return Space(moment, image_store(), *lines, usage.build_cache_bytes)


def _sized(kind: str, name: str, listed: tuple) -> LabItem:
    """The inventory's row of a resource the cleanup removed (an image by a tag or its id)."""
    rows = (i for i in listed if i.kind == kind and (i.name == name or name.startswith(i.name)))
    return next(rows, LabItem(kind, name, -1))


@engine_step("remove the lab's resources")
def remove_lab_resources(scope: str = MINE) -> CleanupResult:
    """What `inventory(scope)` lists, removed with `labhelpers.engine.cleanup(scope)`; each
    removed resource keeps the size the inventory gave it, the space reclaimed is measured, and
    everything else is compared before and after."""
    listed = inventory(scope)
    before, others = space("before"), unlabelled_snapshot(scope)
    report = cleanup(scope)
    after, proof = space("after"), others.compare(unlabelled_snapshot(scope))
    removed = tuple(_sized(r.kind, r.name, listed.items) for r in report.removed)
    return CleanupResult(removed, report.reclaimed_bytes, listed.total_bytes, before, after, proof)
