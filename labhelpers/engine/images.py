"""Images: the lesson's base image, builds with live progress, and what the Engine knows of an
image (size, RootFS layers, history, the config `docker image save` carries)."""

from __future__ import annotations

import io
import json
import os
import tarfile
from collections.abc import Iterable

from ..core.commands import docker, show
from ..core.errors import BadInput
from ..core.inputs import check_image_ref
from ..core.labels import is_lab_image, is_mine
from ..core.results import result
from ..core.sessions import built_images
from ..core.units import MIB, si
from .connection import client
from .dockercli import execute
from .ownership import sdk_image
from .step import engine_step

__all__ = [
    "OFFICIAL_BASE_IMAGE",
    "OFFLINE_BASE_IMAGE",
    "BaseImageChoice",
    "ConfigHistoryEntry",
    "HistoryEntry",
    "ImageDetails",
    "ImageInfo",
    "ImageSizes",
    "choose_base_image",
    "find_image",
    "image_history",
    "image_info",
    "image_sizes",
    "lab_image",
    "ping_header",
    "saved_config_history",
]

OFFICIAL_BASE_IMAGE = "python:3.13-slim"
OFFLINE_BASE_IMAGE = "labhelpers/python-base:bookworm"
BASE_IMAGE_SETTING = "LAB_BASE_IMAGE"
LESSON_FILES = ("Dockerfile", "app.py")
_pull_tried: dict[str, bool] = {}


@result
class BaseImageChoice:
    """Which base image the lesson builds on, and why.

    source: "setting" (LAB_BASE_IMAGE), "official", "offline" (built from Debian packages by
    scripts/provision-engine) or "missing".
    """

    image: str
    source: str
    present: bool
    reason: str


def _pull(image: str) -> bool:
    if image not in _pull_tried:
        import docker as sdk

        try:
            execute(show(docker("pull", image)))
            _pull_tried[image] = True
        except sdk.errors.DockerException:
            _pull_tried[image] = False
    return _pull_tried[image]


@engine_step("choose the base image")
def choose_base_image(pull: bool = True) -> BaseImageChoice:
    """Pick the lesson's base image: the LAB_BASE_IMAGE setting, else the official image if present
    or pullable, else the offline image built from Debian packages."""
    setting = os.environ.get(BASE_IMAGE_SETTING, "").strip()
    if setting:
        try:
            check_image_ref(setting)
        except BadInput as exc:
            raise BadInput(
                f"{BASE_IMAGE_SETTING}={setting!r} is not an image reference.",
                f"the lesson's Dockerfile starts FROM it, and {exc.why}",
                f"set {BASE_IMAGE_SETTING} to an image such as python:3.13-slim (or unset it).",
            ) from None
        present = sdk_image(setting) is not None or (pull and _pull(setting))
        why = f"{BASE_IMAGE_SETTING}={setting} is set, and a setting wins."
        return BaseImageChoice(setting, "setting", present, why)
    if sdk_image(OFFICIAL_BASE_IMAGE) is not None:
        why = f"the official {OFFICIAL_BASE_IMAGE} is in the Engine."
        return BaseImageChoice(OFFICIAL_BASE_IMAGE, "official", True, why)
    if sdk_image(OFFLINE_BASE_IMAGE) is not None:
        why = (
            f"{OFFICIAL_BASE_IMAGE} is not in the Engine (no registry reachable), "
            f"so the lesson uses {OFFLINE_BASE_IMAGE}, built from Debian packages."
        )
        return BaseImageChoice(OFFLINE_BASE_IMAGE, "offline", True, why)
    if pull and _pull(OFFICIAL_BASE_IMAGE):
        why = f"pulled the official {OFFICIAL_BASE_IMAGE}."
        return BaseImageChoice(OFFICIAL_BASE_IMAGE, "official", True, why)
    why = (
        f"{OFFICIAL_BASE_IMAGE} cannot be pulled and {OFFLINE_BASE_IMAGE} is "
        "not built: run `sudo scripts/provision-engine`."
    )
    return BaseImageChoice(OFFICIAL_BASE_IMAGE, "missing", False, why)


