"""Notebook 99: list what the lab created (by label) with sizes, remove it, report the space
reclaimed, and show that nothing without the lab's label was touched.

The proof is a before/after comparison of everything that does NOT carry the lab's `managed`
label: containers (id, name, state), volumes, images (`docker image ls`: id and tags) and
networks. Removal itself is `lh.cleanup()` (labhelpers.system), which selects by label only.
"""

from __future__ import annotations

import contextlib
import html
import io

from ._display import Table, announce, cli
from ._engine import client, engine_step
from ._errors import LabError
from ._labels import (
    IMAGE_PREFIX,
    MANAGED,
    NOTEBOOK,
    SESSION,
    SESSION_ID,
    is_lab_image,
    is_lab_owned,
)
from ._results import result
from ._units import si
from .system import cleanup
from .teaching import CheckResult, exercise_check, not_yet, passed

LABEL = f"label={MANAGED}=true"
IMAGE_LABEL = f"label={MANAGED}"  # images: managed=image:TAG (see labhelpers._labels)


# --- what the lab has in the Engine -------------------------------------------------------------


@result
class LabItem:
    """One resource carrying the lab's label. `size_bytes` is what removing it alone frees
    (for an image: its layers no other image shares); -1 when the Engine does not report it."""

    kind: str
    name: str
    notebook: str
    size_bytes: int


@result
class Inventory:
    """Everything with the lab's label, by kind, with sizes."""

    items: tuple
    session_only: bool

    @property
    def total_bytes(self) -> int:
        return sum(i.size_bytes for i in self.items if i.size_bytes > 0)

    def count(self, kind: str) -> int:
        return sum(1 for i in self.items if i.kind == kind)

    def table(self) -> Table:
        rows = [
            (i.kind, short(i.name), i.notebook, si(i.size_bytes) if i.size_bytes >= 0 else "?")
            for i in self.items
        ]
        kinds = ("container", "volume", "image", "network")
        counts = ", ".join(
            f"{self.count(k)} {k}{'' if self.count(k) == 1 else 's'}"
            for k in kinds
            if self.count(k)
        )
        caption = (
            f"the lab's resources: {counts}; {si(self.total_bytes)} of their own"
            if self.items
            else "The lab has nothing left in the Engine."
        )
        return Table(["kind", "name", "made by notebook", "size"], rows, caption=caption)

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def short(name: str) -> str:
    """A 64-hex anonymous volume name, shown by its first 12 characters like an id."""
    return f"{name[:12]}…" if len(name) == 64 else name


def _wanted(labels: dict | None, session_only: bool, tags: list | None = None) -> bool:
    labels = labels or {}
    owned = is_lab_image(labels, tags) if tags is not None else is_lab_owned(labels)
    if not owned:
        return False
    return not session_only or labels.get(SESSION) == SESSION_ID


@engine_step("list the lab's resources with sizes")
def inventory(session_only: bool = False) -> Inventory:
    """`docker ps -a -s`, `docker volume ls`, `docker image ls` and `docker network ls`, each
    filtered on the lab's label (and this session's, if `session_only`), sizes from
    `docker system df -v`."""
    session = [f"label={SESSION}={SESSION_ID}"] if session_only else []
    flags = [arg for f in [LABEL, *session] for arg in ("--filter", f)]
    image_flags = [arg for f in [IMAGE_LABEL, *session] for arg in ("--filter", f)]
    for argv in (
        ["ps", "-a", "-s", *flags],
        ["volume", "ls", *flags],
        ["image", "ls", *image_flags],
        ["network", "ls", *flags],
    ):
        announce(cli(*argv))
    engine = client()
    df = engine.df()
    items = []
    for c in sorted(df.get("Containers") or [], key=lambda c: c["Names"][0]):
        if _wanted(c.get("Labels"), session_only):
            name = c["Names"][0].lstrip("/")
            items.append(
                LabItem("container", name, _notebook(c.get("Labels")), int(c.get("SizeRw") or 0))
            )
    sizes = {
        v["Name"]: int((v.get("UsageData") or {}).get("Size", -1)) for v in df.get("Volumes") or []
    }
    for v in sorted(engine.volumes.list(), key=lambda v: v.name):
        labels = v.attrs.get("Labels")
        if _wanted(labels, session_only):
            items.append(LabItem("volume", v.name, _notebook(labels), sizes.get(v.name, -1)))
    for image in sorted(df.get("Images") or [], key=lambda i: (i.get("RepoTags") or ["~"])[0]):
        tags = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
        if _wanted(image.get("Labels"), session_only, tags):
            name = ", ".join(tags) or f"<none> ({image['Id'].split(':')[-1][:12]})"
            size, shared = int(image.get("Size") or 0), int(image.get("SharedSize") or 0)
            own = size - shared if shared >= 0 else -1
            items.append(LabItem("image", name, _notebook(image.get("Labels")), own))
    for network in sorted(engine.networks.list(), key=lambda n: n.name):
        labels = network.attrs.get("Labels")
        if _wanted(labels, session_only):
            items.append(LabItem("network", network.name, _notebook(labels), -1))
    return Inventory(tuple(items), session_only)


