"""The bad-input catalogue: what a learner may hand the lab that it cannot use, and what it says.

Each `Case` is data: what the learner did (`case`), the call as a cell would write it (`shown`)
and as code (`call`), the lab's error it must raise (`refusal`, a `LabError` class name; "" for a
case the lab handles by choosing other names), the start of the message's first line, "what
failed" (`what`), a text the message must hold to name the input (`mentions`) and the side effects
checked (`checks`). `needs` says what the case needs in the Engine first: "" (nothing: the step's
`validate` refuses before anything connects), "engine" (an Engine answers), "learner" (the
learner's own `my-cont-1`, `my-vol`, `my-image` and a network `my-cont-2`, made with the docker
CLI, no lab labels) or "read-only" (the lab's container `bi-ro` with its volume `bi-ro-vol` at
/data, read-only).

tests/test_bad_input.py runs every case on a real Engine and compares a snapshot of containers,
images, volumes and networks (ids, and each volume's and the case folder's file checksums) before
and after: identical. `python -m tools.catalogue` writes docs/bad-input.md from the same
cases, with each message as the lab produces it: by calling the helper where its `validate` step
refuses (no Engine needed), else from the lab's own message builder fed with what an Engine
answered (`offline`).

Paths are relative to the case's folder (`Stage.root`, the current folder while a case runs, as
the notebooks folder is for a notebook); the page shows it as ~/course/notebooks.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["CASES", "Case", "Stage", "check", "page", "page_path", "produce"]

SHOWN_ROOT = "~/course/notebooks"
BROKEN_TAG = "bi-broken"
RO_CONTAINER, RO_VOLUME = "bi-ro", "bi-ro-vol"
LEARNER = (("image", "my-image"), ("volume", "my-vol"), ("container", "my-cont-1"))
LEARNER_NETWORK = "my-cont-2"  # a network of the learner's, named as one of the lab's containers
HUGE_MIB = 10**9  # 1 PiB and more: no Engine's disk holds it, yet a size the lab may ask about
NO_SUCH_IMAGE = "no-such-image-xyz:v1"
NO_SUCH_BASE = "no-such-base-image-xyz:1"
SNAPSHOT = "containers, images, volumes, networks unchanged (ids, states)"
CONTENT = "files in volumes and the case folder unchanged (checksums)"
YOURS = "your my-cont-1 (running), my-vol (its file), my-image and network my-cont-2 untouched"
DOCKERFILES = {  # a build context each, in the case folder: the Dockerfile fails at one step
    "from-missing": f"FROM {NO_SUCH_BASE}\nRUN true\n",
    "run-fails": "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo building && exit 3\n",
    "copy-missing": "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY no-such-file.txt /app/\n",
    "syntax": "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUNN echo building\n",
}
# What BuildKit (Docker 28, containerd store) answered for each: fed to the lab's own message
# builder for the page (the test compares the real answer's first line and diagnosis).
BUILDER_SAID = {
    "from-missing": (
        f"[internal] load metadata for docker.io/library/{NO_SUCH_BASE}",
        "failed to do request: Head "
        '"https://registry-1.docker.io/v2/library/no-such-base-image-xyz/manifests/1": '
        "dial tcp: lookup registry-1.docker.io: no such host",
    ),
    "run-fails": (
        "[2/2] RUN echo building && exit 3",
        'process "/bin/sh -c echo building && exit 3" did not complete successfully: exit code: 3',
    ),
    "copy-missing": (
        "[2/2] COPY no-such-file.txt /app/",
        'failed to calculate checksum of ref abc::def: "/no-such-file.txt": not found',
    ),
    "syntax": (
        "",
        "failed to solve: dockerfile parse error on line 3: unknown instruction: RUNN "
        "(did you mean RUN?)",
    ),
}


@dataclasses.dataclass(frozen=True)
class Stage:
    """Where a case runs: its folder (`root`, the current folder meanwhile) and the image its
    containers run (`image`: the lesson's base image, which the Engine has)."""

    root: Path
    image: str = "labhelpers/python-base:bookworm"

    def prepare(self) -> None:
        """The folders and files the cases name: a file, an empty folder, broken contexts."""
        (self.root / "workspace").mkdir(parents=True, exist_ok=True)
        (self.root / "notes.txt").write_text("my notes\n")
        (self.root / "empty-app").mkdir(exist_ok=True)
        folder = self.root / "my-folder"
        folder.mkdir(exist_ok=True)
        (folder / "thesis.txt").write_text("a learner's file the lab must never remove\n")
        sock = self.root / "engine.sock"  # a socket, as an Engine's: never mounted into a container
        if not sock.exists():
            import socket

            listener = socket.socket(socket.AF_UNIX)
            listener.bind(str(sock))
            listener.close()
        for name, text in DOCKERFILES.items():
            (self.root / name).mkdir(exist_ok=True)
            (self.root / name / "Dockerfile").write_text(text)

    def build(self, name: str):
        from labhelpers.engine import build_image

        return build_image(self.root / name, tag=BROKEN_TAG, base_image=self.image)


@dataclasses.dataclass(frozen=True)
class Case:
    """One bad input (see the module's docstring)."""

    key: str
    topic: str
    case: str
    shown: str
    call: Callable[[Stage], object]
    refusal: str
    what: str
    mentions: str
    checks: tuple = (SNAPSHOT, CONTENT)
    needs: str = ""
    why_has: str = ""  # for Engine cases: a part of the "why" every Engine's answer gives
    offline: Callable[[Stage], object] | None = None  # the message without an Engine


def _lh():
    import labhelpers as lh

    return lh


def _clash(kind: str, name: str, remove: str):
    from labhelpers.engine.ownership import _clash

    return _clash(kind, name, remove)


def _build_failed(key: str):
    from labhelpers.engine.builds import _failed

    step, said = BUILDER_SAID[key]
    return _failed(BROKEN_TAG, step, said, [said])


def _fresh_plan(stage: Stage) -> str:
    """A new kernel's choice of names (a state folder of its own): the notice it prints."""
    env = dict(os.environ, LABHELPERS_STATE_DIR=str(stage.root / ".fresh-state"))
    env.pop("LABHELPERS_NAME_PREFIX", None)
    code = "from labhelpers.engine import name_plan; print(name_plan().notice())"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _plan_notice(stage: Stage) -> str:
    from labhelpers.engine.names import Clash, NamePlan

    clashes = tuple(Clash(kind, name) for kind, name in LEARNER)
    return NamePlan("", "lab-", clashes, "").notice()


def _beside_network(stage: Stage) -> str:
    from labhelpers.core.commands import hidden
    from labhelpers.engine import remove_container, run_container

    with hidden():
        started = run_container(LEARNER_NETWORK, stage.image, command="sleep 60")
        remove_container(LEARNER_NETWORK)
    return f"ran and removed the lab's container {started.name}; your network stays"


def _network_note(stage: Stage) -> str:
    return f"ran and removed the lab's container {LEARNER_NETWORK}; your network stays"


def _with_base_image(value: str):
    from labhelpers.engine import choose_base_image

    before = os.environ.get("LAB_BASE_IMAGE")
    os.environ["LAB_BASE_IMAGE"] = value
    try:
        return choose_base_image(pull=False)
    finally:
        if before is None:
            del os.environ["LAB_BASE_IMAGE"]
        else:
            os.environ["LAB_BASE_IMAGE"] = before


def _build(context: str):
    from labhelpers.engine import build_image

    return build_image(context, tag=BROKEN_TAG)


def _write(name: str, size: object, path: str = "/app/delta.bin"):
    return lambda s: _lh().write_data(name, size, path)


def _run(name: object, image: str | None = None, mounts: Callable | None = None):
    def call(stage: Stage):
        chosen = stage.image if image is None else image
        return _lh().run_container(name, chosen, mounts(stage) if mounts else (), "sleep 60")

    return call


LONG_CONTAINER, LONG_VOLUME = "c" * 200, "v" * 300
LONG_IMAGE = "i" * 238  # Docker 28 takes it; 20.10 stores docker.io/library/NAME: 256 characters
LONG_TAG = "my-image:" + "v" * 129
BAD_TAG = "my-image:"
CASES: tuple[Case, ...] = (
    # --- sizes --------------------------------------------------------------------------------
    Case(
        "size-negative",
        "sizes",
        "a negative size",
        'lh.write_data("my-cont-1", -4)',
        _write("my-cont-1", -4),
        "BadInput",
        "Cannot write -4 MiB.",
        "-4",
    ),
    Case(
        "size-text",
        "sizes",
        "a size as text",
        'lh.write_data("my-cont-1", "4MB")',
        _write("my-cont-1", "4MB"),
        "BadInput",
        "Cannot write '4MB' MiB.",
        "'4MB'",
    ),
    Case(
        "size-nan",
        "sizes",
        "not a number (NaN)",
        'lh.write_data("my-cont-1", float("nan"))',
        _write("my-cont-1", float("nan")),
        "BadInput",
        "Cannot write nan MiB.",
        "nan",
    ),
    Case(
        "size-infinite",
        "sizes",
        "an infinite size",
        'lh.write_data("my-cont-1", float("inf"))',
        _write("my-cont-1", float("inf")),
        "BadInput",
        "Cannot write inf MiB.",
        "inf",
    ),
    Case(
        "size-huge-float",
        "sizes",
        "a size no disk holds (beyond 1 EiB)",
        'lh.write_data("my-cont-1", 1e308)',
        _write("my-cont-1", 1e308),
        "BadInput",
        "Cannot write 1e+308 MiB.",
        "1e+308",
    ),
    Case(
        "size-huge-disk",
        "sizes",
        "a size larger than the Engine's free disk",
        f'lh.write_data("{RO_CONTAINER}", {HUGE_MIB}, "/tmp/big.bin")',
        _write(RO_CONTAINER, HUGE_MIB, "/tmp/big.bin"),
        "NotEnoughSpace",
        f"Not writing 1.05PB to {RO_CONTAINER}:/tmp/big.bin.",
        "1.05PB",
        needs="read-only",
        why_has="free",
    ),
    Case(
        "size-zero-slider",
        "sizes",
        "zero where the slider starts at 1 (containers to scale)",
        "lh.writable.scaling_widget(count=0)",
        lambda s: _lh().writable.scaling_widget(count=0),
        "BadInput",
        "Cannot use 0 for the number of containers.",
        "0",
    ),
    Case(
        "size-fraction",
        "sizes",
        "a fractional count of containers",
        "lh.writable.scaling_widget(count=2.5)",
        lambda s: _lh().writable.scaling_widget(count=2.5),
        "BadInput",
        "Cannot use 2.5 for the number of containers.",
        "2.5",
    ),
    Case(
        "size-fraction-layer",
        "sizes",
        "a fractional layer size (dd writes whole MiB)",
        "lh.layers.add_layer_widget(size_mib=2.5)",
        lambda s: _lh().layers.add_layer_widget(size_mib=2.5),
        "BadInput",
        "Cannot use 2.5 for the new layer's MiB.",
        "2.5",
    ),
    # --- names ----------------------------------------------------------------------------------
    Case(
        "container-empty-name",
        "names",
        "a container without a name",
        'lh.run_container("")',
        _run(""),
        "BadInput",
        "The container needs a name, not ''.",
        "''",
    ),
    Case(
        "container-bad-chars",
        "names",
        "a container name with a space and '!'",
        'lh.run_container("my cont!")',
        _run("my cont!"),
        "BadInput",
        "'my cont!' cannot name a container.",
        "'my cont!'",
    ),
    Case(
        "container-one-char",
        "names",
        "a one-character container name",
        'lh.run_container("a")',
        _run("a"),
        "BadInput",
        "'a' cannot name a container.",
        "'a'",
    ),
    Case(
        "container-too-long",
        "names",
        "a 200-character container name",
        'lh.run_container("c" * 200)',
        _run(LONG_CONTAINER),
        "BadInput",
        "The container name cccccccccccccccccccc... is 200 characters long.",
        "200",
    ),
    Case(
        "container-id-like",
        "names",
        "a container name Docker would read as an id",
        'lh.run_container("deadbeef1234")',
        _run("deadbeef1234"),
        "BadInput",
        "'deadbeef1234' cannot name a container: it looks like an id.",
        "deadbeef1234",
    ),
    Case(
        "volume-bad-chars",
        "names",
        "a volume name with a space",
        'lh.create_volume("my vol")',
        lambda s: _lh().create_volume("my vol"),
        "BadInput",
        "'my vol' cannot name a volume.",
        "'my vol'",
    ),
    Case(
        "volume-path-name",
        "names",
        "a path where a volume's name goes",
        'lh.volume_mount("../etc", "/data")',
        lambda s: _lh().volume_mount("../etc", "/data"),
        "BadInput",
        "'../etc' cannot name a volume.",
        "'../etc'",
    ),
    Case(
        "volume-too-long",
        "names",
        "a 300-character volume name",
        'lh.create_volume("v" * 300)',
        lambda s: _lh().create_volume(LONG_VOLUME),
        "BadInput",
        "The volume name vvvvvvvvvvvvvvvvvvvv... is 300 characters long.",
        "300",
    ),
    Case(
        "volume-id-like",
        "names",
        "a volume name of 64 hex digits (how anonymous volumes are named)",
        'lh.create_volume("a" * 64)',
        lambda s: _lh().create_volume("a" * 64),
        "BadInput",
        f"'{'a' * 64}' cannot name a volume: it looks like an id.",
        "a" * 64,
    ),
    Case(
        "image-capitals",
        "names",
        "an image name with capitals",
        'lh.ensure_lesson_image(tag="My-Image")',
        lambda s: _lh().ensure_lesson_image(tag="My-Image"),
        "BadInput",
        "'My-Image' is not an image name Docker takes.",
        "'My-Image'",
    ),
    Case(
        "image-empty-tag",
        "names",
        "an image name ending in ':' (an empty tag)",
        f'lh.ensure_lesson_image(tag="{BAD_TAG}")',
        lambda s: _lh().ensure_lesson_image(tag=BAD_TAG),
        "BadInput",
        f"'{BAD_TAG}' is not an image name Docker takes.",
        BAD_TAG,
    ),
    Case(
        "image-too-long",
        "names",
        "a 238-character image name (20.10 refuses it)",
        'lh.ensure_lesson_image(tag="i" * 238)',
        lambda s: _lh().ensure_lesson_image(tag=LONG_IMAGE),
        "BadInput",
        f"{repr(LONG_IMAGE)[:57]}... is not an image name Docker takes.",
        "iiiiiiiiii",
    ),
    Case(
        "image-tag-too-long",
        "names",
        "a 129-character tag",
        'lh.ensure_lesson_image(tag="my-image:" + "v" * 129)',
        lambda s: _lh().ensure_lesson_image(tag=LONG_TAG),
        "BadInput",
        f"{repr(LONG_TAG)[:57]}... is not an image name Docker takes.",
        "my-image:vvv",
    ),
    Case(
        "image-reserved",
        "names",
        "the reserved image name scratch",
        'lh.ensure_lesson_image(tag="scratch")',
        lambda s: _lh().ensure_lesson_image(tag="scratch"),
        "BadInput",
        "'scratch' is a name Docker reserves.",
        "'scratch'",
    ),
    Case(
        "image-bad-reference",
        "names",
        "an image reference with a bad digest",
        'lh.run_container("my-cont-1", "my-image@sha256:xyz")',
        _run("my-cont-1", "my-image@sha256:xyz"),
        "BadInput",
        "'my-image@sha256:xyz' is not an image name Docker takes.",
        "my-image@sha256:xyz",
    ),
    # --- images that do not exist, builds that fail -------------------------------------------
    Case(
        "image-missing",
        "images",
        "an image the Engine does not have",
        f'lh.run_container("bi-missing", "{NO_SUCH_IMAGE}")',
        _run("bi-missing", NO_SUCH_IMAGE),
        "BadInput",
        f"Cannot run 'bi-missing': there is no image '{NO_SUCH_IMAGE}' in the Engine.",
        NO_SUCH_IMAGE,
        needs="engine",
    ),
    Case(
        "build-no-folder",
        "builds",
        "a build context that does not exist",
        f'build_image("no-such-app", tag="{BROKEN_TAG}")',
        lambda s: _build("no-such-app"),
        "BadInput",
        "There is no folder no-such-app to build.",
        "no-such-app",
    ),
    Case(
        "build-no-dockerfile",
        "builds",
        "a build context with no Dockerfile",
        f'build_image("empty-app", tag="{BROKEN_TAG}")',
        lambda s: _build("empty-app"),
        "BadInput",
        "No Dockerfile in empty-app.",
        "empty-app",
    ),
    Case(
        "build-from-missing",
        "builds",
        f"a Dockerfile whose FROM names a missing image ({NO_SUCH_BASE})",
        f'build_image("from-missing", tag="{BROKEN_TAG}")',
        lambda s: s.build("from-missing"),
        "BuildFailed",
        f"The build of {BROKEN_TAG} failed at",
        NO_SUCH_BASE,
        needs="engine",
        why_has="is not in the Engine",
        offline=lambda s: _build_failed("from-missing"),
    ),
    Case(
        "build-run-fails",
        "builds",
        "a Dockerfile whose RUN exits with status 3",
        f'build_image("run-fails", tag="{BROKEN_TAG}")',
        lambda s: s.build("run-fails"),
        "BuildFailed",
        f"The build of {BROKEN_TAG} failed at",
        "exit 3",
        needs="engine",
        why_has="exited with status 3",
        offline=lambda s: _build_failed("run-fails"),
    ),
    Case(
        "build-copy-missing",
        "builds",
        "a Dockerfile that COPYs a file the context lacks",
        f'build_image("copy-missing", tag="{BROKEN_TAG}")',
        lambda s: s.build("copy-missing"),
        "BuildFailed",
        f"The build of {BROKEN_TAG} failed at",
        "no-such-file.txt",
        needs="engine",
        why_has="is not in the build context",
        offline=lambda s: _build_failed("copy-missing"),
    ),
    Case(
        "build-syntax",
        "builds",
        "a Dockerfile with a line no builder reads (RUNN)",
        f'build_image("syntax", tag="{BROKEN_TAG}")',
        lambda s: s.build("syntax"),
        "BuildFailed",
        f"The build of {BROKEN_TAG} failed at",
        "RUNN",
        needs="engine",
        why_has="line 3 of the Dockerfile cannot be read",
        offline=lambda s: _build_failed("syntax"),
    ),
    Case(
        "base-image-setting",
        "images",
        "a base image setting that is no image reference",
        'os.environ["LAB_BASE_IMAGE"] = "Python 3"; lh.engine.choose_base_image()',
        lambda s: _with_base_image("Python 3"),
        "BadInput",
        "LAB_BASE_IMAGE='Python 3' is not an image reference.",
        "Python 3",
        needs="engine",
    ),
    # --- host paths: bind mounts and the lab's folders -----------------------------------------
    Case(
        "bind-missing",
        "paths",
        "a bind mount of a folder that does not exist",
        'lh.bind_mount("workspace/no-such-folder", "/data")',
        lambda s: _lh().bind_mount("workspace/no-such-folder", "/data"),
        "BadInput",
        "Cannot bind-mount {root}/workspace/no-such-folder: it does not exist on this machine.",
        "workspace/no-such-folder",
    ),
    Case(
        "bind-relative-name",
        "paths",
        "a relative bind path without ./ (`-v data:/data` would make a volume named data)",
        'lh.bind_mount("data", "/data")',
        lambda s: _lh().bind_mount("data", "/data"),
        "BadInput",
        "Cannot bind-mount {root}/data: it does not exist on this machine.",
        "data",
    ),
    Case(
        "bind-root",
        "paths",
        "a bind mount of the host's root folder",
        'lh.bind_mount("/", "/host")',
        lambda s: _lh().bind_mount("/", "/host"),
        "BadInput",
        "Not mounting / into a container.",
        "/",
    ),
    Case(
        "bind-docker-socket",
        "paths",
        "the Engine's socket (whoever reaches it controls the machine)",
        'lh.bind_mount("/var/run/docker.sock", "/var/run/docker.sock")',
        lambda s: _lh().bind_mount("/var/run/docker.sock", "/var/run/docker.sock"),
        "BadInput",
        "Not mounting /var/run/docker.sock into a container.",
        "/var/run/docker.sock",
    ),
    Case(
        "bind-any-socket",
        "paths",
        "any socket file (Docker Desktop's, rootless Docker's, a test Engine's)",
        'lh.bind_mount("engine.sock", "/engine.sock", read_only=True)',
        lambda s: _lh().bind_mount("engine.sock", "/engine.sock", read_only=True),
        "BadInput",
        "Not mounting {root}/engine.sock into a container.",
        "engine.sock",
    ),
    Case(
        "bind-system-folder",
        "paths",
        "a system folder of the host, read-write",
        'lh.bind_mount("/etc", "/host-etc")',
        lambda s: _lh().bind_mount("/etc", "/host-etc"),
        "BadInput",
        "Not mounting /etc read-write into a container.",
        "/etc",
    ),
    Case(
        "bind-not-a-path",
        "paths",
        "a number where a path goes",
        'lh.bind_mount(42, "/data")',
        lambda s: _lh().bind_mount(42, "/data"),
        "BadInput",
        "Cannot bind-mount 42: it is not a path on this machine.",
        "42",
    ),
    Case(
        "bind-file-as-folder",
        "paths",
        "a file where the lesson needs a folder",
        'lh.mounts.ownership(host_dir="notes.txt")',
        lambda s: _lh().mounts.ownership(host_dir="notes.txt"),
        "BadInput",
        "notes.txt cannot be the ownership demo's folder: it is a file.",
        "notes.txt",
    ),
    Case(
        "bind-folder-with-files",
        "paths",
        "a folder of yours that the demo would empty first",
        'lh.mounts.ownership(host_dir="my-folder")',
        lambda s: _lh().mounts.ownership(host_dir="my-folder"),
        "BadInput",
        "Not emptying my-folder: it holds thesis.txt.",
        "my-folder",
    ),
    Case(
        "bind-file-over-folder",
        "paths",
        "a file bind-mounted over a folder of the image",
        'lh.run_container("bi-file", mounts=[lh.bind_mount("notes.txt", "/usr")])',
        _run("bi-file", mounts=lambda s: [_lh().bind_mount("notes.txt", "/usr")]),
        "BadInput",
        "Cannot start 'bi-file': the bind mount of {root}/notes.txt at /usr puts a file over a "
        "folder (or a folder over a file).",
        "notes.txt",
        needs="engine",
    ),
    Case(
        "target-relative",
        "paths",
        "a relative mount target",
        'lh.volume_mount("my-vol", "data")',
        lambda s: _lh().volume_mount("my-vol", "data"),
        "BadInput",
        "Cannot mount at 'data': it is not an absolute path in the container.",
        "'data'",
    ),
    Case(
        "target-root",
        "paths",
        "a mount over the container's / (written /data/..)",
        'lh.tmpfs_mount("/data/..")',
        lambda s: _lh().tmpfs_mount("/data/.."),
        "BadInput",
        "Cannot mount at '/data/..'.",
        "'/data/..'",
    ),
    Case(
        "read-climbs-out",
        "paths",
        "a file path that climbs out of the volume (`../`)",
        'lh.named_volumes.read_volume_file("my-vol", "../../etc/passwd")',
        lambda s: _lh().named_volumes.read_volume_file("my-vol", "../../etc/passwd"),
        "BadInput",
        "Not reading '../../etc/passwd' from the volume my-vol.",
        "../../etc/passwd",
    ),
    Case(
        "read-mountpoint-climbs-out",
        "paths",
        "a file path that climbs out of the volume's mountpoint on the Engine's machine",
        'lh.named_volumes.read_from_mountpoint("my-vol", "data/../../x")',
        lambda s: _lh().named_volumes.read_from_mountpoint("my-vol", "data/../../x"),
        "BadInput",
        "Not reading 'data/../../x' from the volume my-vol.",
        "data/../../x",
    ),
    Case(
        "write-read-only",
        "paths",
        "a write to a volume mounted read-only (:ro)",
        f'lh.write_data("{RO_CONTAINER}", 1, "/data/x.bin")',
        _write(RO_CONTAINER, 1, "/data/x.bin"),
        "BadInput",
        f"Not writing to {RO_CONTAINER}:/data/x.bin: /data is mounted read-only.",
        "/data/x.bin",
        needs="read-only",
    ),
    # --- what is the learner's ------------------------------------------------------------------
    Case(
        "learner-container",
        "yours",
        "your own my-cont-1, made after this kernel chose its names",
        'lh.run_container("my-cont-1")',
        _run("my-cont-1"),
        "NameClash",
        "The lab wants to create the container 'my-cont-1', but one already exists that the lab "
        "did not create.",
        "my-cont-1",
        (SNAPSHOT, CONTENT, YOURS),
        "learner",
        offline=lambda s: _clash("container", "my-cont-1", "docker rm -f my-cont-1"),
    ),
    Case(
        "learner-volume",
        "yours",
        "your own my-vol, made after this kernel chose its names",
        'lh.create_volume("my-vol")',
        lambda s: _lh().create_volume("my-vol"),
        "NameClash",
        "The lab wants to create the volume 'my-vol', but one already exists that the lab did "
        "not create.",
        "my-vol",
        (SNAPSHOT, CONTENT, YOURS),
        "learner",
        offline=lambda s: _clash("volume", "my-vol", "docker volume rm my-vol"),
    ),
    Case(
        "learner-image",
        "yours",
        "your own my-image, made after this kernel chose its names",
        "lh.ensure_lesson_image()",
        lambda s: _lh().ensure_lesson_image(),
        "NameClash",
        "The lab wants to create the image 'my-image', but one already exists that the lab did "
        "not create.",
        "my-image",
        (SNAPSHOT, CONTENT, YOURS),
        "learner",
        offline=lambda s: _clash("image", "my-image", "docker image rm my-image"),
    ),
    Case(
        "learner-network",
        "yours",
        "your own network named my-cont-2 (the lab makes no networks)",
        'lh.run_container("my-cont-2"); lh.remove_container("my-cont-2")',
        _beside_network,
        "",
        "ran and removed the lab's container my-cont-2",
        "my-cont-2",
        (SNAPSHOT, CONTENT, YOURS),
        "learner",
        offline=_network_note,
    ),
    Case(
        "learner-new-kernel",
        "yours",
        "a new kernel beside your my-cont-1, my-vol and my-image",
        "lh.name_plan() (notebook 00 and the doctor)",
        _fresh_plan,
        "",
        "Names: my-image, my-vol, my-cont-1 on this Engine are yours",
        "lab-",
        (SNAPSHOT, CONTENT, YOURS),
        "learner",
        offline=_plan_notice,
    ),
    # --- widgets --------------------------------------------------------------------------------
    Case(
        "widget-deltas-too-big",
        "widgets",
        "a default beyond the sliders' 500 MiB",
        "lh.writable.deltas_widget(defaults=(600, 10, 6))",
        lambda s: _lh().writable.deltas_widget(defaults=(600, 10, 6)),
        "BadInput",
        "Cannot use 600 for the MiB to write into my-cont-1.",
        "600",
    ),
    Case(
        "widget-deltas-count",
        "widgets",
        "two defaults for three sliders",
        "lh.writable.deltas_widget(defaults=(4, 10))",
        lambda s: _lh().writable.deltas_widget(defaults=(4, 10)),
        "BadInput",
        "Got the defaults (4, 10) for the containers ('my-cont-1', 'my-cont-2', 'my-cont-3').",
        "(4, 10)",
    ),
    Case(
        "widget-scaling-too-many",
        "widgets",
        "more containers than the slider goes to",
        "lh.writable.scaling_widget(count=50)",
        lambda s: _lh().writable.scaling_widget(count=50),
        "BadInput",
        "Cannot use 50 for the number of containers.",
        "50",
    ),
    Case(
        "widget-scaling-delta",
        "widgets",
        "a negative MiB per container",
        "lh.writable.scaling_widget(delta_mib=-1)",
        lambda s: _lh().writable.scaling_widget(delta_mib=-1),
        "BadInput",
        "Cannot use -1 for the MiB each container writes.",
        "-1",
    ),
    Case(
        "widget-layer-zero",
        "widgets",
        "a new layer of 0 MiB (the slider starts at 1)",
        "lh.layers.add_layer_widget(size_mib=0)",
        lambda s: _lh().layers.add_layer_widget(size_mib=0),
        "BadInput",
        "Cannot use 0 for the new layer's MiB.",
        "0",
    ),
    Case(
        "widget-layer-choice",
        "widgets",
        "an instruction the dropdown does not hold",
        'lh.layers.add_layer_widget(choice="SHELL")',
        lambda s: _lh().layers.add_layer_widget(choice="SHELL"),
        "BadInput",
        "Unknown choice 'SHELL'.",
        "SHELL",
    ),
)


def expected_what(case: Case, stage: Stage) -> str:
    """The case's `what` with the stage's folder in place of {root}."""
    return case.what.replace("{root}", str(stage.root))


def produce(case: Case, stage: Stage) -> str:
    """The message the lab shows for CASE, made without an Engine: the helper's own refusal
    (its validate step), or the lab's message builder fed with an Engine's answer.

    Raises:
        AssertionError: the lab's message is not what the case expects.
    """
    from labhelpers.core.errors import LabError

    if case.offline is None and case.needs:
        # Only an Engine makes this message: its first line, as the Engine test checks it.
        shown = f"{expected_what(case, stage)}\n(the rest names what this Engine answered)"
        return shown.replace(str(stage.root), SHOWN_ROOT)
    previous = os.getcwd()
    os.chdir(stage.root)
    try:
        if case.offline is not None:
            outcome = case.offline(stage)
        else:
            try:
                outcome = case.call(stage)
            except LabError as exc:
                outcome = exc
    finally:
        os.chdir(previous)
    if case.refusal:
        assert type(outcome).__name__ == case.refusal, (case.key, outcome)
        message, first = str(outcome), outcome.what
    else:
        message = first = str(outcome)
    assert first.startswith(expected_what(case, stage)), (case.key, first)
    assert case.mentions in message, (case.key, case.mentions, message)
    return message.replace(str(stage.root), SHOWN_ROOT)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def page() -> str:
    """docs/bad-input.md: every case, with the message the lab shows."""
    from labhelpers.core.commands import echo_commands

    lines = [
        "# Bad input: what the lab refuses, and what it says",
        "",
        "Generated by `python -m tools.catalogue` from `tools/catalogue.py`; "
        "`python -m tools.catalogue --check` (in `make test`'s api phase) fails when this "
        "page is stale. tests/test_bad_input.py runs every case on a real Engine and checks that "
        "the lab raises its own error (never the SDK's, never a traceback) with three parts, "
        "naming the input, and that nothing changed: the containers, images, volumes and "
        "networks (ids and states) and the files in every volume and in the case's folder "
        "(checksums), your own resources included.",
        "",
        "Messages come from the lab's code: the helper's check, which refuses before anything "
        f"connects, or the lab's message fed with an Engine's answer. Paths show as {SHOWN_ROOT} "
        "(the folder a notebook runs in). For builds, the builder's own words (after "
        "'the builder said') differ between Engines and builders.",
        "",
    ]
    echo_commands(False)
    with tempfile.TemporaryDirectory() as folder:
        stage = Stage(Path(folder).resolve())
        stage.prepare()
        topic = ""
        for case in CASES:
            if case.topic != topic:
                topic = case.topic
                lines += [
                    f"## {TOPICS[topic]}",
                    "",
                    "| case | input | message shown | side effects checked |",
                    "|---|---|---|---|",
                ]
            shown = produce(case, stage)
            lines.append(
                f"| {_cell(case.case)} | `{_cell(case.shown)}` | {_cell(shown)} | "
                f"{_cell('; '.join(case.checks))} |"
            )
            following = CASES.index(case) + 1
            if following == len(CASES) or CASES[following].topic != topic:
                lines.append("")
    echo_commands(True)
    lines.append(f"{len(CASES)} cases.")
    return "\n".join(lines) + "\n"


TOPICS = {
    "sizes": "Sizes: negative, not a number, fractional, zero, huge",
    "names": "Names of containers, volumes and images: invalid, too long, reserved",
    "images": "An image that does not exist",
    "builds": "Builds: no context, no Dockerfile, a Dockerfile that fails at each kind of step",
    "paths": "Host paths, mount targets, reading out of a volume, writing to a read-only mount",
    "yours": "Your own resources under the lab's names",
    "widgets": "Widgets fed values their sliders and dropdowns could not show",
}


def page_path() -> Path:
    return Path(__file__).resolve().parents[1] / "docs" / "bad-input.md"


def check() -> bool:
    """Is docs/bad-input.md current?"""
    path = page_path()
    return path.exists() and path.read_text() == page()


def main(argv: list[str] | None = None) -> int:
    """`python -m tools.catalogue [--check]` (make catalogue)."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.catalogue", description="docs/bad-input.md: the bad-input catalogue"
    )
    parser.add_argument("--check", action="store_true", help="fail when it is stale")
    args = parser.parse_args(argv)
    path = page_path()
    if args.check:
        if not check():
            print(f"{path.name} is stale. Fix: python -m tools.catalogue", file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page())
    print(f"wrote {path} ({len(CASES)} cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
