"""Builds: the way the learner's `docker build` builds, with live progress.

Which builder `docker build` uses depends on the docker CLI, not on the Engine alone: from CLI 23
on, `docker build` is `docker buildx build` (BuildKit) when the buildx plugin is installed, and
falls back to the classic builder (deprecated) when it is not; before 23 it is the classic builder
unless DOCKER_BUILDKIT=1. DOCKER_BUILDKIT=0 asks for the classic builder everywhere.

The Python SDK can only drive the classic builder (the Engine's /build API). So a BuildKit build
runs the docker CLI itself (`docker build --progress=plain`), against the same Engine, and reads
its progress; a classic build goes through the SDK, as `DOCKER_BUILDKIT=0 docker build` does.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..core.commands import Command, docker, file_written, show
from ..core.errors import BadInput, BuildFailed
from ..core.inputs import check_image_ref, check_image_tag
from ..core.labels import lab_labels
from ..core.plugins import notify
from ..core.results import result
from ..core.sessions import note_made
from .connection import client, engine_said
from .containers import labels_args
from .dockercli import parse
from .images import ImageInfo, choose_base_image, image_info, ping_header
from .ownership import check_owner
from .step import engine_step

__all__ = [
    "BUILDERS",
    "BuildResult",
    "Builder",
    "ask_cli_early",
    "build_image",
    "builder_in_use",
    "ensure_lesson_image",
]

BUILDERS = ("auto", "buildkit", "classic")


@result
class Builder:
    """Which builder `docker build` uses on this machine, and why.

    `name`: "buildkit" or "classic". `cli_version`: the docker CLI's version ("" without a CLI);
    `buildx_version`: the buildx plugin's ("" when it is not installed); `docker_buildkit`: the
    DOCKER_BUILDKIT setting ("" when unset); `engine_default`: the Engine's own default as its
    /_ping answer names it ("2" BuildKit, "1" classic, "" when it does not say)."""

    name: str
    reason: str
    cli_version: str
    buildx_version: str
    docker_buildkit: str
    engine_default: str

    @property
    def label(self) -> str:
        return "BuildKit" if self.name == "buildkit" else "the classic builder"


def _start(argv: list[str]) -> subprocess.Popen | None:
    """ARGV started, its output piped (None when there is no such program)."""
    if shutil.which(argv[0]) is None:
        return None
    try:
        return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return None


def _answer(process: subprocess.Popen | None) -> str:
    """What a started command printed ("" when it failed, took over 30 s, or never started)."""
    if process is None:
        return ""
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return ""
    return out.strip() if process.returncode == 0 else ""


_CLI_QUESTIONS = (
    ["docker", "version", "--format", "{{.Client.Version}}"],
    ["docker", "buildx", "version"],
)
_cli_seen: dict[tuple, tuple[str, list[str]]] = {}
_cli_asked: list[subprocess.Popen | None] = []  # the two questions, started by `ask_cli_early`


def ask_cli_early() -> None:
    """Start `builder_in_use`'s two CLI questions now, side by side, for it to read when it is
    called: the doctor starts them before its other checks, which wait on the Engine meanwhile
    (`docker buildx version` alone takes a tenth of a second: the CLI starts the plugin). They
    are read-only questions of this machine's CLI; `builder_in_use` shows them, as before."""
    if not _cli_asked:
        _cli_asked[:] = [_start(argv) for argv in _CLI_QUESTIONS]


def _cli_versions() -> tuple[str, list[str]]:
    """`docker version -f '{{.Client.Version}}'` and `docker buildx version`'s words, asked once
    per docker CLI (its path and modification time, and where it looks for plugins): two CLI
    starts that every build paid, for an answer that changes only when the CLI is reinstalled.
    The two run side by side (started by `ask_cli_early` when the doctor asked for them). An
    answer without a version (no CLI, or no Engine answered) is not kept."""
    where = shutil.which("docker")
    try:
        stamp = os.stat(where).st_mtime if where else 0.0
    except OSError:
        stamp = 0.0
    key = (where, stamp, os.environ.get("DOCKER_CONFIG", ""), os.environ.get("HOME", ""))
    if key not in _cli_seen:
        asked = _cli_asked[:] or [_start(argv) for argv in _CLI_QUESTIONS]
        _cli_asked.clear()
        cli_version, buildx = _answer(asked[0]), _answer(asked[1]).split()
        if not cli_version:
            return cli_version, buildx
        _cli_seen[key] = (cli_version, buildx)
    return _cli_seen[key]


def _major(version: str) -> int | None:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else None


