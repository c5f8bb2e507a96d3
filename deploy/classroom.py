#!/usr/bin/env python3
"""Run the course for a class on one server: a JupyterHub where every learner gets the course and
a Docker Engine of their own. The instructor's commands (deploy/README.md is the guide):

    python3 deploy/classroom.py build          build the three images from this repository
    python3 deploy/classroom.py up             start the hub (builds what is missing first)
    python3 deploy/classroom.py status         the learners, their servers and Engines
    python3 deploy/classroom.py reset NAME     stop one learner and delete all their work
    python3 deploy/classroom.py down           stop the hub and remove everything it made

All of them talk to the server's Docker Engine the way the docker CLI does (DOCKER_HOST, or the
default socket) and need only Python 3.9+ and the docker CLI. Everything `up` and the hub make
carries the label io.labhelpers.classroom=NAME (NAME: --name, default "classroom"), and `down`
removes by that label only; the images `build` makes stay for the next class.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
REPO = DEPLOY.parent
CLASSROOM_LABEL = "io.labhelpers.classroom"
LEARNER_LABEL = "io.labhelpers.classroom-learner"
IMAGE_LABEL = "io.labhelpers.classroom-image"
IMAGE_REPO = "labhelpers/classroom-{kind}"
OFFLINE_BASE = "labhelpers/python-base:bookworm"
OFFICIAL_BASE = "python:3.13-slim"
# Not part of the course a learner gets: the repository's tooling and this folder.
NOT_COURSE = ("deploy/", "tests/", ".ci/", ".devcontainer/")


class ClassroomError(Exception):
    """What failed, and what to do (printed without a traceback)."""


def say(*parts: object) -> None:
    print("classroom:", *parts, file=sys.stderr, flush=True)


def docker(*args: str, check: bool = True, input: bytes | None = None, quiet: bool = True):
    """The docker CLI, on the Engine DOCKER_HOST names (the server's)."""
    done = subprocess.run(
        ["docker", *args],
        input=input,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if quiet else None,
    )
    if check and done.returncode != 0:
        err = (done.stderr or b"").decode(errors="replace").strip()
        raise ClassroomError(f"`docker {' '.join(args[:3])} ...` failed: {err}")
    return done.stdout.decode(errors="replace")


def exists(kind: str, name: str) -> bool:
    probe = ["image", "inspect"] if kind == "image" else [kind, "inspect"]
    return subprocess.run(["docker", *probe, name], capture_output=True).returncode == 0


# ---------------------------------------------------------------------------------------- build


def base_image(requested: str | None) -> str:
    """The image the three images are built FROM (Debian with python3 and apt)."""
    if requested:
        if not exists("image", requested):
            raise ClassroomError(f"the base image {requested} is not on the server's Engine")
        return requested
    for image in (OFFLINE_BASE, OFFICIAL_BASE):
        if exists("image", image):
            return image
    raise ClassroomError(
        f"neither {OFFLINE_BASE} nor {OFFICIAL_BASE} is on the server's Engine: run "
        f"`sudo scripts/provision-engine` (it builds {OFFLINE_BASE} from Debian packages) or "
        f"`docker pull {OFFICIAL_BASE}`"
    )


def tracked_course_files() -> list[str]:
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True
    ).stdout.decode()
    return sorted(
        path
        for path in listed.split("\0")
        if path and not path.startswith(NOT_COURSE) and (REPO / path).is_file()
    )


def _digest(files: dict[str, Path], *extra: str) -> str:
    hasher = hashlib.sha256()
    for name in sorted(files):
        hasher.update(name.encode() + b"\0" + files[name].read_bytes() + b"\0")
    for value in extra:
        hasher.update(value.encode() + b"\0")
    return hasher.hexdigest()[:12]


def image_id(image: str) -> str:
    return docker("image", "inspect", "-f", "{{.Id}}", image).strip()


