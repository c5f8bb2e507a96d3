"""Checks of what a learner hands a helper: names, image references, sizes, counts and paths.

Each check is a plain function that returns nothing or raises `BadInput` with the lab's three
parts (what failed, why, what to do). They read no Engine and change nothing, so an Engine step
runs them as its `validate` function (`engine_step(..., validate=...)`): bad input is refused the
same way live, in a replay and with no Engine at all.

The rules are Docker's own, found by experiment (Docker Engine 20.10 and 28):

* container and volume names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+` (two characters at least). The
  Engine takes container names of any length and volume names up to 255 characters (the `local`
  driver makes a folder of that name); the lab keeps both to MAX_NAME_CHARS, so that its prefix
  (`lab-`) and a session's suffix always fit. A name of 12 to 64 hex digits is an id to Docker
  (and to the lab): reserved.
* image references: lower-case path components (`[a-z0-9]+` joined by `.`, `_`, `__` or `-`)
  separated by `/`, an optional registry in front (`localhost:5000/`), an optional tag of at most
  128 characters (`[A-Za-z0-9_][A-Za-z0-9_.-]*`) or a digest. Length: Docker 28 counts the path
  only (`library/NAME` for a one-part name: at most 255), but 20.10's daemon counts the whole
  name as it stores it (`docker.io/library/NAME`, `localhost:5000/PATH`: at most 255, so a
  one-part name stops at 237 characters); the lab takes what every Engine takes. `scratch` (also
  as `library/scratch` or `docker.io/library/scratch`) is reserved (`FROM scratch` means no image
  at all; `docker pull scratch` is refused).
* sizes: a real number (not a bool, NaN or infinity) from 0 to MAX_SIZE_MIB (1 EiB: more than
  any disk; beyond it a size in bytes overflows a float).
* mount targets: absolute, and not the container's `/` once cleaned as Docker cleans it (`/.`,
  `/a/..` and `//` are `/` too).
"""

from __future__ import annotations

import math
import os
import posixpath
import re

from .errors import BadInput

__all__ = [
    "MAX_NAME_CHARS",
    "MAX_SIZE_MIB",
    "MAX_TAG_CHARS",
    "check_bind_source",
    "check_folder",
    "check_image_ref",
    "check_image_tag",
    "check_inside",
    "check_mount_target",
    "check_name",
    "check_size_mib",
    "check_slider",
    "is_number",
    "is_whole",
]

MAX_NAME_CHARS = 128
MAX_TAG_CHARS = 128
MAX_REPOSITORY_CHARS = 255
MAX_SIZE_MIB = 2**40  # 1 EiB
DEFAULT_REGISTRY = "docker.io"
NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]+")
LOOKS_LIKE_ID = re.compile(r"(sha256:)?[0-9a-f]{12,64}")
_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_DOMAIN = re.compile(
    r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
    r"(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?"
)
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")
RESERVED_IMAGES = ("docker.io/library/scratch",)


def _shown(value: object, most: int = 60) -> str:
    """VALUE as Python shows it, cut to MOST characters (a message names the input, not a page)."""
    text = repr(value)
    return text if len(text) <= most else f"{text[: most - 3]}..."


def is_number(value: object) -> bool:
    """A real, finite number (not a bool, not NaN, not infinity)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, int) or math.isfinite(value)  # a huge int is finite, not a float


def is_whole(value: object, low: int, high: int) -> bool:
    """A whole number (an int, not a bool) from LOW to HIGH."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def check_size_mib(size_mib: float, limit_mib: float | None = None) -> None:
    """A size the lab can write: a real number >= 0 (and <= `limit_mib`, and <= MAX_SIZE_MIB).

    Raises:
        BadInput: anything else (text, NaN, infinity, a negative size, too large).
    """
    most = MAX_SIZE_MIB if limit_mib is None else min(limit_mib, MAX_SIZE_MIB)
    if not is_number(size_mib) or size_mib < 0 or size_mib > most:
        raise BadInput(
            f"Cannot write {_shown(size_mib)} MiB.",
            f"the size must be a number from 0 to {most:,} (MiB)"
            + (" (1 EiB: more than any disk)." if most == MAX_SIZE_MIB else "."),
            "pass a size such as 4 (MiB).",
        )


