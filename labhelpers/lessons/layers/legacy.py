"""Image layers (notebook 01): `docker image history` with evidence of which steps made layers.

The history the Engine returns does not say whether a step added a layer: its rows carry a size,
and a 0B row may still be a layer (an empty directory has no file bytes). So the evidence comes
from elsewhere:

* the classic builder (the one the Python SDK drives) keeps an image for every step, so the
  number of RootFS layers of consecutive step images shows where a layer was added;
* rows without a local image (`<missing>`: pulled or loaded images, BuildKit builds) are read
  from the image's config, whose history entries carry an `empty_layer` flag. The Engine only
  hands that config out inside `docker image save`, so it is read from that tar stream.

Either way the count is checked against the image's own RootFS layer list.

Also here: the instruction trial that sets every Dockerfile instruction beside the seed lesson's
table, the "add a layer" builds, the one-stage versus multi-stage comparison, the layer chart,
the history formats of the two builders, and the notebook's exercise check.
Widgets live in `layers_widgets`.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import tarfile
from collections.abc import Callable, Iterable
from pathlib import Path

from ._display import Table, announce, cli
from ._engine import client, engine_step
from ._errors import BadInput, BuildFailed
from ._labels import IMAGE_PREFIX, MANAGED, is_lab_owned
from ._ownership import find_image
from ._results import result
from ._units import MIB, si
from .images import build_image, choose_base_image, write_lesson_files
from .teaching import CheckResult, exercise_check, not_yet, passed

MISSING = "<missing>"
LAB_LABEL_STEP = re.compile(r"LABEL io\.labhelpers\.")

# The seed lesson's table: which instructions it calls layer-creating.
SEED_LAYER_CREATING = ("FROM", "RUN", "COPY", "ADD")
SEED_NOT_LAYER_CREATING = (
    "CMD",
    "ENTRYPOINT",
    "WORKDIR",
    "EXPOSE",
    "ENV",
    "LABEL",
    "USER",
    "VOLUME",
    "STOPSIGNAL",
    "ARG",
)

# The seed's `docker image history my-image` output (built with BuildKit), kept as data so the
# notebook can set it beside what this Engine's builder records: (IMAGE, CREATED BY, SIZE, COMMENT)
SEED_BUILDKIT_HISTORY = (
    ("dbc9f6d3b551", 'CMD ["python" "app.py"]', "0B", "buildkit.dockerfile.v0"),
    ("<missing>", "EXPOSE map[5000/tcp:{}]", "0B", "buildkit.dockerfile.v0"),
    (
        "<missing>",
        "RUN /bin/sh -c pip install flask # buildkit",
        "11.5MB",
        "buildkit.dockerfile.v0",
    ),
    ("<missing>", "ADD app.py app.py # buildkit", "170B", "buildkit.dockerfile.v0"),
    ("<missing>", "WORKDIR /app", "0B", "buildkit.dockerfile.v0"),
    ("<missing>", "FROM python:3.9-slim", "97.1MB", "debuerreotype 0.15"),
)


# --- reading one history row ----------------------------------------------------------------------

_NOP = "/bin/sh -c #(nop)"
_SHELL = "/bin/sh -c "
_BUILD_ARGS = re.compile(r"^\|(\d+) ")
_LONG_HASH = re.compile(r"\b(file|dir|multi):([0-9a-f]{12})[0-9a-f]{20,}")


def step_of(created_by: str, comment: str = "") -> tuple[str, str]:
    """The Dockerfile step a history row records, and its instruction keyword.

    Understands both builders' formats:

    >>> step_of("/bin/sh -c #(nop)  CMD [\\"python\\" \\"app.py\\"]")
    ('CMD ["python" "app.py"]', 'CMD')
    >>> step_of("/bin/sh -c pip install flask")
    ('RUN pip install flask', 'RUN')
    >>> step_of("RUN /bin/sh -c pip install flask # buildkit")
    ('RUN pip install flask', 'RUN')

    A row with no command (an imported base image) gives ("(imported: COMMENT)", "").
    """
    text = created_by.strip()
    if not text:
        return (f"(imported: {comment})" if comment else "(no command recorded)", "")
    if text.endswith("# buildkit"):
        text = text[: -len("# buildkit")].rstrip()
    match = _BUILD_ARGS.match(text)
    if match:  # classic builder: "|N ARG1=v1 ... /bin/sh -c cmd" when build args are in scope
        parts = text.split(" ", int(match[1]) + 1)
        text = parts[-1] if len(parts) > int(match[1]) + 1 else text
    if text.startswith(_NOP):
        text = text[len(_NOP) :].strip()
    elif text.startswith(_SHELL):
        text = "RUN " + text[len(_SHELL) :]
    elif text.startswith("RUN " + _SHELL):
        text = "RUN " + text[len("RUN " + _SHELL) :]
    text = _LONG_HASH.sub(lambda m: f"{m[1]}:{m[2]}…", text)
    keyword = text.split(" ", 1)[0]
    return text, keyword if keyword.isupper() else ""


def _short_id(image_id: str) -> str:
    return image_id if image_id == MISSING else image_id.split(":")[-1][:12]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def layer_label(row: HistoryRow) -> str:
    """How a row is named in summaries and charts: a base image's rows by their image."""
    if row.origin in ("Dockerfile", "lab label"):
        return row.step
    if row.keyword:
        return f"{row.origin}: {row.step}"
    return f"FROM {row.origin}"