def _notebook(labels: dict | None) -> str:
    return (labels or {}).get(NOTEBOOK, "(no label)")


# --- labels are inherited ----------------------------------------------------------------------


@result
class InheritedLabels:
    """A container created with no --label, and the labels it has all the same."""

    container: str
    image: str
    command: str
    labels: tuple  # (key, value, also on the image)

    @property
    def values(self) -> dict:
        return {key: value for key, value, _ in self.labels}

    @property
    def managed(self) -> bool:
        return is_lab_owned(self.values)

    def __repr__(self) -> str:
        lines = [f"{self.container} was created without any --label; docker inspect shows:"]
        pairs = [
            (f"{key}={value if key == MANAGED else '…'}", on) for key, value, on in self.labels
        ]
        width = max((len(pair) for pair, _ in pairs), default=0)
        for pair, from_image in pairs:
            origin = f"(also on {self.image})" if from_image else "(not on the image)"
            lines.append(f"  {pair:<{width}}   {origin}")
        value = self.values.get(MANAGED, "")
        if self.managed:
            lines.append("So the lab's cleanup would select it.")
        elif value.startswith(IMAGE_PREFIX):
            lines.append(
                f"{MANAGED}={value} marks an image the lab built, not a container the lab "
                "started (that takes =true), so the lab's cleanup would not select it."
            )
        else:
            lines.append("So the lab's cleanup would not select it.")
        return "\n".join(lines)


@engine_step("show that a container inherits its image's labels")
def label_inheritance(image: str = "my-image", name: str = "label-probe") -> InheritedLabels:
    """`docker create --name NAME IMAGE` with no --label, `docker inspect` its labels, then
    `docker rm NAME`. The image is built first if missing (quietly)."""
    from ._ownership import claim_container_name
    from .images import ensure_lesson_image

    with contextlib.redirect_stdout(io.StringIO()):
        ensure_lesson_image.__wrapped_step__(tag=image)
    claim_container_name(name)
    shown = cli("create", "--name", name, image)
    announce(shown)
    engine = client()
    created = engine.containers.create(image, name=name)  # no labels passed, on purpose
    try:
        labels = dict(created.labels or {})
    finally:
        announce(cli("rm", name))
        created.remove(force=True)
    on_image = engine.images.get(image).labels or {}
    rows = tuple((key, value, on_image.get(key) == value) for key, value in sorted(labels.items()))
    return InheritedLabels(name, image, shown, rows)


# --- everything else: the proof ------------------------------------------------------------


@result
class Thing:
    """A resource without the lab's label, as identified before and after the cleanup."""

    kind: str
    id: str
    name: str
    state: str