@engine_step("find out which builder docker build uses")
def builder_in_use() -> Builder:
    """`docker version --format '{{.Client.Version}}'` and `docker buildx version`: which builder
    a plain `docker build` in this machine's terminal uses (see the module's docstring)."""
    show(docker("version", "--format", "{{.Client.Version}}"))
    show(docker("buildx", "version"))
    _cli_seen.clear()  # shown, so asked now
    return _builder()


def _builder() -> Builder:
    """`builder_in_use` without showing it: the CLI's answers asked once per CLI (see
    `_cli_versions`), for a build that only needs to know which builder to use."""
    cli_version, buildx = _cli_versions()
    buildx_version = buildx[1] if len(buildx) > 1 else ""
    setting = os.environ.get("DOCKER_BUILDKIT", "").strip()
    engine_default = ping_header("Builder-Version")
    major = _major(cli_version)
    if not cli_version:
        name, reason = "classic", "there is no docker CLI here, and the lab's SDK builds classic"
    elif setting == "0":
        name, reason = "classic", "DOCKER_BUILDKIT=0 asks for it"
    elif major is not None and major < 23:
        name = "buildkit" if setting == "1" else "classic"
        reason = f"docker CLI {cli_version} uses BuildKit only with DOCKER_BUILDKIT=1" + (
            " (set)" if setting == "1" else ""
        )
    elif buildx_version:
        name = "buildkit"
        reason = f"docker CLI {cli_version} with the buildx plugin {buildx_version}"
    else:
        name = "classic"
        reason = f"docker CLI {cli_version} has no buildx plugin, so it falls back to it"
    return Builder(name, reason, cli_version, buildx_version, setting, engine_default)


@result
class BuildResult:
    """A finished build."""

    tag: str
    image_id: str
    steps_total: int
    seconds: float
    base_image: str
    log: tuple
    command: str
    builder: str  # "buildkit" or "classic"


def _check_build(
    context: str | os.PathLike,
    tag: str = "my-image",
    base_image: str | None = None,
    on_progress: Callable | None = None,
    on_log: Callable | None = None,
    nocache: bool = False,
    builder: str = "auto",
) -> None:
    if builder not in BUILDERS:
        raise BadInput(
            f"There is no builder called {builder!r}.",
            f"the lab builds with one of {', '.join(BUILDERS)}.",
            'leave it out (builder="auto": the one your docker CLI uses).',
        )
    check_image_tag(tag)
    if base_image is not None:
        check_image_ref(base_image)
    if (
        not isinstance(context, (str, os.PathLike))
        or not os.fspath(context)
        or (not Path(context).is_dir())
    ):
        raise BadInput(
            f"There is no folder {context} to build.",
            "the build context is a folder: the Dockerfile and the files it copies.",
            "write the lesson's files first (lh.write_lesson_files(...)), or fix the path.",
        )
    if not (Path(context) / "Dockerfile").is_file():
        raise BadInput(
            f"No Dockerfile in {context}.",
            "the build context must hold a Dockerfile.",
            "write the lesson's files first (lh.write_lesson_files(...)).",
        )


@engine_step(
    "build the image", validate=_check_build, names={"tag": "image", "base_image": "image"}
)
def build_image(
    context: str | os.PathLike,
    tag: str = "my-image",
    base_image: str | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_log: Callable[[str], None] | None = None,
    nocache: bool = False,
    builder: str = "auto",
) -> BuildResult:
    """`docker build --build-arg BASE_IMAGE=... -t TAG CONTEXT`, streamed.

    `builder`: "auto" builds as this machine's `docker build` does (`builder_in_use`);
    "buildkit" or "classic" asks for one. `on_progress(step, total, instruction)` is called as
    each Dockerfile step starts, and `on_log(line)` for every line the builder prints. The image
    gets the lab's labels.

    Raises:
        NameClash: TAG names an image the learner owns.
        BadInput: the context has no Dockerfile, or an unknown builder.
        BuildFailed: a step failed; `.step` is that step and `.build_log` every line.
    """
    check_owner("image", tag)
    _report_context(context)
    base = base_image or choose_base_image().image
    default = _builder().name
    chosen = default if builder == "auto" else builder
    # BuildKit prints its progress plainly for the lab to follow; the classic builder removes the
    # containers of failed steps too (it keeps them by default).
    way = ["--progress=plain"] if chosen == "buildkit" else ["--force-rm"]
    argv = ["build", *way, "--build-arg", f"BASE_IMAGE={base}"]
    argv += labels_args(lab_labels("image", tag))
    argv += ["--no-cache"] if nocache else []
    argv += ["-t", tag, os.path.abspath(context)]
    # another builder than the terminal's own: the setting that asks for it comes first
    env = () if chosen == default else (("DOCKER_BUILDKIT", str(int(chosen == "buildkit"))),)
    command = show(docker(*argv, env=env))
    run = _buildkit if chosen == "buildkit" else _classic
    started = time.perf_counter()
    image_id, steps, log = run(command, tag, on_progress, on_log)
    note_made("image", image_id)
    labels = lambda: client().images.get(tag).labels  # noqa: E731 (the Engine's, read if asked)
    notify("created", "image", command, tag, labels, builder=chosen)
    return BuildResult(
        tag,
        image_id.split(":")[-1][:12],
        steps,
        time.perf_counter() - started,
        base,
        tuple(log),
        command.line(),
        chosen,
    )