def _shown(created_by: str, width: int) -> str:
    """A created-by text shortened for a table: long content hashes cut to 12 digits."""
    return _clip(_LONG_HASH.sub(lambda m: f"{m[1]}:{m[2]}…", created_by), width)


# --- the history, with evidence ------------------------------------------------------------------


@result
class HistoryRow:
    """One row of `docker image history`, with whether that step added a layer and why we know.

    `origin` is "Dockerfile", "lab label" (the lab's `--label`, recorded as a final LABEL step by
    the classic builder) or the tag of the image the Dockerfile starts FROM.
    `layers_after` is the image's RootFS layer count after this step (-1 when unknown).
    """

    image_id: str
    created_by: str
    comment: str
    step: str
    keyword: str
    origin: str
    size_bytes: int
    new_layer: bool
    layers_after: int
    evidence: str


@result
class LayerReport:
    """`docker image history TAG` (newest step first, as the CLI prints it) with evidence.

    `rootfs_layers` is `len(RootFS.Layers)` of the image and `image_size_bytes` the size
    `docker image ls` shows; the properties cross-check the rows against both.
    """

    tag: str
    image_id: str
    rows: tuple
    rootfs_layers: int
    image_size_bytes: int
    method: str
    commands: tuple

    @property
    def layers(self) -> tuple:
        """The rows that added a layer, oldest first (the order the layers stack in)."""
        return tuple(row for row in reversed(self.rows) if row.new_layer)

    @property
    def layers_agree(self) -> bool:
        return len(self.layers) == self.rootfs_layers

    @property
    def sizes_agree(self) -> bool:
        return sum(row.size_bytes for row in self.rows) == self.image_size_bytes

    def table(self, created_by_width: int = 45) -> Table:
        """The history as a table: one row per step, newest first, like the CLI."""
        return Table(
            ["image", "from", "step", "created by", "size", "bytes", "new layer?", "evidence"],
            [
                (
                    row.image_id,
                    row.origin,
                    _clip(row.step, 40),
                    _shown(row.created_by or row.comment, created_by_width),
                    si(row.size_bytes),
                    f"{row.size_bytes:,}",
                    "yes" if row.new_layer else "no",
                    row.evidence,
                )
                for row in self.rows
            ],
            caption=f"docker image history {self.tag}, with the evidence for each layer",
        )

    def summary(self) -> str:
        """The cross-checks in words (no sizes: those are in the table)."""
        layers = self.layers
        steps = ", ".join(_clip(layer_label(row), 40) for row in layers)
        count = "the same count" if self.layers_agree else "a DIFFERENT count"
        return "\n".join(
            [
                f"{self.tag}: {len(self.rows)} history rows; {len(layers)} of them added a layer: "
                f"{steps}.",
                f"RootFS.Layers of {self.tag}: {self.rootfs_layers} layers, {count}.",
                "The rows' sizes add up to the size `docker image ls` shows: "
                f"{'yes' if self.sizes_agree else 'NO'}.",
                f"Evidence: {self.method}.",
            ]
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


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


@engine_step("read the image config from docker image save")
def saved_config_history(image: str) -> tuple:
    """`docker image save IMAGE`, streamed: the config's history entries, oldest first."""
    announce(
        cli("image", "save", image)
        + " | tar -xOf - manifest.json   # names the config file; its history[] has empty_layer"
    )
    chunks = client().api.get_image(image, chunk_size=MIB)
    try:
        return config_history_from_tar(io.BufferedReader(_ChunkStream(chunks), MIB))
    finally:
        chunks.close()


def _origins(raw_oldest_first: list[dict]) -> list[str]:
    """Who wrote each row: the tagged image it belongs to (the oldest tagged step image at or
    above it, not counting the image itself), the Dockerfile, or the lab (its --label steps
    at the top)."""
    count = len(raw_oldest_first)
    origins = ["Dockerfile"] * count
    owner = None
    for index in range(count - 2, -1, -1):
        tags = raw_oldest_first[index].get("Tags") or []
        if tags:
            owner = tags[0].removesuffix(":latest")
        if owner:
            origins[index] = owner
    for index in range(count - 1, -1, -1):
        if origins[index] != "Dockerfile" or not LAB_LABEL_STEP.search(
            raw_oldest_first[index].get("CreatedBy") or ""
        ):
            break
        origins[index] = "lab label"
    return origins


@engine_step("read the image's history")
def image_history(tag: str = "my-image") -> LayerReport:
    """`docker image history TAG`, with each row's "new layer?" decided from evidence.

    Rows with a local image id: the RootFS layer count of that step's image against the step
    before. Rows without one (`<missing>`): the `empty_layer` flags of the config of the oldest
    step image that has an id (read from `docker image save`).

    Raises:
        BadInput: there is no image TAG.
    """
    if find_image(tag) is None:
        raise BadInput(
            f"There is no image '{tag}'.",
            "it was not built yet (or was removed).",
            "build it first (the build cell above), then re-run this cell.",
        )
    api = client().api
    commands = [cli("image", "history", "--no-trunc", tag)]
    announce(commands[0])
    raw = list(reversed(api.history(tag)))  # oldest first
    top = api.inspect_image(tag)
    ids = [row["Id"] for row in raw if row["Id"] != MISSING]
    short_ids = [_short_id(i) for i in ids]
    commands.append(cli("image", "inspect", "--format", "{{len .RootFS.Layers}}", *short_ids))
    announce(commands[-1])
    counts = {i: len(api.inspect_image(i).get("RootFS", {}).get("Layers") or []) for i in ids}

    flags: list[tuple[bool, int, str] | None] = []
    before: int | None = 0
    for row in raw:
        if row["Id"] == MISSING:
            flags.append(None)
            before = None
            continue
        after = counts[row["Id"]]
        if before is None:
            flags.append(None)
        else:
            grew = after > before
            flags.append((grew, after, f"RootFS {before}→{after}" if grew else f"RootFS {after}"))
        before = after

    method = "RootFS layer counts of each step's image"
    undecided = [i for i, flag in enumerate(flags) if flag is None]
    if undecided:
        last = undecided[-1]
        anchor = raw[last]["Id"]
        commands.append(cli("image", "save", _short_id(anchor)) + " | tar -xOf - manifest.json")
        config = saved_config_history.__wrapped_step__(_short_id(anchor))
        if len(config) != last + 1:
            raise BadInput(
                f"The config of {_short_id(anchor)} lists {len(config)} history entries, "
                f"but {last + 1} rows lead up to it.",
                "the image's history and its config do not line up.",
                "compare `docker image history` with the saved config yourself.",
            )
        running = 0
        for index in range(last + 1):
            grew = not config[index].empty_layer
            running += grew
            flags[index] = (
                grew,
                running if index == last else -1,
                "config: a layer" if grew else "config: empty_layer",
            )
        method += (
            f", and the image config's empty_layer flags (docker image save) for {last + 1} "
            f"rows whose step image is not in the Engine"
        )

    origins = _origins(raw)
    rows = []
    for row, flag, origin in zip(raw, flags, origins, strict=True):
        assert flag is not None
        created_by = row.get("CreatedBy") or ""
        comment = row.get("Comment") or ""
        step, keyword = step_of(created_by, comment)
        rows.append(
            HistoryRow(
                _short_id(row["Id"]),
                created_by,
                comment,
                step,
                keyword,
                origin,
                int(row.get("Size") or 0),
                flag[0],
                flag[1],
                flag[2],
            )
        )
    return LayerReport(
        tag,
        _short_id(top["Id"]),
        tuple(reversed(rows)),
        len(top.get("RootFS", {}).get("Layers") or []),
        int(top.get("Size") or 0),
        method,
        tuple(commands),
    )


# --- the layer chart ------------------------------------------------------------------------------


def plot_layers(report: LayerReport, scale: str = "linear"):
    """A bar per layer (oldest at the bottom, as layers stack), sizes in SI units; the layers of
    the images it starts FROM grey, its own Dockerfile's blue.

    `scale` "log" makes small layers visible next to the base image. Returns the figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    if scale not in ("linear", "log"):
        raise BadInput(
            f"Unknown scale '{scale}'.", "the chart knows linear and log.", "pick one of those."
        )
    layers = report.layers
    labels = [f"{n}. {_clip(layer_label(row), 40)}" for n, row in enumerate(layers, 1)]
    sizes = [row.size_bytes for row in layers]
    colours = ["#3b7dd8" if row.origin == "Dockerfile" else "#9aa0a6" for row in layers]
    fig = plt.figure(figsize=(9, 1.4 + 0.55 * len(layers)))
    ax = fig.add_subplot()
    floor = 1 if scale == "log" else 0
    ax.barh(range(len(layers)), [max(s, floor) for s in sizes], color=colours)
    ax.set_yticks(range(len(layers)), labels)
    if scale == "log":
        ax.set_xscale("log")
        ax.set_xlim(left=1, right=max([*sizes, 10]) * 30)
    else:
        ax.set_xlim(0, max([*sizes, 1]) * 1.35)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: si(value) if value else "0"))
    for y, size in enumerate(sizes):
        text = f" {si(size)}" + ("  (a layer with no file bytes)" if size == 0 else "")
        ax.text(max(size, floor), y, text, va="center", fontsize=9)
    ax.set_xlabel(
        f"layer size, SI units ({scale} scale); grey: from the image it starts FROM, "
        "blue: its own Dockerfile"
    )
    total = sum(sizes)
    ax.set_title(
        f"{report.tag}: {len(layers)} layers, {si(total)} in all "
        f"(docker image ls says {si(report.image_size_bytes)})",
        fontsize=10,
    )
    fig.tight_layout()
    plt.close(fig)
    return fig


# --- builders: classic (the SDK's) and BuildKit (the seed's) -------------------------------------


@result
class BuilderProbe:
    """Which builder makes what here.

    `engine_builder_version` is the Engine's `Builder-Version` ping header ("2" means BuildKit is
    its default; empty means the classic builder). `cli_buildx` is `docker buildx version`, or
    why it could not run.
    """

    sdk_builder: str
    engine_builder_version: str
    cli_buildx: str
    cli_buildx_present: bool
    cli_version: str  # the docker CLI's own version ("" if it could not be run)

    @property
    def terminal_builder(self) -> str:
        if os.environ.get("DOCKER_BUILDKIT") == "0":
            return "the classic builder (DOCKER_BUILDKIT=0 asks for it)"
        if os.environ.get("DOCKER_BUILDKIT") == "1" and self.cli_buildx_present:
            return "BuildKit (DOCKER_BUILDKIT=1, and the buildx plugin is installed)"
        major = _major(self.cli_version)
        if major is not None and major < 23:
            return (
                f"the classic builder (docker CLI {self.cli_version}: BuildKit is the default "
                "only from version 23, or with DOCKER_BUILDKIT=1)"
            )
        if self.cli_buildx_present:
            return "BuildKit (the buildx plugin is installed)"
        return "the classic builder (no buildx plugin, so `docker build` falls back to it)"

    def table(self) -> Table:
        engine = self.engine_builder_version or "(no header: classic builder)"
        return Table(
            ["who builds", "with which builder"],
            [
                ("labhelpers (Python SDK, Engine /build API)", self.sdk_builder),
                ("the Engine's default (ping: Builder-Version)", engine),
                ("`docker build` in your terminal", self.terminal_builder),
            ],
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


@engine_step("ask which builders are available")
def builder_probe() -> BuilderProbe:
    """`docker buildx version`, and the Engine's ping header that names its default builder."""
    api = client().api
    response = api._get(api._url("/_ping"))
    engine_version = response.headers.get("Builder-Version", "")
    announce("docker buildx version")
    announce("docker version -f '{{.Client.Version}}'")
    cli_version = ""
    try:
        done = subprocess.run(
            ["docker", "buildx", "version"], capture_output=True, text=True, timeout=20
        )
        present = done.returncode == 0
        said = (done.stdout if present else done.stderr).strip().splitlines()
        buildx = said[0] if said else ""
        asked = subprocess.run(
            ["docker", "version", "-f", "{{.Client.Version}}"],
            capture_output=True,
            text=True,
            timeout=20,
        )
        cli_version = asked.stdout.strip().splitlines()[0] if asked.stdout.strip() else ""
    except (OSError, subprocess.TimeoutExpired) as exc:
        present, buildx = False, f"could not run the docker CLI: {exc}"
    return BuilderProbe(
        "the classic builder (legacy)", engine_version, buildx, present, cli_version
    )


