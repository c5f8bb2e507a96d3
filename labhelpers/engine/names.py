"""The names the lab gives what it creates: the lecture's, unless the learner owns them.

The lecture names its things `my-image`, `my-vol`, `my-cont-1`, ...; a learner who followed it
has often made some of them already. Those are the learner's: the lab never changes or removes
them. So before the course creates anything, the lab looks once for such clashes and chooses a
prefix for all of its names on that Engine: none when nothing clashes, else `lab-` (or `lab2-`,
... if that clashes too). The choice is kept in the lab's state folder, per Engine, so every
notebook and kernel uses the same names; `use_lecture_names()` goes back to the lecture's names,
and with `remove_mine=True` removes the learner's clashing resources first (only when asked).

Every Engine function maps the names it is given with `real()` (so notebooks keep passing the
lecture's names, and every printed command, table, check and hint shows the names really used).
Not mapped: image references with a registry path or the official base image, and ids.

Two live sessions (kernels) of the lab never share a container, volume or image name: when
another live session holds one, this session adds a suffix of its own (`my-cont-1-s3f2a`).
"""

from __future__ import annotations

import hashlib
import json
import re
import time

from ..core.echo import announce, cli
from ..core.errors import BadInput
from ..core.labels import MANAGED, SESSION, SESSION_ID, is_lab_image, is_lab_owned
from ..core.results import result
from ..core.sessions import is_live, register, state_dir
from ..replay import modes
from ..views.table import Table, TableShown
from . import audit
from .connection import client
from .step import engine_step

__all__ = [
    "EXERCISE",
    "LECTURE_NAMES",
    "LOG_SETTING",
    "PREFIX_SETTING",
    "Clash",
    "NamePlan",
    "chosen_prefix",
    "course_names",
    "forget",
    "plan",
    "real",
    "rename_in_text",
    "use_lecture_names",
]

PREFIX_SETTING = "LABHELPERS_NAME_PREFIX"  # force a prefix (tests, or a learner's own choice)
# The lecture's own names: what a learner who followed it is likely to have made.
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
# Throw-away names the lab makes up (random, so never the learner's): left as they are.
MADE_UP = re.compile(r"^lab-probe-[0-9a-f]+$")
_plans: dict[str, NamePlan] = {}
_suffixed: dict[tuple[str, str], str] = {}
# Names real() gave, with the lecture's name each stands for: mapping one again changes nothing.
_produced: dict[str, str] = {}
_SUFFIX = hashlib.sha1(SESSION_ID.encode()).hexdigest()[:5]  # this session's, in names it holds
LOG_SETTING = "LABHELPERS_NAMES_LOG"  # a live run writes every course name it uses here


@result
class Clash:
    """A name the course uses that something of the learner's already has."""

    kind: str
    name: str


