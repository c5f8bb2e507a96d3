"""The names the lab gives what it creates: the lecture's, unless the learner owns them.

The lecture names its things `my-image`, `my-vol`, `my-cont-1`, ...; a learner who followed it
has often made some of them already. Those are the learner's: the lab never changes or removes
them. So before the course creates anything the lab looks once for such clashes and chooses a
prefix for all of its names on that Engine: none when nothing clashes, else `lab-` (or `lab2-`,
... if that clashes too). The choice is kept in the lab's state folder, per Engine, so every
notebook and kernel uses the same names.

Names are mapped in one place: an Engine step declares which of its parameters are course names
(`@engine_step(..., names={"name": "container"})`) and the step decorator maps them with
`course_name` when the step is called, live. Lessons never map names themselves. Mapping is
idempotent (a name that has the prefix already, or this session's suffix, stays as it is), so a
result's name handed back to another step names the same thing.

Two live sessions (kernels) of the lab never share a container or volume name: when another live
session of this account holds one, this session adds a suffix of its own (`my-cont-1-s3f2a`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import os
import re
import time
from importlib import resources

from ..core.errors import BadInput
from ..core.labels import full_tag, is_lab_image, is_mine, is_my_lab_work
from ..core.results import result
from ..core.sessions import (
    LIVE,
    SESSION_ID,
    built_images,
    held_by,
    read_json,
    register,
    state_dir,
    write_json,
)
from ..core.table import Table, TableShown
from .connection import client, engine_id
from .mounts import MountSpec

__all__ = [
    "EXERCISE",
    "LECTURE_NAMES",
    "PREFIX_SETTING",
    "Clash",
    "NamePlan",
    "choose",
    "course_name",
    "course_names",
    "current_prefix",
    "find",
    "held_elsewhere",
    "is_mine_found",
    "labels_of",
    "learners",
    "listed_name",
    "listed_tags",
    "mapped",
    "remember",
    "rename_in_text",
    "taken",
]

PREFIX_SETTING = "LABHELPERS_NAME_PREFIX"  # force a prefix (tests, or a learner's own choice)
LECTURE_NAMES = (
    ("image", "my-image"),
    ("volume", "my-vol"),
    ("container", "my-cont-1"),
    ("container", "my-cont-2"),
    ("container", "my-cont-3"),
)
_ID = re.compile(r"^(sha256:)?[0-9a-f]{12,64}$")
# What a learner makes in a terminal for an exercise keeps the name the exercise gives it: the
# learner types it, the check looks for exactly that.
EXERCISE = re.compile(r"^(ex\d\d-[a-z0-9-]+|my-layer-exercise|my-first-volume)$")
MADE_UP = re.compile(r"^lab-probe-[0-9a-f]+$")  # throw-away names of the lab's own: random
_SUFFIX = "-s" + hashlib.sha1(SESSION_ID.encode()).hexdigest()[:5]
_plans: dict[str, NamePlan] = {}  # the choice, per Engine (also kept in the state folder)
_suffixed: dict[tuple[str, str], str] = {}  # names another live session held when first asked


@result
class Clash:
    """A name the course uses that something not the lab's (or another account's) has."""

    kind: str
    name: str


@result
class NamePlan(TableShown):
    """The course's names on this Engine: `prefix` before each ("" = the lecture's names)."""

    engine_id: str
    prefix: str
    clashes: tuple
    reason: str

    def table(self) -> Table:
        rows = [(c.kind, c.name, "yours", self.prefix + c.name) for c in self.clashes]
        rows += [
            (kind, name, "free", self.prefix + name)
            for kind, name in LECTURE_NAMES
            if Clash(kind, name) not in self.clashes
        ]
        return Table(["kind", "the lecture's name", "on your Engine", "the course uses"], rows)

    def notice(self) -> str:
        """One line for the start of a notebook (empty when the lecture's names are used)."""
        if not self.prefix:
            return ""
        mine = ", ".join(c.name for c in self.clashes) or "some of the lecture's names"
        return (
            f"Names: {mine} on this Engine are yours, so this course names everything it makes "
            f"with '{self.prefix}' in front ({self.prefix}my-image, {self.prefix}my-vol, ...): "
            "in printed commands, tables, checks and exercises too. Yours are never touched."
        )


def course_names() -> tuple:
    """(kind, name) of everything the course creates under a fixed name: the lecture's names and
    the names listed in labhelpers/recordings/names.json (written when recordings are made)."""
    listed = list(LECTURE_NAMES)
    path = resources.files("labhelpers").joinpath("recordings", "names.json")
    if path.is_file():
        for kind, names in json.loads(path.read_text()).items():
            listed += [(kind, name) for name in names]
    return tuple(dict.fromkeys(listed))


def mapped(name: object) -> bool:
    """Does the lab choose this name (rather than it naming something not the lab's)?"""
    if not isinstance(name, str) or not name or _ID.match(name) or "/" in name:
        return False
    if name.startswith(("python:", "<")) or EXERCISE.match(name.split(":", 1)[0]):
        return False
    if MADE_UP.match(name):
        return False
    repository = name.split("@", 1)[0].rsplit(":", 1)[0]
    return bool(re.match(r"^[a-z0-9][a-z0-9_.-]*$", repository))


# --- who has a name -------------------------------------------------------------------------------


def find(kind: str, name: str):
    """The SDK's container, volume or image (KIND) named NAME, or None when there is none."""
    import docker

    try:
        return getattr(client(), f"{kind}s").get(name)
    except docker.errors.NotFound:  # ImageNotFound is one too
        return None


def labels_of(kind: str, found) -> dict:
    """The labels of FOUND, the SDK's KIND (none for None)."""
    if found is None:
        return {}
    return (found.attrs.get("Labels") if kind == "volume" else found.labels) or {}


def is_mine_found(kind: str, name: str, found) -> bool:
    """Is FOUND, the SDK's KIND NAME, this account's lab work? (An image: its mark names one of
    its tags, or its id is one the lab built.)"""
    labels = labels_of(kind, found)
    if kind == "image":
        return is_lab_image(labels, found.tags, found.id, built_images()) and is_mine(labels)
    return is_my_lab_work(kind, name, labels)


def learners(kind: str, name: str) -> bool:
    """Is there a KIND NAME that is not this account's lab work (the learner's own, or another
    account's lab work on a shared Engine)?"""
    found = find(kind, name)
    return found is not None and not is_mine_found(kind, name, found)


def taken(kind: str, name: str) -> bool:
    """Does another live session of this account hold KIND NAME (a container or volume)?"""
    if kind not in ("container", "volume"):
        return False  # images are shared: a rebuild under the same tag replaces nothing live
    found = find(kind, name)
    if found is None or not is_mine_found(kind, name, found):
        return False
    return held_by(kind, found.id if kind == "container" else found.name) == LIVE


def _clashes(prefix: str) -> tuple:
    """The course's names (with PREFIX) that something not this account's lab work has: three
    listings of the Engine (containers, volumes, images), not one question per name. Each lists
    only the course's names, and its rows are read as they are (names, tags, labels): the SDK's
    `.list()` would inspect each container and image once more, and an Engine lists everything
    else it holds slowly (the containerd store sizes every image it lists)."""
    ours = {(kind, name): full_tag(prefix + name) if kind == "image" else prefix + name
            for kind, name in course_names()}  # fmt: skip
    wanted = {kind: sorted(n for (k, _), n in ours.items() if k == kind) for kind, _ in ours}
    api = client().api
    taken: dict[tuple[str, str], bool] = {}
    if wanted.get("container"):  # a name filter is a pattern: these names exactly
        exact = ["^/?" + name.replace(".", "\\.") + "$" for name in wanted["container"]]
        for c in api.containers(all=True, filters={"name": exact}):
            for name in c.get("Names") or ():
                name = name.lstrip("/")
                taken[("container", name)] = not is_my_lab_work("container", name, c.get("Labels"))
    if wanted.get("volume"):
        for v in api.volumes().get("Volumes") or ():
            taken[("volume", v["Name"])] = not is_my_lab_work("volume", v["Name"], v.get("Labels"))
    if wanted.get("image"):
        built = built_images()
        for image in api.images(filters={"reference": wanted["image"]}):
            labels, tags = image.get("Labels") or {}, listed_tags(image)
            mine = is_lab_image(labels, tags, image.get("Id", ""), built) and is_mine(labels)
            for tag in tags:
                taken[("image", tag)] = not mine
    return tuple(Clash(kind, name) for (kind, name), as_named in ours.items()
                 if taken.get((kind, as_named)))  # fmt: skip


def listed_name(row: dict) -> str:
    """The name of a container row of `docker ps` (its Names also hold the aliases a legacy
    --link gave it, OTHER/ALIAS), as the SDK's `Container.name` has it."""
    names = [name.lstrip("/") for name in row.get("Names") or ()]
    return next((name for name in names if "/" not in name), names[0] if names else "")


def listed_tags(row: dict) -> list:
    """The tags of an image row of `docker image ls` (the Engine's `<none>:<none>` is none), as
    the SDK's `Image.tags` has them."""
    return [tag for tag in row.get("RepoTags") or () if tag != "<none>:<none>"]


# --- the plan -------------------------------------------------------------------------------------


def _state_file():
    return state_dir() / "names.json"


def _forced() -> str | None:
    value = os.environ.get(PREFIX_SETTING)
    if value is None:
        return None
    if value and not re.match(r"^[a-z0-9][a-z0-9_.-]*$", value):
        raise BadInput(
            f"{PREFIX_SETTING}={value!r} cannot start a Docker name.",
            "names may hold lower-case letters, digits, '_', '.' and '-', and start with a "
            "letter or digit.",
            f"set {PREFIX_SETTING} to something like lab- (or unset it).",
        )
    return value


def remember(chosen: NamePlan) -> NamePlan:
    """Keep CHOSEN as this Engine's plan (in this process and in the state folder)."""
    saved = read_json(_state_file(), {})
    saved = saved if isinstance(saved, dict) else {}
    saved[chosen.engine_id] = {
        "prefix": chosen.prefix,
        "clashes": [[c.kind, c.name] for c in chosen.clashes],
        "reason": chosen.reason,
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }
    write_json(_state_file(), saved)  # not remembered: the same choice is made again next time
    _plans[chosen.engine_id] = chosen
    _suffixed.clear()
    return chosen


def choose(refresh: bool = False) -> NamePlan:
    """The course's names on this Engine: remembered, or chosen now from the clashes found.

    Chosen once per Engine: the lecture's names when none is taken by something not this
    account's lab work, else the first prefix (`lab-`, `lab2-`, ...) under which none is. A
    prefix stays chosen until the learner goes back to the lecture's names (notebook 00).
    `refresh` looks again. Live only: the step decorator and the lessons' steps call it.

    Raises:
        DockerUnavailable: no Engine answers.
    """
    register()
    engine = engine_id()
    forced = _forced()
    if forced is not None:
        chosen = NamePlan(engine, forced, _clashes(""), f"{PREFIX_SETTING}={forced} is set")
        _plans[engine] = chosen
        return chosen
    if engine in _plans and not refresh:
        return _plans[engine]
    saved = read_json(_state_file(), {})
    remembered = saved.get(engine) if isinstance(saved, dict) else None
    clashes = _clashes("")
    if remembered and (remembered.get("prefix") or not clashes):
        prefix = remembered.get("prefix", "")
        chosen = NamePlan(engine, prefix, clashes, remembered.get("reason", "remembered"))
    elif not clashes:
        chosen = NamePlan(engine, "", (), "none of the course's names is taken")
    else:
        prefixes = itertools.chain(["lab-"], (f"lab{n}-" for n in itertools.count(2)))
        prefix = next(p for p in prefixes if not _clashes(p))
        mine = ", ".join(c.name for c in clashes)
        chosen = NamePlan(engine, prefix, clashes, f"{mine} on this Engine are yours")
    return remember(chosen)


def current_prefix() -> str | None:
    """The prefix this process chose on the last Engine it asked (None: it asked none). No
    Engine call: for a caller that must not make one."""
    return next(reversed(_plans.values())).prefix if _plans else None


# --- mapping ----------------------------------------------------------------------------------


def _one(name: str, kind: str) -> str:
    if not mapped(name):
        return name
    prefix = choose().prefix
    if name.endswith(_SUFFIX):
        return name  # this session's own name
    if not (prefix and name.startswith(prefix)):
        name = prefix + name
    key = (kind, name)
    if key not in _suffixed:
        _suffixed[key] = name + _SUFFIX if taken(kind, name) else name
    return _suffixed[key]


def course_name(value: object, kind: str) -> object:
    """VALUE with the course's names as this Engine and session have them: the prefix before
    each, and this session's suffix where another live session holds the name. KIND: "container",
    "volume", "image", "network"; "mounts" (MountSpecs: their volume names) and "from"
    (`--volumes-from` values, NAME or NAME:ro). Lists and tuples are mapped item by item."""
    if isinstance(value, (list, tuple)):
        return type(value)(course_name(item, kind) for item in value)
    if kind == "mounts":
        if isinstance(value, MountSpec) and value.kind == "volume" and value.source:
            return dataclasses.replace(value, source=_one(value.source, "volume"))
        return value
    if not isinstance(value, str):
        return value
    if kind == "from":
        name, colon, mode = value.partition(":")
        return _one(name, "container") + colon + mode
    return _one(value, kind)


def held_elsewhere(kind: str, name: str) -> str:
    """The name to use after the Engine refused to create NAME because another kernel made it a
    moment before: this session's suffixed name, at once (under load the other kernel may not be
    seen as live yet, and asking again whose it is would race again)."""
    base = name.removesuffix(_SUFFIX)
    _suffixed[(kind, base)] = base + _SUFFIX
    return base + _SUFFIX


def rename_in_text(text: str) -> str:
    """TEXT (a solution script, a quiz) with every course name in it as this Engine has it: what
    the learner should type here. Names inside longer names are left alone."""
    prefix = choose().prefix
    if not prefix:
        return text
    for kind, name in sorted(course_names(), key=lambda kn: -len(kn[1])):
        if mapped(name):
            pattern = re.compile(rf"(?<![\w./:-]){re.escape(name)}(?![\w-])")
            text = pattern.sub(_one(name, kind), text)
    return text