def _major(version: str) -> int | None:
    """20 for "20.10.24+dfsg1"; None when there is no version to read."""
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def history_formats(report: LayerReport) -> Table:
    """The same Dockerfile steps as this Engine's classic builder recorded them (measured, from
    `report`) and as BuildKit recorded them in the seed lesson's output."""

    def ours(keyword: str) -> str:
        for row in report.rows:
            if row.keyword == keyword and row.origin == "Dockerfile":
                return _shown(row.created_by, 60)
        return "(no such step)"

    def seed(keyword: str) -> str:
        for _, created_by, _, _ in SEED_BUILDKIT_HISTORY:
            if created_by.split(" ", 1)[0] == keyword:
                return created_by
        return "(no such step)"

    with_id = sum(row.image_id != MISSING for row in report.rows)
    comments = {row.comment for row in report.rows if row.origin == "Dockerfile"}
    seed_ids = sum(row[0] != MISSING for row in SEED_BUILDKIT_HISTORY)
    lab_rows = sum(row.origin == "lab label" for row in report.rows)
    return Table(
        ["", f"classic builder: {report.tag} here (measured)", "BuildKit: the seed's output"],
        [
            (
                "IMAGE column",
                f"an image id on {with_id} of {len(report.rows)} rows",
                f"an image id on {seed_ids} of {len(SEED_BUILDKIT_HISTORY)} rows; "
                "the rest <missing>",
            ),
            ("a RUN step", ours("RUN"), seed("RUN")),
            ("ADD app.py", ours("ADD"), seed("ADD")),
            ("a metadata step (CMD)", ours("CMD"), seed("CMD")),
            ("WORKDIR", ours("WORKDIR"), seed("WORKDIR")),
            (
                "COMMENT column",
                ", ".join(sorted(c or "(empty)" for c in comments)),
                "buildkit.dockerfile.v0",
            ),
            (
                "labels given with --label",
                f"{lab_rows} LABEL rows at the top",
                "(the seed's build set none)",
            ),
        ],
    )