@result
class NamePlan(TableShown):
    """The course's names on this Engine: `prefix` before each ("" = the lecture's names)."""

    engine_id: str
    prefix: str
    clashes: tuple
    reason: str

    def real(self, name: str) -> str:
        return self.prefix + name

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
    the names listed in labhelpers/recordings/names.json (made by `make record`)."""
    from importlib import resources

    listed = list(LECTURE_NAMES)
    path = resources.files("labhelpers").joinpath("recordings", "names.json")
    if path.is_file():
        for kind, names in json.loads(path.read_text()).items():
            listed += [(kind, name) for name in names]
    return tuple(dict.fromkeys(listed))


def mapped(name: str) -> bool:
    """Does the lab choose this name (rather than it naming something not the lab's)?"""
    if not isinstance(name, str) or not name or _ID.match(name) or "/" in name:
        return False
    if name.startswith(("python:", "<")) or EXERCISE.match(name.split(":", 1)[0]):
        return False
    if MADE_UP.match(name):
        return False
    repository = name.split("@", 1)[0].rsplit(":", 1)[0]
    return bool(re.match(r"^[a-z0-9][a-z0-9_.-]*$", repository))


def _engine_id() -> str:
    return client().info().get("ID", "") or "unknown"


def _state_file():
    return state_dir() / "names.json"


def _load() -> dict:
    try:
        return json.loads(_state_file().read_text())
    except (OSError, ValueError):
        return {}


def _save(engine_id: str, chosen: NamePlan) -> None:
    saved = _load()
    saved[engine_id] = {
        "prefix": chosen.prefix,
        "clashes": [[c.kind, c.name] for c in chosen.clashes],
        "reason": chosen.reason,
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }
    try:
        _state_file().parent.mkdir(parents=True, exist_ok=True)
        _state_file().write_text(json.dumps(saved, indent=1))
    except OSError:
        pass  # not remembered: the same choice is made again next time, from the same clashes


def _learners(kind: str, name: str) -> bool:
    """Is there a container/volume/image NAME that is not the lab's?"""
    import docker

    engine = client()
    try:
        if kind == "container":
            return not is_lab_owned(engine.containers.get(name).labels)
        if kind == "volume":
            return not is_lab_owned(engine.volumes.get(name).attrs.get("Labels"))
        image = engine.images.get(name)
        return not is_lab_image(image.labels, image.tags)
    except docker.errors.NotFound:
        return False


def _clashes(prefix: str) -> tuple:
    return tuple(
        Clash(kind, name) for kind, name in course_names() if _learners(kind, prefix + name)
    )


@engine_step("choose the course's names")
def plan(refresh: bool = False) -> NamePlan:
    """The course's names on this Engine: remembered, or chosen now from the clashes found.

    Chosen once per Engine: the lecture's names when none is taken by something of yours, else
    the first prefix (`lab-`, `lab2-`, ...) under which none is. A prefix stays chosen (every
    notebook keeps the same names) until `use_lecture_names()`. `refresh` looks again: a name of
    yours that appeared since makes the course take a prefix then."""
    register()
    engine_id = _engine_id()
    forced = _forced()
    if forced is not None:
        chosen = NamePlan(engine_id, forced, _clashes(""), f"{PREFIX_SETTING}={forced} is set")
        _plans[engine_id] = chosen
        return chosen
    if engine_id in _plans and not refresh:
        return _plans[engine_id]
    remembered = _load().get(engine_id)
    clashes = _clashes("")
    if remembered and (remembered.get("prefix") or not clashes):
        prefix = remembered.get("prefix", "")
        chosen = NamePlan(engine_id, prefix, clashes, remembered.get("reason", "remembered"))
    elif not clashes:
        chosen = NamePlan(engine_id, "", (), "none of the course's names is taken")
    else:
        prefix = next(p for p in _prefixes() if not _clashes(p))
        chosen = NamePlan(
            engine_id,
            prefix,
            clashes,
            f"{', '.join(c.name for c in clashes)} on this Engine are yours",
        )
    _save(engine_id, chosen)
    _plans[engine_id] = chosen
    return chosen


def _prefixes():
    yield "lab-"
    number = 2
    while True:
        yield f"lab{number}-"
        number += 1


def _forced() -> str | None:
    import os

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


def _held_by_other_live_session(kind: str, name: str) -> bool:
    import docker

    engine = client()
    try:
        if kind == "container":
            labels = engine.containers.get(name).labels
        elif kind == "volume":
            labels = engine.volumes.get(name).attrs.get("Labels") or {}
        else:
            return False  # images are shared: a rebuild under the same tag replaces nothing live
    except docker.errors.NotFound:
        return False
    owner = (labels or {}).get(SESSION, "")
    return (labels or {}).get(MANAGED) == "true" and owner != SESSION_ID and is_live(owner)


def real(name: str, kind: str = "container", creates: bool = False) -> str:
    """The name NAME really has on this Engine for this session: the course's prefix before it,
    and a suffix of this session's when another live session holds that name already.

    In replay mode names are not mapped (the recording shows the names it was made with), nor
    are names real() gave or that have the course's prefix already.
    `creates`: the caller is about to create it (a live run logs these: the course's names)."""
    if not mapped(name) or modes.active():
        return name
    if name in _produced:
        if creates:  # the caller mapped it already (to show it): still one of the course's names
            _log(kind, _produced[name])
        return name
    chosen = plan()
    if chosen.prefix and name.startswith(chosen.prefix):
        # Named already (read back from the Engine, say): a second prefix would name nothing.
        if creates:
            _log(kind, name.removeprefix(chosen.prefix))
        return name
    if creates:
        _log(kind, name)
    repository, colon, tag = name.partition(":") if kind == "image" else (name, "", "")
    full = f"{chosen.prefix}{repository}{colon}{tag}"
    key = (kind, full)
    if key not in _suffixed:
        held = _held_by_other_live_session(kind, full)
        _suffixed[key] = f"{full}-s{_SUFFIX}" if held else full
    _produced[_suffixed[key]] = name
    return _suffixed[key]


def _log(kind: str, name: str) -> None:
    import os

    where = os.environ.get(LOG_SETTING)
    if where:
        os.makedirs(os.path.dirname(where) or ".", exist_ok=True)
        with open(where, "a") as log:
            log.write(f"{kind} {name}\n")


@engine_step("use the lecture's names")
def use_lecture_names(remove_mine: bool = False) -> NamePlan:
    """Go back to the lecture's names (my-image, my-vol, ...) for the whole course.

    With the learner's own resources under those names still there, this is refused unless
    `remove_mine=True`: then exactly those (the ones listed in the plan) are removed, with the
    `docker rm` / `docker volume rm` / `docker image rm` commands shown. Nothing else is touched.

    Raises:
        BadInput: your resources still hold the names and `remove_mine` is not set.
    """
    engine_id = _engine_id()
    clashes = _clashes("")
    if clashes and not remove_mine:
        raise BadInput(
            "The course cannot use the lecture's names yet.",
            f"{', '.join(c.name for c in clashes)} on this Engine are yours, and the lab never "
            "removes what is yours unless you ask.",
            "remove them yourself, or call use_lecture_names(remove_mine=True) to have the lab "
            "remove exactly those.",
        )
    engine = client()
    order = {"container": 0, "volume": 1, "image": 2}  # what uses a volume or image goes first
    for clash in sorted(clashes, key=lambda c: order[c.kind]):
        if clash.kind == "container":
            announce(cli("rm", "-f", clash.name) + "   # yours: removed as you asked")
            audit.removed("container", clash.name, {}, asked_by_learner=True)
            engine.containers.get(clash.name).remove(force=True)
        elif clash.kind == "volume":
            announce(cli("volume", "rm", clash.name) + "   # yours: removed as you asked")
            audit.removed("volume", clash.name, {}, asked_by_learner=True)
            engine.volumes.get(clash.name).remove(force=True)
        else:
            announce(cli("image", "rm", clash.name) + "   # yours: removed as you asked")
            audit.removed("image", clash.name, {}, asked_by_learner=True)
            engine.images.remove(clash.name)
    chosen = NamePlan(engine_id, "", (), "you chose the lecture's names")
    _save(engine_id, chosen)
    _plans[engine_id] = chosen
    _suffixed.clear()
    _produced.clear()
    return chosen


def rename_in_text(text: str) -> str:
    """TEXT (a solution script, say) with every course name in it as `real` maps it: what the
    learner should type on this Engine. Names inside longer names are left alone."""
    if modes.active() or not plan().prefix:
        return text
    known = sorted(course_names(), key=lambda kn: -len(kn[1]))
    for kind, name in known:
        if not mapped(name):
            continue
        pattern = re.compile(rf"(?<![\w./:-]){re.escape(name)}(?![\w-])")
        text = pattern.sub(real(name, kind), text)
    return text


def chosen_prefix() -> str | None:
    """The prefix this process's plan() chose (None: it has not asked an Engine): no Engine call,
    so a caller that must not make one (a notebook cell with nothing recorded) can use it."""
    return next(reversed(_plans.values())).prefix if _plans else None


def forget(name: str, taken: bool = False) -> None:
    """Look again, next time, at who holds NAME (another session holds it).

    `taken`: the Engine refused to create NAME because something of that name appeared since the
    lab looked (another kernel created it a moment before). This session then takes its own
    suffixed name at once, rather than asking again whose the new one is: under load, the other
    kernel may not be seen as live yet, or still be replacing an older one."""
    for key in [k for k, v in _suffixed.items() if v == name]:
        mine = f"{key[1]}-s{_SUFFIX}"
        if taken and name != mine:
            _suffixed[key] = mine
        else:
            del _suffixed[key]
    _produced.pop(name, None)
