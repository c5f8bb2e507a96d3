"""The course beside what a learner made by following the lecture: their own `my-image` (built
from the lesson's Dockerfile), `my-vol` (holding a file) and a running `my-cont-1` (using it).

The whole course runs to the end with no error output, under the names it chose (`lab-...`), and
leaves all three exactly as they were: same image id, same container (id, state, the file it
sees), same bytes in the volume. Slow: every notebook runs from the top.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import docker_cli, make_room_for
from labhelpers.engine import choose_base_image

ROOT = Path(__file__).resolve().parents[1]
FILE_TEXT = "my notes, written before I started the course\n"

pytestmark = pytest.mark.slow


def _fingerprint() -> dict:
    """What identifies the learner's three things, down to the bytes in the volume."""
    image = docker_cli("image", "inspect", "-f", "{{.Id}}", "my-image").stdout.strip()
    container = json.loads(docker_cli("inspect", "my-cont-1").stdout)[0]
    seen = docker_cli("exec", "my-cont-1", "sha256sum", "/data/notes.txt").stdout.split()[0]
    volume = docker_cli("volume", "inspect", "my-vol").stdout
    return {
        "image": image,
        "container": (container["Id"], container["State"]["Status"], container["Image"]),
        "file seen by my-cont-1": seen,
        "volume": json.loads(volume)[0]["CreatedAt"],
        "file": hashlib.sha256(FILE_TEXT.encode()).hexdigest(),
    }


@pytest.fixture
def learner_made_the_lecture(tmp_path, engine):
    """my-image, my-vol (with a file) and a running my-cont-1, made as the lecture says (no
    lab labels). The lab's own leftovers of these names are removed first; skipped when one is
    someone else's (never touch a learner's)."""
    for kind, name in (("container", "my-cont-1"), ("image", "my-image"), ("volume", "my-vol")):
        make_room_for(kind, name)
    context = tmp_path / "lecture"
    context.mkdir()
    for name in ("Dockerfile", "app.py"):
        shutil.copy(ROOT / "labhelpers" / "lesson_app" / name, context / name)
    base = choose_base_image().image
    docker_cli("build", "-q", "--build-arg", f"BASE_IMAGE={base}", "-t", "my-image", str(context))
    docker_cli("volume", "create", "my-vol")
    docker_cli(
        "run", "-d", "--name", "my-cont-1", "-v", "my-vol:/data", "my-image", "sleep", "3600"
    )
    docker_cli("exec", "my-cont-1", "sh", "-c", f"printf %s '{FILE_TEXT}' > /data/notes.txt")
    try:
        yield _fingerprint()
    finally:
        docker_cli("rm", "-f", "my-cont-1", check=False)
        docker_cli("volume", "rm", "-f", "my-vol", check=False)
        docker_cli("image", "rm", "-f", "my-image", check=False)


def _course_names() -> list[str]:
    listed = json.loads((ROOT / "labhelpers" / "recordings" / "names.json").read_text())
    names = {"my-image", "my-vol", "my-cont-1", "my-cont-2", "my-cont-3"}
    for kind, found in listed.items():
        names |= {n.split(":")[0] if kind == "image" else n for n in found}
    return sorted(names - {"my-app"}, key=len, reverse=True)  # my-app is also a folder


def test_the_course_runs_beside_the_learners_own_and_leaves_them_as_they_were(
    learner_made_the_lecture, tmp_path
):
    from nbclient import NotebookClient

    before = learner_made_the_lecture
    course = tmp_path / "notebooks"
    shutil.copytree(
        ROOT / "notebooks", course, ignore=shutil.ignore_patterns("my-app", "workspace")
    )
    env_before = dict(os.environ)
    os.environ.update(LABHELPERS_MODE="live", LABHELPERS_STATE_DIR=str(tmp_path / "state"))
    os.environ.pop("LABHELPERS_NAME_PREFIX", None)
    unprefixed = re.compile(
        r"(?<![\w./-])(?<!lab-)(" + "|".join(re.escape(n) for n in _course_names()) + r")(?![\w-])"
    )
    problems = []
    # What earlier runs of the lab left (its label, its names as they were then) would show in
    # notebook 99's list under the lecture's names: removed first, by label (the learner's stay).
    lh_cleanup = [sys.executable, "-m", "labhelpers", "cleanup"]
    subprocess.run(lh_cleanup, env=dict(os.environ), capture_output=True, text=True, check=True)
    try:
        for path in sorted(course.glob("[0-9]*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            NotebookClient(
                notebook, timeout=900, resources={"metadata": {"path": str(course)}}
            ).execute()
            nbformat.write(notebook, path)  # kept with the test's files, to read what it showed
            for number, cell in enumerate(notebook.cells):
                for output in cell.get("outputs", []):
                    text = output.get("text", "") or output.get("data", {}).get("text/plain", "")
                    if output.get("output_type") == "error":
                        problems.append(f"{path.name} cell {number}: {text[:300]}")
                    if any(
                        said in text
                        for said in ("are yours", "the lecture's name", "without the lab's label")
                    ):
                        continue  # where the lab lists what is the learner's own
                    for name in set(unprefixed.findall(text)):
                        problems.append(f"{path.name} cell {number} shows {name}, not lab-{name}")
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    assert problems == [], "\n".join(problems)
    assert _fingerprint() == before