# --- builds that fail ---------------------------------------------------------------------------


def describe_build_failure(exc: BuildFailed, tail_lines: int = 8) -> str:
    """The failing step and the last lines the builder printed, for a learner to read."""
    tail = exc.build_log[-tail_lines:]
    return "\n".join(
        [
            f"The build stopped at: {exc.step or 'the start, before any step ran'}",
            f"Last {len(tail)} lines of the build log:",
            *(f"    {line}" for line in tail),
            f"Why: {exc.why}",
            f"What to do: {exc.todo}",
        ]
    )


@result
class BuildAttempt:
    """How a build went: `ok`, or the failing step with the last log lines."""

    tag: str
    ok: bool
    steps_total: int
    lab_label_steps: int
    seconds: float
    failed_step: str
    log_tail: tuple
    message: str

    def __repr__(self) -> str:
        if self.ok:
            own = self.steps_total - self.lab_label_steps
            return (
                f"Built {self.tag}: {self.steps_total} steps ({own} from the Dockerfile, "
                f"{self.lab_label_steps} LABEL steps for the lab's labels) in {self.seconds:.1f} s."
            )
        return self.message


def attempt_from_failure(tag: str, exc: BuildFailed) -> BuildAttempt:
    return BuildAttempt(
        tag, False, 0, 0, 0.0, exc.step, tuple(exc.build_log[-8:]), describe_build_failure(exc)
    )