@result
class Snapshot:
    """Everything in the Engine that does not carry the lab's label."""

    things: tuple

    def count(self, kind: str) -> int:
        return sum(1 for t in self.things if t.kind == kind)

    def table(self) -> Table:
        return Table(
            ["kind", "name", "id", "state"],
            [(t.kind, t.name, t.id if t.id != t.name else "", t.state) for t in self.things],
            caption=f"{len(self.things)} resources without the lab's label (left alone)",
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


@engine_step("list everything without the lab's label")
def unlabelled_snapshot() -> Snapshot:
    """Containers (id, name, state), volumes, images (as `docker image ls` lists them: id, tags)
    and networks that do NOT carry the lab's label. Reading only."""
    announce(cli("ps", "-a", "--format", "{{.ID}} {{.Names}} {{.State}} {{.Labels}}"))
    announce(cli("volume", "ls", "--format", "{{.Name}} {{.Labels}}"))
    announce(cli("image", "ls", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}"))
    announce(cli("network", "ls", "--format", "{{.ID}} {{.Name}} {{.Labels}}"))
    engine = client()
    things = []
    for c in engine.api.containers(all=True):
        if not is_lab_owned(c.get("Labels")):
            things.append(Thing("container", c["Id"][:12], c["Names"][0].lstrip("/"), c["State"]))
    for v in engine.volumes.list():
        if not is_lab_owned(v.attrs.get("Labels")):
            things.append(Thing("volume", v.name, v.name, ""))
    for image in engine.images.list():
        if not is_lab_image(image.labels, image.tags):
            tags = ", ".join(sorted(image.tags)) or "<none>"
            things.append(Thing("image", image.id.split(":")[-1][:12], tags, ""))
    for network in engine.networks.list():
        if not is_lab_owned(network.attrs.get("Labels")):
            things.append(Thing("network", network.id[:12], network.name, ""))
    return Snapshot(tuple(sorted(things, key=lambda t: (t.kind, t.name, t.id))))


@result
class Proof:
    """Before/after comparison of everything without the lab's label."""

    before: Snapshot
    after: Snapshot

    @property
    def missing(self) -> tuple:
        return tuple(t for t in self.before.things if t not in self.after.things)

    @property
    def appeared(self) -> tuple:
        return tuple(t for t in self.after.things if t not in self.before.things)

    @property
    def untouched(self) -> bool:
        return not self.missing and not self.appeared

    def verdict(self) -> str:
        if self.untouched:
            return (
                "Untouched: every container, volume, image and network without the lab's label "
                "is still there, with the same id, name and state."
            )
        changed = ", ".join(f"{t.kind} {t.name}" for t in self.missing + self.appeared)
        return (
            f"Changed between the two snapshots: {changed}. The cleanup selects by label only, "
            "so something else (you, or another program) changed these meanwhile."
        )

    def table(self) -> Table:
        rows = []
        for kind in ("container", "volume", "image", "network"):
            before = [t for t in self.before.things if t.kind == kind]
            after = [t for t in self.after.things if t.kind == kind]
            same = sum(1 for t in before if t in after)
            rows.append((kind, len(before), len(after), same))
        return Table(
            ["without the lab's label", "before", "after", "identical before and after"],
            rows,
        )

    def __repr__(self) -> str:
        return f"{self.table()!r}\n{self.verdict()}"

    def _repr_html_(self) -> str:
        return f"{self.table()._repr_html_()}<p>{html.escape(self.verdict())}</p>"


def compare(before: Snapshot, after: Snapshot) -> Proof:
    """The proof: what differs between two snapshots of the unlabelled resources."""
    return Proof(before, after)


# --- space -------------------------------------------------------------------------------------


@result
class Space:
    """`docker system df`, split into the lab's share and everything else."""

    moment: str
    lab_bytes: int
    other_bytes: int


@engine_step("measure the Engine's disk usage")
def space(moment: str) -> Space:
    """`docker system df -v`: bytes in images (counted once), writable layers, volumes and the
    build cache, split by the lab's label. Image layers shared between a lab image and an
    unlabelled one (the base image) count as not the lab's."""
    from .system import disk_usage

    usage = disk_usage.__wrapped_step__()
    lab = sum(
        (r.size_bytes - max(r.shared_bytes, 0)) if r.kind == "image" else r.size_bytes
        for r in usage.rows
        if r.lab_owned
    )
    total = usage.total_bytes
    return Space(moment, lab, max(total - lab, 0))


def plot_space(before: Space, after: Space):
    """Two stacked bars: the Engine's disk use before and after, the lab's share on top."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    labels = [before.moment, after.moment]
    other = [before.other_bytes / 1e6, after.other_bytes / 1e6]
    lab = [before.lab_bytes / 1e6, after.lab_bytes / 1e6]
    ax.bar(
        labels,
        other,
        color="#9db4d0",
        label="the rest, including layers that only\nthe lab's images share with each other",
    )
    ax.bar(labels, lab, bottom=other, color="#d1242f", label="the lab's own bytes")
    for i, snap in enumerate((before, after)):
        total = snap.lab_bytes + snap.other_bytes
        ax.annotate(
            f"{si(total)}\n(lab: {si(snap.lab_bytes)})",
            (i, total / 1e6),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    freed = before.lab_bytes + before.other_bytes - after.lab_bytes - after.other_bytes
    ax.set_xlabel(f"reclaimed: {si(max(freed, 0))}", fontsize=9)
    ax.set_ylabel("MB (SI, as docker prints)")
    ax.set_ylim(0, max(b.lab_bytes + b.other_bytes for b in (before, after)) / 1e6 * 1.3)
    ax.set_title("The Engine's disk use (docker system df), before and after", fontsize=10)
    ax.legend(frameon=False, fontsize=9, loc="upper right")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    plt.close(fig)
    return fig


# --- removal, on a button or by default ---------------------------------------------------------

_last: dict = {}


@result
class CleanupResult:
    """What the cleanup removed (each with the size the inventory gave it just before) and the
    space reclaimed, measured with `docker system df` before and after."""

    removed: tuple
    reclaimed_bytes: int
    commands: tuple

    def table(self) -> Table:
        rows = [
            (i.kind, short(i.name), i.notebook, si(i.size_bytes) if i.size_bytes >= 0 else "?")
            for i in self.removed
        ]
        return Table(
            ["removed", "name", "made by notebook", "size (own)"],
            rows,
            caption=f"{len(self.removed)} removed; space reclaimed: {si(self.reclaimed_bytes)} "
            f"({self.reclaimed_bytes:,} bytes, measured with docker system df before and after)",
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def _match(kind: str, name: str, listed: tuple) -> LabItem:
    """The inventory row of a resource the cleanup removed (an image by any of its tags or id)."""
    for item in listed:
        if item.kind != kind:
            continue
        if item.name == name:
            return item
        if kind == "image":
            digest = name.split(":")[-1][:12] if name.startswith("sha256:") else ""
            if name in item.name.split(", ") or (digest and f"({digest})" in item.name):
                return item
    label = f"<none> ({name.split(':')[-1][:12]})" if name.startswith("sha256:") else name
    return LabItem(kind, label, "?", -1)


@engine_step("remove the lab's resources")
def _remove_lab_resources(session_only: bool) -> CleanupResult:
    listed = inventory.__wrapped_step__(session_only).items
    report = cleanup.__wrapped_step__(session_only=session_only)
    removed = tuple(_match(r.kind, r.name, listed) for r in report.removed)
    return CleanupResult(removed, report.reclaimed_bytes, report.commands)


def remove_lab_resources(session_only: bool = False) -> CleanupResult:
    """List the lab's resources (the inventory), then `lh.cleanup()`: remove everything with the
    lab's label (and this session's, if asked). The result is also kept for `last_cleanup()`,
    here rather than in the Engine step, so that a replayed removal is kept as well."""
    outcome = _remove_lab_resources(session_only)
    _last["result"] = outcome
    return outcome


def last_cleanup() -> Table:
    """The table of the most recent removal made in this kernel (by the panel or directly)."""
    outcome = _last.get("result")
    if outcome is None:
        raise LabError(
            "Nothing has been removed yet in this notebook.",
            "the panel above was made with remove_now=False and its button not pressed.",
            "press the button above, or run the panel's cell with remove_now=True.",
        )
    return outcome.table()


def cleanup_panel(remove_now: bool = True, session_only: bool = False):
    """A button that removes everything with the lab's label and shows what went and the space
    reclaimed. With `remove_now`, it does so once at once (so the notebook runs unattended);
    otherwise it shows what would go and waits for the button. Results show in an HTML pane."""
    import ipywidgets as w

    button = w.Button(
        description="Remove everything the lab made",
        button_style="danger",
        layout=w.Layout(width="max-content"),
    )
    shown = w.HTML()

    def render(printed: str, table: Table) -> None:
        shown.value = f"<pre>{html.escape(printed)}</pre>{table._repr_html_()}"

    def go(*_: object) -> None:
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                outcome = remove_lab_resources(session_only)
        except LabError as exc:
            failed = f"{printed.getvalue()}{type(exc).__name__}: {exc}"
            shown.value = f"<pre>{html.escape(failed)}</pre>"
            return
        render(printed.getvalue(), outcome.table())

    button.on_click(go)
    if remove_now:
        go()
    else:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            listed = inventory(session_only)
        render(printed.getvalue() + "\nPress the button to remove these:", listed.table())
    return w.VBox([button, shown])


# --- the exercise -------------------------------------------------------------------------------

CLI_TITLE = "Clean up one notebook with the CLI"


@exercise_check(CLI_TITLE)
def check_cli_cleanup(notebook: str = "07-sharing-data") -> CheckResult:
    """Exercise 99: no container and no volume labelled as made by NOTEBOOK is left."""
    flag = f"label={NOTEBOOK}={notebook}"
    announce(cli("ps", "-a", "-q", "--filter", flag))
    announce(cli("volume", "ls", "-q", "--filter", flag))
    engine = client()
    wanted = {"label": [f"{MANAGED}=true", f"{NOTEBOOK}={notebook}"]}
    containers = sorted(c.name for c in engine.containers.list(all=True, filters=wanted))
    volumes = sorted(v.name for v in engine.volumes.list(filters=wanted))
    if containers:
        return not_yet(
            CLI_TITLE,
            f"{len(containers)} container(s) from {notebook} are still there: "
            f"{', '.join(containers)}.",
            f"docker rm -f -v $(docker ps -a -q --filter {flag}), then docker volume rm "
            f"$(docker volume ls -q --filter {flag})",
        )
    if volumes:
        shown = ", ".join(v[:12] + "…" if len(v) == 64 else v for v in volumes)
        return not_yet(
            CLI_TITLE,
            f"its containers are gone, but {len(volumes)} volume(s) are left: {shown}.",
            f"docker volume rm $(docker volume ls -q --filter {flag})",
        )
    return passed(CLI_TITLE, f"nothing labelled {NOTEBOOK}={notebook} is left.")


__all__ = [
    "check_cli_cleanup",
    "cleanup_panel",
    "compare",
    "inventory",
    "label_inheritance",
    "last_cleanup",
    "plot_space",
    "remove_lab_resources",
    "space",
    "unlabelled_snapshot",
]