def image_plan(base: str) -> dict[str, tuple[str, dict[str, Path]]]:
    """Each image's tag (a digest of its inputs: built again only when they change) and files."""
    images = DEPLOY / "images"
    base_id = image_id(base)
    engine_files = {
        "Dockerfile": images / "engine/Dockerfile",
        "engine-entrypoint": images / "engine/engine-entrypoint",
    }
    engine_tag = IMAGE_REPO.format(kind="engine") + ":" + _digest(engine_files, base_id)
    course_files = {
        "Dockerfile": images / "course/Dockerfile",
        "start-learner": images / "course/start-learner",
        "binder-requirements.txt": REPO / "binder/requirements.txt",
        "course-requirements.txt": DEPLOY / "requirements/course.txt",
    }
    course_files.update({f"course/{path}": REPO / path for path in tracked_course_files()})
    course_tag = IMAGE_REPO.format(kind="course") + ":" + _digest(course_files, base_id, engine_tag)
    hub_files = {
        "Dockerfile": images / "hub/Dockerfile",
        "package.json": images / "hub/package.json",
        "package-lock.json": images / "hub/package-lock.json",
        "hub-requirements.txt": DEPLOY / "requirements/hub.txt",
        "jupyterhub_config.py": DEPLOY / "jupyterhub_config.py",
        "learner_spawner.py": DEPLOY / "learner_spawner.py",
    }
    hub_tag = IMAGE_REPO.format(kind="hub") + ":" + _digest(hub_files, base_id)
    return {
        "engine": (engine_tag, engine_files),
        "course": (course_tag, course_files),
        "hub": (hub_tag, hub_files),
    }


def build(base: str | None = None, force: bool = False) -> dict[str, str]:
    """Build what is missing; returns {"engine"|"course"|"hub": tag}."""
    base = base_image(base)
    plan = image_plan(base)
    tags = {kind: tag for kind, (tag, _) in plan.items()}
    for kind in ("engine", "course", "hub"):  # the course image copies the Engine's CLI
        tag, files = plan[kind]
        if exists("image", tag) and not force:
            say(f"{tag} is built")
            continue
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=f"classroom-{kind}-") as context:
            for name, source in files.items():
                target = Path(context, name)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
            if kind == "engine":  # the lesson's base image, loaded into each learner's Engine
                with open(Path(context, "base-image.tar"), "wb") as tar:
                    subprocess.run(["docker", "save", base], stdout=tar, check=True)
            say(f"building {tag} (from {base})")
            docker(
                "build",
                "--quiet",
                "--build-arg",
                f"BASE={base}",
                "--build-arg",
                f"LESSON_BASE_IMAGE={base}",
                "--build-arg",
                f"ENGINE_IMAGE={tags['engine']}",
                "--label",
                f"{IMAGE_LABEL}={kind}",
                "-t",
                tag,
                context,
            )
        say(f"built {tag} in {time.monotonic() - started:.0f} s")
        _remove_older(kind, tag)
    return tags


def _remove_older(kind: str, keep: str) -> None:
    """Earlier builds of this image (its inputs changed since); one in use stays."""
    listed = docker(
        "image",
        "ls",
        "--filter",
        f"label={IMAGE_LABEL}={kind}",
        "--format",
        "{{.Repository}}:{{.Tag}}",
    )
    for tag in listed.split():
        if tag != keep and tag.startswith(IMAGE_REPO.format(kind=kind) + ":"):
            docker("image", "rm", tag, check=False)


# ------------------------------------------------------------------------------------- the hub


def hub_name(name: str) -> str:
    return f"{name}-hub"