def attempt_from_build(built) -> BuildAttempt:
    labels = sum(
        1 for line in built.log if line.startswith("Step ") and LAB_LABEL_STEP.search(line)
    )
    return BuildAttempt(
        built.tag, True, built.steps_total, labels, built.seconds, "", tuple(built.log[-8:]), ""
    )


BROKEN_LINE = "COPY requirements.txt /app/"


def write_broken_context(directory: str | os.PathLike) -> str:
    """The lesson's files plus one classic mistake: copying a file the context does not hold.

    Returns the Dockerfile's text.
    """
    target = Path(directory)
    write_lesson_files(target, overwrite=True)
    dockerfile = target / "Dockerfile"
    text = dockerfile.read_text().replace(
        "ADD app.py app.py\n", f"ADD app.py app.py\n{BROKEN_LINE}\n"
    )
    dockerfile.write_text(text)
    (target / "requirements.txt").unlink(missing_ok=True)
    return text


# --- the instruction trial, beside the seed's table -----------------------------------------------

TRIAL_STEPS = (
    ("ARG GREETING=hello", "a build argument"),
    ("WORKDIR /app", "a directory that does not exist yet"),
    ("WORKDIR /tmp", "a directory the base image already has"),
    ("ENV APP_MODE=lesson", ""),
    ("LABEL lesson=01-image-layers", ""),
    ("USER root", ""),
    ("EXPOSE 5000", ""),
    ("VOLUME /data", ""),
    ("STOPSIGNAL SIGTERM", ""),
    ('ENTRYPOINT ["python"]', ""),
    ('CMD ["app.py"]', ""),
    ("COPY app.py /app/app.py", "one small file"),
    ("ADD app.py /app/added.py", "the same file again"),
    ("RUN echo hello > /app/hello.txt", "writes a 6-byte file"),
    ("RUN echo nothing to write > /dev/null", "writes nothing"),
)


def trial_dockerfile() -> str:
    """A Dockerfile that uses each instruction of the seed's table once (some twice)."""
    lines = [
        "# Written by lh.layers.instruction_trial: each instruction once, to see which add layers.",
        "ARG BASE_IMAGE",
        "FROM ${BASE_IMAGE}",
    ]
    for instruction, note in TRIAL_STEPS:
        lines += [f"# {note}"] if note else []
        lines.append(instruction)
    return "\n".join(lines) + "\n"


@engine_step("build the instruction trial")
def instruction_trial(
    directory: str | os.PathLike = "my-app/trial", tag: str = "layer-trial"
) -> LayerReport:
    """Build `trial_dockerfile()` FROM the lesson's base image, and read its history."""
    target = Path(directory)
    write_lesson_files(target, overwrite=True)
    (target / "Dockerfile").write_text(trial_dockerfile())
    build_image.__wrapped_step__(target, tag)
    return image_history.__wrapped_step__(tag)