@result
class ImageInfo:
    """`docker image ls` / `docker image inspect` facts for one image."""

    tag: str
    id: str
    size_bytes: int
    layer_count: int
    lab_owned: bool

    def __repr__(self) -> str:
        whose = "the lab's" if self.lab_owned else "not the lab's (no lab label)"
        layers = f"{self.layer_count} layer{'s' if self.layer_count != 1 else ''}"
        return f"image {self.tag}: id {self.id}, {si(self.size_bytes)}, {layers}; {whose}"


def lab_image(image) -> bool:
    """Is this SDK image the lab's work, made by this account?"""
    return is_lab_image(image.labels, image.tags, image.id, built_images()) and is_mine(
        image.labels
    )


@engine_step("inspect the image", names={"tag": "image"})
def image_info(tag: str = "my-image") -> ImageInfo:
    """`docker image inspect TAG`: id, size (as `docker image ls` shows it) and RootFS layers."""
    if sdk_image(tag) is None:
        raise BadInput(
            f"There is no image '{tag}'.", "it was not built yet.", "build it first (notebook 01)."
        )
    image = execute(show(docker("image", "inspect", tag)))
    layers = image.attrs.get("RootFS", {}).get("Layers", [])
    return ImageInfo(
        tag,
        image.short_id.split(":")[-1],
        int(image.attrs.get("Size") or 0),
        len(layers),
        lab_image(image),
    )


@result
class ImageDetails:
    """`docker image inspect REF`, reduced to what the lessons read."""

    ref: str
    id: str  # short id, without "sha256:"
    tags: tuple
    size_bytes: int  # as `docker image ls` shows it
    layers: tuple  # RootFS layer digests, oldest first
    labels: dict
    env: tuple
    lab_owned: bool


@engine_step("look up the image", names={"ref": "image"})
def find_image(ref: str) -> ImageDetails | None:
    """`docker image inspect REF` (not shown), or None when the Engine has no such image."""
    image = sdk_image(ref)
    if image is None:
        return None
    attrs = image.attrs
    return ImageDetails(
        ref,
        image.id.split(":")[-1][:12],
        tuple(image.tags),
        int(attrs.get("Size") or 0),
        tuple((attrs.get("RootFS") or {}).get("Layers") or ()),
        dict(image.labels or {}),
        tuple((attrs.get("Config") or {}).get("Env") or ()),
        lab_image(image),
    )


@result
class HistoryEntry:
    """One row of `docker image history --no-trunc` (newest first, as the CLI lists them)."""

    id: str  # the step's image id, or "<missing>" when the Engine holds no image for it
    created_by: str
    comment: str
    size_bytes: int


@engine_step("read the image's history", names={"tag": "image"})
def image_history(tag: str) -> tuple:
    """`docker image history --no-trunc TAG`, newest first.

    Raises:
        BadInput: there is no image TAG.
    """
    if sdk_image(tag) is None:
        raise BadInput(
            f"There is no image '{tag}'.",
            "it was not built yet (or was removed).",
            "build it first, then re-run this cell.",
        )
    rows = execute(show(docker("image", "history", "--no-trunc", tag)))
    return tuple(
        HistoryEntry(
            row["Id"],
            row.get("CreatedBy") or "",
            row.get("Comment") or "",
            int(row.get("Size") or 0),
        )
        for row in rows
    )


def ping_header(name: str) -> str:
    """A header of the Engine's /_ping answer ("" when it sends none)."""
    api = client().api
    return api.get(f"{api.base_url}/_ping").headers.get(name, "")


@result
class ConfigHistoryEntry:
    """One entry of the image config's `history` (what `docker image save` carries)."""

    created_by: str
    comment: str
    empty_layer: bool


def config_history_from_tar(stream: io.IOBase) -> tuple:
    """Read the image config's history from a `docker image save` tar, read front to back.

    Works with both layouts the Engine writes (one directory per layer, or OCI `blobs/`): the
    config is the file `manifest.json` names. Stops as soon as both are read, so a large image
    is not read to its end.

    Raises:
        BadInput: the tar holds no manifest.json or no config.
    """
    small: dict[str, bytes] = {}
    manifest = None
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        for member in tar:
            if not member.isfile() or member.size > MIB:
                continue
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            small[member.name] = data
            if member.name == "manifest.json":
                manifest = json.loads(data)
            if manifest and manifest[0].get("Config") in small:
                break
    if not manifest or manifest[0].get("Config") not in small:
        raise BadInput(
            "The saved image holds no manifest.json or no image config.",
            "`docker image save` wrote a layout the lab does not know.",
            "run `docker image save IMAGE | tar -t` and report what it lists.",
        )
    config = json.loads(small[manifest[0]["Config"]])
    return tuple(
        ConfigHistoryEntry(
            entry.get("created_by", ""),
            entry.get("comment", ""),
            bool(entry.get("empty_layer", False)),
        )
        for entry in config.get("history") or []
    )