def up(args: argparse.Namespace) -> str:
    """Start the hub; returns the URL learners open."""
    name = args.name
    tags = build(args.base)
    if exists("container", hub_name(name)):
        raise ClassroomError(
            f"a class named {name} runs already: `classroom.py down --name {name}` ends it"
        )
    label = f"{CLASSROOM_LABEL}={name}"
    started = time.monotonic()
    docker("network", "create", "--label", label, f"{name}-hub")
    # The learners' Engines: reach the internet (a lesson's `pip install`), never each other.
    docker(
        "network",
        "create",
        "--label",
        label,
        "--opt",
        "com.docker.network.bridge.enable_icc=false",
        f"{name}-engines",
    )
    docker("volume", "create", "--label", label, f"{name}-hub-data")
    settings = {
        "NAME": name,
        "COURSE_IMAGE": tags["course"],
        "ENGINE_IMAGE": tags["engine"],
        "AUTH": args.auth,
        "INSTRUCTOR": args.instructor,
        "OPEN_SIGNUP": "1" if args.open_signup else "0",
        "SERVER_MEM": args.server_mem,
        "SERVER_CPUS": str(args.server_cpus),
        "ENGINE_MEM": args.engine_mem,
        "ENGINE_CPUS": str(args.engine_cpus),
        "ENGINE_DISK_GB": str(args.engine_disk_gb),
        "CULL_TIMEOUT": str(args.cull_timeout),
        "ACTIVITY_INTERVAL": str(args.activity_interval),
        "ADMIN_TOKEN": secrets.token_hex(32),
    }
    if args.cull_every:
        settings["CULL_EVERY"] = str(args.cull_every)
    if args.test_password:
        settings["TEST_PASSWORD"] = args.test_password
    env = [item for key, value in settings.items() for item in ("-e", f"CLASSROOM_{key}={value}")]
    docker(
        "run",
        "-d",
        "--name",
        hub_name(name),
        "--label",
        label,
        "--restart",
        "unless-stopped",
        "--network",
        f"{name}-hub",
        "-p",
        f"{args.bind}:{args.port}:8000",
        # The hub starts and stops containers on the server's Engine (never a learner's).
        "-v",
        f"{args.engine_socket}:/var/run/docker.sock",
        "-v",
        f"{name}-hub-data:/srv/jupyterhub/data",
        *env,
        tags["hub"],
    )
    wait_for_hub(name)
    say(f"the hub answers ({time.monotonic() - started:.1f} s after `up`)")
    url = args.public_url or f"http://THIS-SERVER:{args.port}/"
    say(f"learners open {url}; the instructor signs up as '{args.instructor}' first")
    return url


def hub_api(name: str, method: str, path: str, body: dict | None = None) -> object:
    """Call the hub's REST API as the classroom-admin service, from inside the hub's container
    (so it works wherever the docker CLI reaches the server's Engine)."""
    code = (
        "import json, os, sys, urllib.request\n"
        "req = urllib.request.Request('http://127.0.0.1:8081/hub/api' + sys.argv[2],"
        " method=sys.argv[1], data=sys.argv[3].encode() or None, headers={'Authorization':"
        " 'token ' + os.environ['CLASSROOM_ADMIN_TOKEN'], 'Content-Type': 'application/json'})\n"
        "try:\n"
        "    with urllib.request.urlopen(req, timeout=60) as r: out = r.read().decode()\n"
        "except urllib.error.HTTPError as e: out = json.dumps({'status': e.code})\n"
        "print(out or 'null')\n"
    )
    data = json.dumps(body) if body is not None else ""
    out = docker("exec", hub_name(name), "python3", "-c", code, method, path, data)
    return json.loads(out)