def compare_with_seed(report: LayerReport) -> Table:
    """Each instruction: what the seed's table says, and what this Engine recorded."""
    rows = []
    base = [row for row in report.rows if row.origin not in ("Dockerfile", "lab label")]
    if base:
        layers = sum(row.new_layer for row in base)
        size = sum(row.size_bytes for row in base)
        rows.append(
            (
                "FROM",
                f"FROM {base[0].origin}",
                "layer",
                f"{layers} layer(s) of the base image, {si(size)}",
                "yes",
            )
        )
    notes = dict(TRIAL_STEPS)
    for row in reversed(report.rows):
        if row.origin != "Dockerfile":
            continue
        seed = "layer" if row.keyword in SEED_LAYER_CREATING else "no layer"
        measured = f"a new layer, {si(row.size_bytes)}" if row.new_layer else "no layer"
        agree = "yes" if (seed == "layer") == row.new_layer else "NO"
        note = next((n for i, n in notes.items() if _same_step(i, row.step) and n), "")
        step = row.step + (f"  ({note})" if note else "")
        rows.append((row.keyword, step, seed, measured, agree))
    return Table(
        ["instruction", "step", "the seed's table says", "measured here", "agree?"],
        rows,
        caption=f"{report.tag}: each instruction's effect, measured from RootFS layer counts",
    )


def _same_step(instruction: str, step: str) -> bool:
    """Does a trial instruction match the step the history recorded for it?"""
    keyword, _, rest = instruction.partition(" ")
    if keyword == "RUN":
        return step == instruction
    if keyword in ("COPY", "ADD"):
        return step.startswith(keyword) and step.endswith(rest.split(" ")[-1])
    if keyword == "EXPOSE":
        return step.startswith("EXPOSE") and rest in step
    if keyword in ("VOLUME", "ENTRYPOINT", "CMD"):
        return step.startswith(keyword)
    return step == instruction


# --- add a layer ----------------------------------------------------------------------------------

ADD_LAYER_CHOICES = {
    "run": "RUN that writes N MiB",
    "copy": "COPY a file of N MiB",
    "run-nothing": "RUN that writes nothing",
    "workdir": "WORKDIR a new directory",
    "env": "ENV",
    "label": "LABEL",
}
PAYLOAD = "payload-{}mib.bin"


def extra_instruction(choice: str, size_mib: int = 5) -> str:
    """The one Dockerfile line `add_layer` puts on top of the lesson's image."""
    if choice not in ADD_LAYER_CHOICES:
        raise BadInput(
            f"Unknown choice '{choice}'.",
            f"the choices are: {', '.join(ADD_LAYER_CHOICES)}.",
            "pick one of those.",
        )
    if choice in ("run", "copy") and not 0 < size_mib <= 200:
        raise BadInput(
            f"Cannot add {size_mib} MiB.",
            "the lesson keeps layers between 1 and 200 MiB.",
            "pick a size in that range.",
        )
    return {
        "run": f"RUN dd if=/dev/zero of=/app/data-{size_mib}mib.bin bs=1M count={size_mib} "
        "status=none",
        "copy": f"COPY {PAYLOAD.format(size_mib)} /app/",
        "run-nothing": "RUN true",
        "workdir": "WORKDIR /plus",
        "env": "ENV PLUS_NOTE=added-by-the-widget",
        "label": "LABEL lesson.note=added-by-the-widget",
    }[choice]


def derived_dockerfile(instruction: str, from_image: str = "my-image") -> str:
    return (
        f"# Written by lh.layers.add_layer: one instruction on top of {from_image}.\n"
        f"ARG BASE_IMAGE={from_image}\n"
        "FROM ${BASE_IMAGE}\n"
        f"{instruction}\n"
    )


@result
class AddLayerResult:
    """What one extra instruction did to the image: a new layer or not, and its size."""

    choice: str
    instruction: str
    tag: str
    from_image: str
    new_layer: bool
    layer_bytes: int
    layers_before: int
    layers_after: int
    image_bytes_before: int
    image_bytes_after: int
    report: LayerReport

    @property
    def grew_bytes(self) -> int:
        return self.image_bytes_after - self.image_bytes_before

    def __repr__(self) -> str:
        if self.new_layer:
            effect = f"a new layer of {si(self.layer_bytes)} ({self.layer_bytes:,} B)"
        else:
            effect = "no new layer"
        return (
            f"{self.instruction}\n"
            f"  -> {effect}; RootFS {self.layers_before} -> {self.layers_after} layers; "
            f"{self.tag} is {si(self.grew_bytes)} ({self.grew_bytes:,} B) bigger than "
            f"{self.from_image}."
        )