def _report_context(context: str | os.PathLike) -> None:
    """Report the context's small text files as written (the CLI twin writes the same files in
    its scratch folder before its `docker build`, whoever wrote them here)."""
    folder = Path(context)
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if path.is_file() and not path.name.startswith(".") and path.stat().st_size < 65536:
            try:
                file_written(str(path), path.read_text())
            except UnicodeDecodeError:  # a binary file: the twin cannot write it from text
                continue


def _check_lesson_image(
    context: object = None, tag: str = "my-image", *_: object, **__: object
) -> None:
    check_image_tag(tag)


LESSON_APP = "my-app"  # under the notebooks' folder: the lesson's app, for the learner to edit


@engine_step("ensure the lesson image", validate=_check_lesson_image, names={"tag": "image"})
def ensure_lesson_image(
    context: str | os.PathLike | None = None,
    tag: str = "my-image",
    on_progress: Callable[[int, int, str], None] | None = None,
) -> ImageInfo:
    """Build the lesson's image unless the lab has built it already (notebooks after 01 call
    this). Without `context`, from the notebooks' `my-app/` folder (the lesson's Dockerfile and
    app.py are written there first when it lacks them, as notebook 00 does).

    Raises:
        NameClash: TAG is an image of the learner's.
        BuildFailed: the build failed.
    """
    if check_owner("image", tag) is None:
        folder = Path(context) if context is not None else Path(LESSON_APP)
        if context is None:  # written when missing, and reported for the twin either way
            from ..lesson_app import write_lesson_files

            write_lesson_files(folder)
        build_image(folder, tag, on_progress=on_progress)
    return image_info(tag)


def _failed(tag: str, step: str, message: str, log: list[str]) -> BuildFailed:
    cause, todo = _diagnosis(step, message)
    return BuildFailed(
        f"The build of {tag} failed at {step or 'the start'}.",
        f"{cause}; the builder said: {message}" if cause else f"the builder said: {message}",
        todo,
        step,
        log,
    )


def _diagnosis(step: str, message: str) -> tuple[str, str]:
    """What a failed step means in the lab's words, the same with every builder and Engine
    (each says it its own way), and what to do: ("", the general advice) when it is not known."""
    instruction = re.sub(r"^(?:Step \d+/\d+ : |\[[^\]]*\] )", "", step).strip()
    keyword = instruction.split(" ", 1)[0].upper()
    parse = re.search(r"parse error(?: on)? line (\d+): (.*?)(?: \(did you mean|$)", message)
    if parse:
        return (
            f"line {parse[1]} of the Dockerfile cannot be read ({parse[2]})",
            f"fix line {parse[1]} of the Dockerfile (`docker build` checks every line before the "
            "first step runs), then build again.",
        )
    base = re.match(r"load metadata for (\S+)", instruction) or re.match(
        r"(?i)FROM (\S+)", instruction
    )
    if base:
        return (
            f"the base image {base[1]} is not in the Engine, and the builder could not pull it",
            "build or pull that image first (`docker image ls` lists what the Engine has), or fix "
            "the FROM line.",
        )
    if keyword in ("COPY", "ADD") and ("not found" in message or "no such file" in message.lower()):
        return (
            f"a file that `{instruction}` copies is not in the build context (the folder sent "
            "to the builder)",
            "put the file into the build context (next to the Dockerfile), or fix the line.",
        )
    code = re.search(r"(?:exit code: |non-zero code: )(\d+)", message)
    if keyword == "RUN" and code:
        command = instruction[len("RUN ") :]
        return (
            f"the command `{command}` exited with status {code[1]}",
            "run the command in a container of the step before (`docker run --rm -it IMAGE sh`) "
            "to see why it fails, fix it, and build again.",
        )
    return "", "fix that step in the Dockerfile (or the files it uses) and build again."


_CLASSIC_STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)")