def wait_for_hub(name: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if isinstance(hub_api(name, "GET", "/"), dict):
                return
        except (ClassroomError, json.JSONDecodeError):
            pass
        if time.monotonic() > deadline:
            logs = docker("logs", "--tail", "30", hub_name(name), check=False)
            raise ClassroomError(f"the hub did not answer within {timeout_s:.0f} s:\n{logs}")
        time.sleep(0.5)


def drive(name: str, drive_args: list[str]) -> dict:
    """Run deploy/drive.py (learners signing in and running notebooks through the hub) in a
    container of the course image on the hub's network; returns its JSON report."""
    course = json.loads(docker("inspect", hub_name(name)))[0]["Config"]["Env"]
    image = next(e.split("=", 1)[1] for e in course if e.startswith("CLASSROOM_COURSE_IMAGE="))
    done = subprocess.run(
        [
            "docker",
            "run",
            "--rm",
            "-i",
            "--label",
            f"{CLASSROOM_LABEL}={name}",
            "--network",
            f"{name}-hub",
            image,
            "python3",
            "-",
            "--hub",
            f"http://{hub_name(name)}:8000",
            *drive_args,
        ],
        input=(DEPLOY / "drive.py").read_bytes(),
        stdout=subprocess.PIPE,
    )
    if done.returncode != 0:
        raise ClassroomError(f"drive.py failed ({done.returncode})")
    return json.loads(done.stdout)


def labelled(kind: str, name: str, learner: str | None = None) -> list[str]:
    filters = ["--filter", f"label={CLASSROOM_LABEL}={name}"]
    if learner is not None:
        filters += ["--filter", f"label={LEARNER_LABEL}={learner}"]
    fmt = "{{.ID}}" if kind != "volume" else "{{.Name}}"
    listing = ["ps", "-a"] if kind == "container" else [kind, "ls"]
    return docker(*listing, *filters, "--format", fmt).split()


def down(name: str) -> None:
    """Stop the hub (it stops every learner's server and Engine), then remove by label what is
    left: containers, volumes (the learners' homes and Engines' data) and networks."""
    if exists("container", hub_name(name)):
        say("stopping the hub: it stops every learner's server and Engine")
        docker("stop", "--time", "120", hub_name(name), check=False)
    containers = labelled("container", name)
    if containers:
        docker("rm", "-f", "-v", *containers)
    volumes = labelled("volume", name)
    if volumes:
        docker("volume", "rm", "-f", *volumes)
    networks = labelled("network", name)
    if networks:
        docker("network", "rm", *networks)
    say(f"removed {len(containers)} containers, {len(volumes)} volumes, {len(networks)} networks")


def reset(name: str, learner: str) -> None:
    """Stop one learner's server and Engine, delete their home and their Engine's data: they
    start again from the course as it was handed out."""
    if exists("container", hub_name(name)):
        hub_api(name, "DELETE", f"/users/{learner}/server")
        deadline = time.monotonic() + 120
        while labelled("container", name, learner) and time.monotonic() < deadline:
            time.sleep(1)
    containers = labelled("container", name, learner)
    if containers:
        docker("rm", "-f", "-v", *containers)
    volumes = labelled("volume", name, learner)
    if volumes:
        docker("volume", "rm", "-f", *volumes)
    say(f"{learner}: removed {len(containers)} containers and {len(volumes)} volumes")


def status(name: str) -> list[dict]:
    """One row per container of the class: learner, role, state, memory in use."""
    rows = []
    for cid in labelled("container", name):
        info = json.loads(docker("inspect", cid))[0]
        labels = info["Config"]["Labels"] or {}
        rows.append(
            {
                "name": info["Name"].lstrip("/"),
                "learner": labels.get(LEARNER_LABEL, ""),
                "role": labels.get("io.labhelpers.classroom-role", "hub"),
                "state": info["State"]["Status"],
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--name", default="classroom", help="the class's name (default classroom)")
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="build the hub, course and Engine images")
    b.add_argument(
        "--base", help=f"image to build FROM (default {OFFLINE_BASE} or {OFFICIAL_BASE})"
    )
    b.add_argument("--force", action="store_true", help="build again even if up to date")
    u = commands.add_parser("up", help="start the hub")
    u.add_argument("--base")
    u.add_argument("--port", type=int, default=8000, help="the hub's port on the server")
    u.add_argument("--bind", default="0.0.0.0", help="the address it listens on")
    u.add_argument("--public-url", help="the address learners open (only printed)")
    u.add_argument(
        "--engine-socket",
        default="/var/run/docker.sock",
        help="the server Engine's socket as that Engine sees it (for the hub's container)",
    )
    u.add_argument("--auth", default="native", choices=["native", "dummy-for-tests"])
    u.add_argument("--instructor", default="instructor", help="the admin's user name")
    u.add_argument("--open-signup", action="store_true", help="let in whoever signs up")
    u.add_argument("--test-password", help="dummy-for-tests only: the shared password")
    u.add_argument("--server-mem", default="1G", help="memory of each learner's server")
    u.add_argument("--server-cpus", type=float, default=1.0)
    u.add_argument("--engine-mem", default="2G", help="memory of each learner's Engine")
    u.add_argument("--engine-cpus", type=float, default=1.0)
    u.add_argument("--engine-disk-gb", type=int, default=10, help="0: no limit of its own")
    u.add_argument("--cull-timeout", type=int, default=3600, help="idle seconds before a stop")
    u.add_argument("--cull-every", type=int, default=0, help="seconds between checks")
    u.add_argument("--activity-interval", type=int, default=300, help=argparse.SUPPRESS)
    commands.add_parser("down", help="stop the hub and remove everything it made")
    r = commands.add_parser("reset", help="stop one learner and delete their work")
    r.add_argument("learner")
    commands.add_parser("status", help="the class's containers")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            for tag in build(args.base, force=args.force).values():
                print(tag)
        elif args.command == "up":
            print(up(args))
        elif args.command == "down":
            down(args.name)
        elif args.command == "reset":
            reset(args.name, args.learner)
        elif args.command == "status":
            for row in status(args.name):
                print("{name:40} {role:7} {learner:16} {state}".format(**row))
    except ClassroomError as exc:
        print(f"classroom: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