@engine_step("add a layer")
def add_layer(
    choice: str = "run",
    size_mib: int = 5,
    from_image: str = "my-image",
    tag: str = "my-image-plus",
    directory: str | os.PathLike = "my-app/plus",
    on_progress: Callable[[int, int, str], None] | None = None,
) -> AddLayerResult:
    """Write a Dockerfile of FROM_IMAGE plus one instruction (see `ADD_LAYER_CHOICES`), build it
    as TAG, and measure what changed.

    Raises:
        BadInput: unknown choice or size, or FROM_IMAGE does not exist.
    """
    instruction = extra_instruction(choice, size_mib)
    before = find_image(from_image)
    if before is None:
        raise BadInput(
            f"There is no image '{from_image}' to build on.",
            "it was not built yet.",
            "run the build cell near the top of this notebook first.",
        )
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob(PAYLOAD.format("*")):
        old.unlink()  # the whole context is sent to the Engine: keep only what this build copies
    if choice == "copy":
        with open(target / PAYLOAD.format(size_mib), "wb") as payload:
            payload.truncate(size_mib * MIB)
    (target / "Dockerfile").write_text(derived_dockerfile(instruction, from_image))
    build_image.__wrapped_step__(target, tag, base_image=from_image, on_progress=on_progress)
    report = image_history.__wrapped_step__(tag)
    added = [row for row in report.rows if row.origin == "Dockerfile"]
    row = added[0]
    return AddLayerResult(
        choice,
        instruction,
        tag,
        from_image,
        row.new_layer,
        row.size_bytes,
        len(before.attrs.get("RootFS", {}).get("Layers") or []),
        report.rootfs_layers,
        int(before.attrs.get("Size") or 0),
        report.image_size_bytes,
        report,
    )


def experiments_table(results: Iterable[AddLayerResult]) -> Table:
    """The "add a layer" choices tried so far, one row each."""
    return Table(
        ["instruction", "new layer?", "layer size", "image grew by"],
        [
            (
                _clip(r.instruction, 60),
                "yes" if r.new_layer else "no",
                si(r.layer_bytes) if r.new_layer else "-",
                f"{si(r.grew_bytes)} ({r.grew_bytes:,} B)",
            )
            for r in results
        ],
        caption="your experiments so far",
    )


# --- one stage or two ----------------------------------------------------------------------------

_BUILD_STAGE = """\
WORKDIR /build
# stands in for a compiler or an SDK: 30 MiB that only the build needs
RUN dd if=/dev/zero of=/build/toolchain.bin bs=1M count=30 status=none
# the "compiled" result: the only thing the app needs to run
RUN echo "app built with the toolchain" > /build/result.txt
"""

MULTISTAGE_VARIANTS = {
    "one-stage": "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n" + _BUILD_STAGE,
    "one-stage-rm": "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n"
    + _BUILD_STAGE
    + "# delete the toolchain in a later step\nRUN rm /build/toolchain.bin\n",
    "multi-stage": "ARG BASE_IMAGE\nFROM ${BASE_IMAGE} AS build\n"
    "# the lab's label: this stage's image stays behind untagged, and lh.cleanup() must find it\n"
    f"LABEL {MANAGED}={IMAGE_PREFIX}build-stage\n" + _BUILD_STAGE + "\n"
    "FROM ${BASE_IMAGE}\n"
    "COPY --from=build /build/result.txt /app/result.txt\n",
}


@result
class ImageSize:
    """One image as `docker image ls` sizes it, and how much it adds to the base image."""

    tag: str
    image_id: str
    size_bytes: int
    layers: int
    above_base_bytes: int