def check_slider(value: object, low: int, high: int, what: str) -> None:
    """VALUE is a whole number a slider from LOW to HIGH could hold (WHAT it sets, for the
    message): a widget's callback checks what it was handed before it acts.

    Raises:
        BadInput: anything else.
    """
    if not is_whole(value, low, high):
        raise BadInput(
            f"Cannot use {_shown(value)} for {what}.",
            f"the slider goes from {low} to {high}: the widget acts only on what it could show.",
            f"pick a value from {low} to {high} on the slider.",
        )


def check_name(name: object, kind: str = "container", creating: bool = True) -> None:
    """NAME can name a container or a volume (KIND) on every Engine. `creating`: the lab is to
    make it (an id-like name is then refused; an anonymous volume may be used by its id).

    Raises:
        BadInput: not text, too short or too long, a character Docker refuses, or an id.
    """
    example = "my-vol" if kind == "volume" else "my-cont-1"
    if not isinstance(name, str) or not name:
        random = " (`docker volume create` without one makes one up)" if kind == "volume" else ""
        raise BadInput(
            f"The {kind} needs a name, not {_shown(name)}.",
            f"the lab names everything it makes, so that you can find it again{random}.",
            f"pass a name such as {example}.",
        )
    if len(name) > MAX_NAME_CHARS:
        raise BadInput(
            f"The {kind} name {name[:20]}... is {len(name)} characters long.",
            f"the lab keeps names to {MAX_NAME_CHARS} characters (Docker's `local` volumes stop at "
            "255, and the lab may add a prefix or a session's suffix).",
            "pass a shorter name.",
        )
    if not NAME.fullmatch(name):
        raise BadInput(
            f"{name!r} cannot name a {kind}.",
            "Docker takes names of two characters or more, made of letters, digits, '_', '.' and "
            "'-', starting with a letter or a digit.",
            f"pass a name such as {example}.",
        )
    if creating and LOOKS_LIKE_ID.fullmatch(name):
        raise BadInput(
            f"{name!r} cannot name a {kind}: it looks like an id.",
            "Docker (and the lab) read 12 to 64 hex digits as an id, so the name would be "
            "mistaken for one.",
            "pass a name with a letter beyond a-f, or a '-' in it.",
        )


def _split_reference(ref: str) -> tuple[str, str, str, str]:
    """(domain, path, tag, digest) of an image reference (no checks), split as Docker splits it
    (`splitDockerDomain`): the first part is a registry when it has a '.' or ':', is
    `localhost`, or has capitals."""
    rest, _, digest = ref.partition("@")
    last = rest.rsplit("/", 1)[-1]
    tag = ""
    if ":" in last:
        rest, tag = rest.rsplit(":", 1)
        tag = tag or ":"  # "name:" has an empty tag: invalid, kept visible
    first, slash, remainder = rest.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        return first, remainder, tag, digest
    return "", rest, tag, digest


def _full_name(domain: str, path: str) -> str:
    """The name as Docker stores it: `docker.io/library/NAME` for a one-part NAME."""
    if domain in ("", "index.docker.io"):
        domain = DEFAULT_REGISTRY
    if domain == DEFAULT_REGISTRY and "/" not in path:
        path = f"library/{path}"
    return f"{domain}/{path}"


def _bad_reference(ref: object, why: str, todo: str = "") -> BadInput:
    return BadInput(
        f"{_shown(ref)} is not an image name Docker takes.",
        why,
        todo or "pass a name such as my-image or my-image:v2 (lower case).",
    )


