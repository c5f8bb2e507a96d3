"""Engine-wide views (`docker system df`) and the lab's cleanup, by label only."""

from __future__ import annotations

from ._display import announce, cli
from ._engine import client, engine_step
from ._labels import BASE_IMAGE_LABEL, MANAGED, is_lab_image, is_lab_owned, managed_filter
from ._results import result
from ._units import si


@result
class UsageRow:
    """One resource in `docker system df -v`."""

    kind: str
    name: str
    size_bytes: int
    shared_bytes: int
    lab_owned: bool


@result
class DiskUsage:
    """`docker system df -v`: what the Engine stores, by kind.

    `layers_bytes` is every image layer counted once (LayersSize); `containers_bytes` is the sum of
    the writable layers; `volumes_bytes` the data in volumes.
    """

    layers_bytes: int
    containers_bytes: int
    volumes_bytes: int
    build_cache_bytes: int
    rows: tuple

    @property
    def total_bytes(self) -> int:
        return (
            self.layers_bytes + self.containers_bytes + self.volumes_bytes + self.build_cache_bytes
        )


@engine_step("read the Engine's disk usage")
def disk_usage() -> DiskUsage:
    """`docker system df -v`."""
    announce(cli("system", "df", "-v"))
    df = client().df()
    rows = []
    for image in df.get("Images") or []:
        tag = (image.get("RepoTags") or ["<none>"])[0]
        rows.append(
            UsageRow(
                "image",
                tag,
                int(image.get("Size") or 0),
                int(image.get("SharedSize") or 0),
                is_lab_image(image.get("Labels"), image.get("RepoTags")),
            )
        )
    for container in df.get("Containers") or []:
        rows.append(
            UsageRow(
                "container",
                container["Names"][0].lstrip("/"),
                int(container.get("SizeRw") or 0),
                0,
                is_lab_owned(container.get("Labels")),
            )
        )
    for volume in df.get("Volumes") or []:
        size = int((volume.get("UsageData") or {}).get("Size") or 0)
        rows.append(
            UsageRow("volume", volume["Name"], max(size, 0), 0, is_lab_owned(volume.get("Labels")))
        )
    build_cache = sum(int(b.get("Size") or 0) for b in df.get("BuildCache") or [])
    return DiskUsage(
        int(df.get("LayersSize") or 0),
        sum(r.size_bytes for r in rows if r.kind == "container"),
        sum(r.size_bytes for r in rows if r.kind == "volume"),
        build_cache,
        tuple(rows),
    )


@result
class Removed:
    """One resource cleanup removed."""

    kind: str
    name: str
    size_bytes: int


@result
class CleanupReport:
    """What `cleanup` removed and the space it gave back (measured before and after)."""

    removed: tuple
    reclaimed_bytes: int
    commands: tuple

    @property
    def reclaimed(self) -> str:
        return si(self.reclaimed_bytes)


@engine_step("list the lab's resources")
def lab_resources(session_only: bool = False, include_base_image: bool = False) -> tuple:
    """Everything carrying the lab's `managed` label (containers, volumes, images, networks).

    Returns:
        tuples ("container"|"volume"|"image"|"network", name).
    """
    engine = client()
    filters = managed_filter(session_only)
    found = [("container", c.name) for c in engine.containers.list(all=True, filters=filters)]
    found += [("volume", v.name) for v in engine.volumes.list(filters=filters)]
    found += [("network", n.name) for n in engine.networks.list(filters=filters)]
    found += [("image", (image.tags or [image.short_id])[0]) for image in _lab_images(session_only)]
    if include_base_image:
        found += [("image", tag) for tag in _offline_base_tags()]
    return tuple(found)


def _lab_images(session_only: bool) -> list:
    """The lab's images: any value of the managed label, narrowed by `is_lab_image`."""
    images = client().images.list(filters=managed_filter(session_only, images=True))
    return [image for image in images if is_lab_image(image.labels, image.tags)]


def _offline_base_tags() -> list[str]:
    """The provisioned offline base image: selected by its label, narrowed to its own tag (images
    built FROM it inherit the label, and those may be the learner's)."""
    from .images import OFFLINE_BASE_IMAGE

    images = client().images.list(filters={"label": [BASE_IMAGE_LABEL]})
    return [tag for image in images for tag in image.tags if tag == OFFLINE_BASE_IMAGE]


@engine_step("clean up the lab's resources")
def cleanup(session_only: bool = False, include_base_image: bool = False) -> CleanupReport:
    """Remove what the lab created, selected by its label only, and report the space reclaimed.

    Containers go first (with their anonymous volumes), then networks, volumes and images. The
    provisioned offline base image is kept unless `include_base_image` (rebuilding it takes a
    minute or two). Anything without the lab's labels is never selected, whatever its name.
    """
    engine = client()
    filters = managed_filter(session_only)
    before = disk_usage.__wrapped_step__()  # type: ignore[attr-defined]
    sizes = {(r.kind, r.name): r.size_bytes for r in before.rows}
    removed, commands = [], []

    def note(kind: str, name: str, command: str) -> None:
        announce(command)
        commands.append(command)
        removed.append(Removed(kind, name, sizes.get((kind, name), 0)))

    label = f"label={MANAGED}"
    for container in engine.containers.list(all=True, filters=filters):
        container.remove(force=True, v=True)
        note("container", container.name, cli("rm", "-f", "-v", container.name))
    for network in engine.networks.list(filters=filters):
        network.remove()
        note("network", network.name, cli("network", "rm", network.name))
    for volume in engine.volumes.list(filters=filters):
        volume.remove(force=True)
        note("volume", volume.name, cli("volume", "rm", volume.name))
    images = _lab_images(session_only)
    tags = [tag for image in images for tag in (image.tags or [image.id])]
    if include_base_image:
        tags += _offline_base_tags()
    for tag in tags:
        engine.images.remove(tag, force=True, noprune=False)
        note("image", tag, cli("image", "rm", tag))
    if images:
        # Dangling (untagged) images with the label at all: is_lab_image counts those as the lab's.
        engine.images.prune(filters={"dangling": True, "label": [MANAGED]})
        commands.append(cli("image", "prune", "-f", "--filter", label))
    after = disk_usage.__wrapped_step__()  # type: ignore[attr-defined]
    return CleanupReport(
        tuple(removed), max(before.total_bytes - after.total_bytes, 0), tuple(commands)
    )