def _classic(command: Command, tag: str, on_progress, on_log):
    """The classic builder, through the Engine's /build API (what the SDK can drive), with the
    options the command shows."""
    parsed = parse(command)
    log: list[str] = []
    step, image_id, current = 0, "", ""
    stream = client().api.build(
        path=parsed.args[0],
        tag=parsed.value("-t"),
        buildargs=parsed.pairs("--build-arg"),
        labels=parsed.pairs("--label"),
        rm=True,
        forcerm=parsed.has("--force-rm"),
        decode=True,
        nocache=parsed.has("--no-cache"),
    )
    for chunk in _refused_as_failed(stream, tag):
        if "stream" in chunk:
            for line in chunk["stream"].splitlines():
                if not line.strip():
                    continue
                log.append(line)
                if on_log:
                    on_log(line)
                match = _CLASSIC_STEP.match(line)
                if match:
                    step, total, current = int(match[1]), int(match[2]), line
                    if on_progress:
                        on_progress(step, total, match[3])
        elif "error" in chunk:
            message = chunk["error"].strip()
            log.append(message)
            if on_log:
                on_log(message)
            raise _failed(tag, current, message, log)
        elif "aux" in chunk and "ID" in chunk["aux"]:
            image_id = chunk["aux"]["ID"]
    if not image_id:
        image_id = client().images.get(tag).id
    return image_id, step, log


def _refused_as_failed(stream, tag: str):
    """The classic builder's chunks; a Dockerfile it refuses to read is a failed build.

    The classic builder reads the whole Dockerfile before the first step, and refuses a line it
    cannot read with an error answer (BuildKit reports the same as a failed build)."""
    import docker

    try:
        yield from stream
    except docker.errors.APIError as exc:
        if not exc.is_client_error():
            raise
        said = engine_said(exc)
        raise _failed(tag, "", said, [said]) from exc


# "#6 [2/4] WORKDIR /app", or in a multi-stage build "#9 [build 2/3] RUN ..."
_BUILDKIT_STEP = re.compile(r"^#\d+ \[(?:(\S+) )?(\d+)/(\d+)\] (.*)$")
_BUILDKIT_ERROR = re.compile(r"^(?:#\d+ )?ERROR: (.*)$")
_BUILDKIT_FAILED_STEP = re.compile(r"^ > (\[.*\] .*):$")  # " > [4/4] RUN pip install x:"


# Windows has no SIGINT to send (Popen.send_signal raises ValueError there): a CLI started in a
# process group of its own gets CTRL_BREAK_EVENT instead, which Go programs such as the docker
# CLI receive as os.Interrupt, the same cancel as Ctrl-C.
_WINDOWS = sys.platform == "win32"
_GROUP = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if _WINDOWS else {}
_INTERRUPT = signal.CTRL_BREAK_EVENT if _WINDOWS else signal.SIGINT


def _stop(process: subprocess.Popen) -> None:
    """End an interrupted `docker build` as Ctrl-C in a terminal does (the CLI cancels the build
    on the Engine, and nothing is tagged); killed if it has not ended within 5 s."""
    for ending in (lambda: process.send_signal(_INTERRUPT), process.kill):
        if process.poll() is not None:
            break
        ending()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            continue
    if process.stdout is not None:
        process.stdout.close()


def _buildkit(command: Command, tag: str, on_progress, on_log):
    """BuildKit, through the docker CLI (`docker build` with the buildx plugin): the command as
    shown, whose plain progress output names each step as "[k/n] INSTRUCTION" (per stage in a
    multi-stage build)."""
    argv = list(command.argv)
    log: list[str] = []
    seen: dict[tuple, str] = {}  # (stage, k) -> instruction
    totals: dict[str, int] = {}
    current, error = "", ""
    process = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **dict(command.env)},  # DOCKER_HOST as the lab's client sees it
        **_GROUP,
    )
    assert process.stdout is not None
    try:
        for raw in process.stdout:
            line = raw.rstrip("\n")
            if not line.strip():
                continue
            log.append(line)
            if on_log:
                on_log(line)
            match = _BUILDKIT_STEP.match(line)
            if match:
                stage = match[1] or ""
                key = (stage, int(match[2]))
                totals[stage] = int(match[3])
                if key not in seen:
                    seen[key] = match[4]
                    current = f"[{stage + ' ' if stage else ''}{match[2]}/{match[3]}] {match[4]}"
                    if on_progress:
                        on_progress(len(seen), sum(totals.values()), match[4])
                continue
            failed = _BUILDKIT_ERROR.match(line)
            if failed and not error:
                error = failed[1]
            where = _BUILDKIT_FAILED_STEP.match(line)
            if where:
                current = where[1]
        code = process.wait()
    except BaseException:  # interrupted (KeyboardInterrupt), or a callback failed
        _stop(process)
        raise
    if code != 0:
        raise _failed(tag, current, error or f"docker build exited with {code}", log)
    image_id = client().images.get(tag).id
    return image_id, len(seen), log