def check_image_tag(tag: object) -> None:
    """TAG can name an image the lab builds (`docker build -t TAG`): NAME or NAME:TAG.

    Raises:
        BadInput: not a reference Docker takes for a tag, or reserved (`scratch`).
    """
    if not isinstance(tag, str) or not tag:
        raise _bad_reference(tag, "an image name is text, such as my-image.")
    if "@" in tag:
        raise _bad_reference(
            tag,
            "a digest (@sha256:...) names an image that exists; a build gives a name and a tag.",
        )
    if LOOKS_LIKE_ID.fullmatch(tag):
        raise _bad_reference(tag, "Docker reads 12 to 64 hex digits as an image id, not a name.")
    _check_reference(tag)
    domain, path, _tag, _digest = _split_reference(tag)
    if _full_name(domain, path) in RESERVED_IMAGES:
        raise BadInput(
            f"{tag!r} is a name Docker reserves.",
            "`FROM scratch` means no base image at all, and `docker pull scratch` is refused: an "
            "image of yours by that name could never be built upon.",
            "pass another name, such as my-image.",
        )


def check_image_ref(ref: object) -> None:
    """REF can name an image to use: NAME[:TAG][@DIGEST], or an image id.

    Raises:
        BadInput: not a reference Docker takes.
    """
    if isinstance(ref, str) and LOOKS_LIKE_ID.fullmatch(ref):
        return
    if not isinstance(ref, str) or not ref:
        raise _bad_reference(ref, "an image name is text, such as my-image.")
    _check_reference(ref)


def _check_reference(ref: str) -> None:
    domain, path, tag, digest = _split_reference(ref)
    if "@" in ref and not _DIGEST.fullmatch(digest):
        raise _bad_reference(
            ref, "a digest after '@' is an algorithm and hex digits (@sha256:...)."
        )
    if domain and not _DOMAIN.fullmatch(domain):
        raise _bad_reference(ref, f"{domain!r} is not a registry's address.")
    components = path.split("/")
    if path != path.lower():
        lowered = path.lower()
        fixed = all(_COMPONENT.fullmatch(c) for c in lowered.split("/"))
        raise _bad_reference(
            ref,
            "an image's name is lower case (only the tag after ':' may have capitals).",
            f"pass {lowered}{':' + tag if tag else ''} instead." if fixed else "",
        )
    if not all(_COMPONENT.fullmatch(c) for c in components):
        raise _bad_reference(
            ref,
            "each part of an image's name (between '/') is lower-case letters and digits, "
            "joined by '.', '_', '__' or '-' (never at its start or end).",
        )
    counted = _full_name(domain, path)
    if len(counted) > MAX_REPOSITORY_CHARS:
        raise _bad_reference(
            ref,
            f"an image's name may be at most {MAX_REPOSITORY_CHARS} characters as Docker 20.10 "
            f"stores it ({counted[:18]}...: a one-part name counts as docker.io/library/NAME), "
            f"and this one is {len(counted)}.",
            "pass a shorter name.",
        )
    if tag and not _TAG.fullmatch(tag):
        why = (
            f"a tag is at most {MAX_TAG_CHARS} characters, and this one is {len(tag)}."
            if len(tag) > MAX_TAG_CHARS
            else "a tag is letters, digits, '_', '.' and '-', and starts with a letter, digit or "
            "'_'."
        )
        raise _bad_reference(ref, why, "pass a tag such as v2 or latest.")


def check_inside(path: object, where: str) -> None:
    """PATH names a file inside WHERE (a volume, say): relative, not empty, never climbing out
    with `..` (a leading '/' is read as relative to WHERE).

    Raises:
        BadInput: anything else.
    """
    if not isinstance(path, str) or not path.strip("/"):
        raise BadInput(
            f"Not reading {_shown(path)} from {where}.",
            "the helper reads one file, named by its path inside it.",
            "pass a path such as file.txt or data/file.txt.",
        )
    if "\0" in path:
        raise BadInput(
            f"Not reading {_shown(path)} from {where}.",
            "a path cannot hold the character NUL (\\0): no file is named that way.",
            "pass a path such as file.txt or data/file.txt.",
        )
    if posixpath.normpath(path.lstrip("/")) == ".":
        raise BadInput(
            f"Not reading {_shown(path)} from {where}.",
            "that names the folder itself, and the helper reads one file.",
            "pass a path such as file.txt or data/file.txt.",
        )
    if ".." in path.lstrip("/").split("/"):
        raise BadInput(
            f"Not reading {_shown(path)} from {where}.",
            "`..` would climb out of the volume's folder.",
            "pass a path inside the volume, such as file.txt or data/file.txt.",
        )