class _ChunkStream(io.RawIOBase):
    """A file object over an iterator of byte chunks (the SDK's `docker image save` stream)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


@engine_step("read the image config from docker image save", names={"image": "image"})
def saved_config_history(image: str) -> tuple:
    """`docker image save IMAGE | tar -xOf - manifest.json`, streamed: the config's history
    entries, oldest first."""
    command = show(
        docker(
            "image",
            "save",
            image,
            pipe="| tar -xOf - manifest.json",
            note="names the config file; its history[] has empty_layer",
        )
    )
    # An image id names one content: its config never changes, so it is saved once per process
    # (the whole image streams through `docker image save`, seconds for the base image).
    image_id = client().images.get(image).id
    if image_id not in _saved_configs:
        chunks = execute(command)
        try:
            _saved_configs[image_id] = config_history_from_tar(
                io.BufferedReader(_ChunkStream(chunks), MIB)
            )
        finally:
            chunks.close()
    return _saved_configs[image_id]


_saved_configs: dict[str, tuple] = {}  # image id -> its config's history entries


@result
class ImageSizes:
    """An image's size, counted each way the Engine counts it.

    `listed_bytes`: SIZE in `docker image ls`. `inspect_bytes`: Size in `docker image inspect`.
    `content_bytes`: the image's blobs as a registry holds them (compressed layers, config and
    manifest); the containerd image store keeps them, the classic store does not (-1).
    `unpacked_bytes`: the layers unpacked on disk, as containers use them (the snapshots).
    With the containerd image store `docker image ls` shows content + unpacked and `inspect` the
    content; with the classic store all three are the unpacked layers."""

    ref: str
    store: str  # "containerd" or "graph driver"
    listed_bytes: int
    inspect_bytes: int
    content_bytes: int
    unpacked_bytes: int


def _api_at_least(version: str, wanted: str) -> bool:
    def parts(text: str) -> tuple:
        return tuple(int(p) for p in text.split(".") if p.isdigit())

    return parts(version) >= parts(wanted)


@engine_step("measure the image's sizes", names={"ref": "image"})
def image_sizes(ref: str) -> ImageSizes:
    """`docker image ls --tree` (the containerd store's content and unpacked sizes) and
    `docker image inspect -f '{{.Size}}'` for REF.

    Raises:
        BadInput: there is no image REF.
    """
    image = sdk_image(ref)
    if image is None:
        raise BadInput(
            f"There is no image '{ref}'.", "it was not built yet.", "build it first (notebook 01)."
        )
    # --tree (the CLI's view of these sizes) needs API 1.47; before it, a plain listing is all
    # the helper asks for, so that is what it shows
    tree = ["--tree"] if _api_at_least(client().api.api_version, "1.47") else []
    listed = execute(show(docker("image", "ls", *tree, ref)))
    # An id or an untagged image: no match. Then the image's own tag, else every image (with
    # --tree, an Engine with many images takes a while to list them all).
    by_tag = [("image", "ls", *tree, image.tags[0])] if image.tags else []
    for again in (*by_tag, ("image", "ls", "-a", *tree)):
        if any(i.get("Id") == image.id for i in listed):
            break
        listed = execute(show(docker(*again), shown=False))
    row = next((i for i in listed if i.get("Id") == image.id), listed[0] if listed else {})
    inspected = int(image.attrs.get("Size") or 0)
    manifests = [m for m in row.get("Manifests") or [] if m.get("Kind") == "image"]
    if manifests:
        content = sum(int((m.get("Size") or {}).get("Content") or 0) for m in manifests)
        unpacked = sum(
            int(((m.get("ImageData") or {}).get("Size") or {}).get("Unpacked") or 0)
            for m in manifests
        )
        return ImageSizes(
            ref, "containerd", int(row.get("Size") or 0), inspected, content, unpacked
        )
    size = int(row.get("Size") or inspected)
    return ImageSizes(ref, "graph driver", size, inspected, -1, size)