@result
class StageComparison:
    """The same build done three ways; `build_stage` is the multi-stage build's first stage,
    left in the Engine as an untagged image."""

    base_image: str
    base_bytes: int
    images: tuple
    build_stage: ImageSize | None

    def table(self) -> Table:
        rows = [
            (
                i.tag,
                si(i.size_bytes),
                f"{i.size_bytes:,}",
                i.layers,
                f"{si(i.above_base_bytes)} ({i.above_base_bytes:,} B)",
            )
            for i in self.images
        ]
        if self.build_stage is not None:
            stage = self.build_stage
            rows.append(
                (
                    "<none> (the build stage)",
                    si(stage.size_bytes),
                    f"{stage.size_bytes:,}",
                    stage.layers,
                    f"{si(stage.above_base_bytes)} ({stage.above_base_bytes:,} B)",
                )
            )
        return Table(
            ["image", "size", "bytes", "layers", "above the base image"],
            rows,
            caption=f"base image {self.base_image}: {si(self.base_bytes)}",
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def stage_results(log: Iterable[str]) -> list[str]:
    """The last image id of each stage, from a classic build's log (" ---> ID" lines)."""
    stages: list[str] = []
    for line in log:
        if re.match(r"^Step \d+/\d+ : FROM ", line):
            stages.append("")
        match = re.match(r"^\s*---> ([0-9a-f]{12})\s*$", line)
        if match and stages:
            stages[-1] = match[1]
    return stages


def _size_of(image, base_bytes: int, tag: str) -> ImageSize:
    size = int(image.attrs.get("Size") or 0)
    return ImageSize(
        tag,
        _short_id(image.id),
        size,
        len(image.attrs.get("RootFS", {}).get("Layers") or []),
        size - base_bytes,
    )


@engine_step("compare one-stage and multi-stage builds")
def compare_stages(
    directory: str | os.PathLike = "my-app/stages", repository: str = "my-app"
) -> StageComparison:
    """Build `MULTISTAGE_VARIANTS` as REPOSITORY:VARIANT and size them like `docker image ls`."""
    base = choose_base_image.__wrapped_step__(pull=False).image
    base_image = client().images.get(base)
    base_bytes = int(base_image.attrs.get("Size") or 0)
    sizes, build_stage = [], None
    for variant, text in MULTISTAGE_VARIANTS.items():
        target = Path(directory) / variant
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        (target / "Dockerfile").write_text(text)
        tag = f"{repository}:{variant}"
        built = build_image.__wrapped_step__(target, tag, base_image=base)
        sizes.append(_size_of(client().images.get(tag), base_bytes, tag))
        stages = stage_results(built.log)
        if len(stages) > 1 and stages[0]:
            build_stage = _size_of(client().images.get(stages[0]), base_bytes, "build stage")
    announce(cli("image", "ls", repository))
    return StageComparison(base, base_bytes, tuple(sizes), build_stage)


# --- the exercise ---------------------------------------------------------------------------

EXERCISE_TAG = "my-layer-exercise"
EXERCISE_ENV = "STAGE=exercise"
EXERCISE_MIN_BYTES = 1_900_000
EXERCISE_MAX_BYTES = 2_200_000
_TITLE = "One new layer of about 2 MB, and an ENV that adds none"


@exercise_check(_TITLE)
def check_layer_exercise(tag: str = EXERCISE_TAG, from_image: str = "my-image") -> CheckResult:
    """Is there an image TAG, labelled for the lab, built FROM FROM_IMAGE with exactly one more
    layer of about 2 MB, and the environment variable STAGE=exercise?"""
    build = (
        f"docker build --label {MANAGED}=true -t {tag} DIR   (DIR holds your Dockerfile, "
        f"which starts `FROM {from_image}`)"
    )
    mine = find_image(tag)
    if mine is None:
        return not_yet(_TITLE, f"there is no image '{tag}' yet.", build)
    base = find_image(from_image)
    if base is None:
        return not_yet(
            _TITLE,
            f"there is no '{from_image}' to compare with.",
            "run the build cell at the top of this notebook first.",
        )
    if not is_lab_owned(mine.labels):
        return not_yet(
            _TITLE,
            f"'{tag}' has no {MANAGED}=true label, so the lab's cleanup would leave it behind.",
            f"build it again with `--label {MANAGED}=true`.",
        )
    ours = mine.attrs.get("RootFS", {}).get("Layers") or []
    theirs = base.attrs.get("RootFS", {}).get("Layers") or []
    if ours[: len(theirs)] != theirs:
        return not_yet(
            _TITLE,
            f"'{tag}' does not start with the layers of '{from_image}'.",
            f"start your Dockerfile with `FROM {from_image}`, then build again.",
        )
    added = len(ours) - len(theirs)
    grew = int(mine.attrs.get("Size") or 0) - int(base.attrs.get("Size") or 0)
    if added != 1:
        return not_yet(
            _TITLE,
            f"'{tag}' has {added} layer(s) more than '{from_image}', not 1.",
            "one RUN (or COPY) that writes the 2 MB adds one layer; "
            "`docker image history " + tag + "` shows each step's size.",
        )
    if not EXERCISE_MIN_BYTES <= grew <= EXERCISE_MAX_BYTES:
        return not_yet(
            _TITLE,
            f"the new layer holds {si(grew)} ({grew:,} B), not about 2 MB.",
            "write 2,000,000 bytes, e.g. `RUN head -c 2000000 /dev/zero > /app/2mb.bin`.",
        )
    env = mine.attrs.get("Config", {}).get("Env") or []
    if EXERCISE_ENV not in env:
        return not_yet(
            _TITLE,
            f"'{tag}' has the right layer, but no {EXERCISE_ENV} in its environment.",
            f"add the line `ENV {EXERCISE_ENV}` to the Dockerfile and build again.",
        )
    return passed(
        _TITLE,
        f"'{tag}' = {from_image} + 1 layer of {si(grew)} ({grew:,} B); "
        f"{len(ours)} layers in all, and ENV {EXERCISE_ENV} added none.",
    )