def check_mount_target(target: object) -> None:
    """TARGET is where a mount may go in a container: an absolute path, not `/` itself (nor
    `/.`, `/a/..` or `//`: Docker cleans the path first, and refuses what then is `/`).

    Raises:
        BadInput: a relative path, `/`, or not text.
    """
    if not isinstance(target, str) or not target.startswith("/"):
        raise BadInput(
            f"Cannot mount at {_shown(target)}: it is not an absolute path in the container.",
            "Docker mounts at absolute paths only (`-v SOURCE:/data`); a relative one is refused.",
            "pass a path that starts with '/', such as /data.",
        )
    if posixpath.normpath(target).strip("/") == "" or "\0" in target:
        raise BadInput(
            f"Cannot mount at {_shown(target)}.",
            "the container's / is its own filesystem (the image's layers and its writable "
            "layer); Docker refuses a mount over it.",
            "pass a folder below it, such as /data.",
        )


def _printable_path(path: str | os.PathLike) -> bool:
    """Not empty, and no control characters (NUL, new lines, ...): a path a message can show."""
    text = os.fspath(path)
    return isinstance(text, str) and bool(text) and text.isprintable()


def check_bind_source(path: object) -> None:
    """PATH can be bind-mounted: a path (a relative one is taken from the current folder, the
    notebook's, as `-v ./data:...` does) that exists and is not the host's root (nor a link to it).

    Raises:
        BadInput: not a path, it does not exist, or it is `/`.
    """
    if not isinstance(path, (str, os.PathLike)) or not _printable_path(path):
        raise BadInput(
            f"Cannot bind-mount {_shown(path)}: it is not a path on this machine.",
            "a bind mount shows a file or folder of this machine inside the container.",
            "pass a folder's path, such as workspace/data.",
        )
    given = os.fspath(path)
    absolute = os.path.abspath(given)
    if os.path.realpath(absolute) == os.path.abspath(os.sep):
        raise BadInput(
            f"Not bind-mounting {given}: it is the host's root folder /.",
            "the container would see, and as root could change, every file of this machine.",
            "bind-mount the one folder the container needs (`mkdir -p ./data`, then ./data).",
        )
    if not os.path.exists(absolute):
        raise BadInput(  # a relative path shows as the absolute one it stands for
            f"Cannot bind-mount {absolute}: it does not exist on this machine.",
            "`docker run -v` would quietly create an empty directory owned by root there, "
            "which is rarely what you meant (`--mount type=bind` refuses instead).",
            f"create it first (`mkdir -p {absolute}`) or fix the path.",
        )


def check_folder(path: object, what: str) -> None:
    """PATH can be a host folder the lab writes into (WHAT it is for): missing (it will be
    created) or a folder; never a file, never the host's root.

    Raises:
        BadInput: it is a file (or something else that is not a folder), or `/`.
    """
    if not isinstance(path, (str, os.PathLike)) or not _printable_path(path):
        raise BadInput(
            f"{_shown(path)} cannot be {what}.",
            "it must be the path of a folder on this machine.",
            "pass a folder's path, such as workspace/data.",
        )
    absolute = os.path.abspath(os.fspath(path))
    if os.path.realpath(absolute) == os.path.abspath(os.sep):
        raise BadInput(
            f"Not using {os.fspath(path)}, the host's root folder /, as {what}.",
            "the lab would bind-mount it into a container and write files there.",
            "pass a folder of its own, such as workspace/data.",
        )
    if os.path.exists(absolute) and not os.path.isdir(absolute):
        raise BadInput(
            f"{os.fspath(path)} cannot be {what}: it is a file.",
            "the lab needs a folder there (it creates a missing one, but never replaces a file).",
            "pass the path of a folder, or move the file away.",
        )
