"""The learner who goes beyond the notebooks (issue 24): their own work made from the lab's must
survive every twin, the lab's cleanup and notebook 99, byte for byte.

The twins session runs it on the reference Engine after the twins' own tests (which need an Engine
with nothing of the lab's on it): plant, check, remove. A solution that needs its notebook's
earlier cells gets them from PREPARE.

`plant` makes, on the Engine DOCKER_HOST names:
  - the lab's images (the lesson image, as notebook 01 builds it) and every exercise's work, by
    running each solution in notebooks/solutions/ as a learner types it;
  - then, with the plain CLI and no lab mark of their own: an image built FROM each lab image
    (tagged my-own-from-N) and one FROM the lesson image left untagged, a container run from each
    lab image with a file written in its writable layer (my-own-run-N), a commit of one of them
    (my-own-commit), and two commits of the lab's own running my-cont-1 (notebook 02's, started
    by the lab) after writing a file in it: my-snapshot, and one left untagged. A commit keeps
    the container's labels, the lab's marks included;
and writes their fingerprint (ids, states, a checksum of each file) to STATE.
`check` runs every notebook's twin, notebook 99 (whose panel a recording run presses) and
`python -m labhelpers cleanup --yes`, then compares the fingerprint: nothing of the learner's may
differ. `remove` takes the learner's things away again (by the ids the fingerprint holds, never
by a lab mark).

    python -m tools.beyond plant|check|remove STATE_FILE
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import labhelpers as lh
from labhelpers import engine as eng
from labhelpers.core.labels import MANAGED
from labhelpers.engine.names import course_name
from labhelpers.notebook import run_solution

from . import plugin_env
from .kernels import run_notebook

__all__ = ["check", "fingerprint", "main", "plant", "remove"]

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "notebooks" / "solutions"
FILE = "/my-own.txt"


def _volume_with_a_file() -> None:
    """Notebook 05's first section: `my-vol` holding file.txt, written by a removed container."""
    lh.create_volume("my-vol")
    lh.run_container("vol-cont-1", mounts=[lh.volume_mount("my-vol", "/app")])
    lh.exec_in("vol-cont-1", 'echo "This is my delta data" > /app/file.txt')
    lh.remove_container("vol-cont-1")


# What a notebook's cells make ready before its exercise (the solution alone assumes them).
PREPARE = {"03": lambda: lh.lifecycle.prepare_rescue(), "05": _volume_with_a_file}


def _docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["docker", *args], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)} failed: {done.stderr.strip()}")
    return done


def _lab_images() -> list[str]:
    """The lab's images (tag or id) on this Engine, made by this account."""
    return sorted(r.name for r in eng.lab_resources() if r.kind == "image")


def _build_from(image: str, tag: str | None) -> str:
    """A learner's image FROM IMAGE with one file of its own; its id."""
    with tempfile.TemporaryDirectory(prefix="beyond-") as context:
        (Path(context) / "Dockerfile").write_text(
            f"FROM {image}\nRUN echo 'built by me from {image}' > {FILE}\n"
        )
        tagging = ["-t", tag] if tag else []
        built = _docker("build", "-q", *tagging, context).stdout.strip().splitlines()
    return built[-1].strip()


def _commit_a_lab_container() -> dict:
    """Notebook 02's containers, started by the lab; the learner writes a file in my-cont-1 and
    commits it (`docker commit my-cont-1 my-snapshot`, and once with no tag): the snapshots carry
    the lab container's marks (`container:my-cont-1` and this account's owner mark). Their ids."""
    lab_container = lh.writable.start_containers()[0].name
    _docker("exec", lab_container, "sh", "-c", f"echo 'mine, from {lab_container}' > {FILE}")
    return {
        "my-snapshot": _docker("commit", lab_container, "my-snapshot").stdout.strip(),
        "(untagged commit)": _docker("commit", lab_container).stdout.strip(),
    }


def plant(state: Path) -> dict:
    lesson = lh.ensure_lesson_image().tag
    for solution in sorted(SOLUTIONS.glob("*.sh")):
        print(f"beyond: the solution {solution.name}", flush=True)
        PREPARE.get(solution.name[:2], lambda: None)()
        run_solution(str(solution))
    lab_images = _lab_images()
    if not lab_images:
        raise RuntimeError("the lab made no image to build from: nothing to go beyond")
    made: dict = {"images": {}, "containers": []}
    for n, image in enumerate(lab_images, 1):
        made["images"][f"my-own-from-{n}"] = _build_from(image, f"my-own-from-{n}")
        name = f"my-own-run-{n}"
        _docker("run", "-d", "--name", name, "--entrypoint", "sleep", image, "infinity")
        _docker("exec", name, "sh", "-c", f"echo 'mine, in {name}' > {FILE}")
        made["containers"].append(name)
    # notebook 99's solution started ex99-mine from the lab's image, with no mark of its own
    mine = course_name("ex99-mine", "container")
    _docker("exec", mine, "sh", "-c", f"echo 'mine, in {mine}' > {FILE}")
    made["containers"].append(mine)
    made["images"]["(untagged)"] = _build_from(lesson, None)
    _docker("commit", made["containers"][0], "my-own-commit")
    made["images"]["my-own-commit"] = _docker(
        "image", "inspect", "-f", "{{.Id}}", "my-own-commit"
    ).stdout.strip()
    made["images"].update(_commit_a_lab_container())
    made["fingerprint"] = fingerprint(made)
    state.write_text(json.dumps(made, indent=1))
    return made


def _sha(*argv: str) -> str:
    return hashlib.sha256(_docker(*argv).stdout.encode()).hexdigest()


def fingerprint(made: dict) -> dict:
    """Ids, states and file checksums of what the learner made (missing things say so)."""
    found: dict = {}
    for name, ident in made["images"].items():
        seen = _docker("image", "inspect", "-f", "{{.Id}}", ident, check=False)
        if seen.returncode != 0:
            found[name] = "missing"
            continue
        labels = _docker("image", "inspect", "-f", "{{json .Config.Labels}}", ident).stdout
        file = _sha("run", "--rm", "--entrypoint", "cat", ident, FILE)
        found[name] = {"id": seen.stdout.strip(), "file": file, "labels": json.loads(labels)}
    for name in made["containers"]:
        seen = _docker("inspect", "-f", "{{.Id}} {{.State.Status}} {{.Image}}", name, check=False)
        if seen.returncode != 0:
            found[name] = "missing"
            continue
        found[name] = {"inspect": seen.stdout.strip(), "file": _sha("exec", name, "cat", FILE)}
    return found


def _run_every_twin(python: str) -> None:
    """Write every notebook's twin (`python -m labhelpers twin`) and run each with bash, in order,
    as a learner would from a terminal. LABHELPERS_TWIN_RECORDINGS: a live run's recordings to
    write them from (the pipeline's: today's helpers), else the committed ones."""
    recordings = os.environ.get("LABHELPERS_TWIN_RECORDINGS", "")
    with tempfile.TemporaryDirectory(prefix="beyond-twins-") as folder:
        write = [python, "-m", "labhelpers", "twin", "-o", folder]
        write += ["--recordings", recordings] if recordings else []
        subprocess.run(write, check=True)
        for twin in sorted(Path(folder).glob("*.sh")):
            print(f"beyond: the twin {twin.name}", flush=True)
            done = subprocess.run(["bash", str(twin)], capture_output=True, text=True)
            if done.returncode != 0:
                tail = (done.stdout + done.stderr).strip()[-800:]
                raise RuntimeError(f"the twin {twin.name} failed beside the learner's:\n{tail}")


def check(state: Path) -> list[str]:
    """What differs after every twin, notebook 99 and the cleanup."""
    made = json.loads(state.read_text())
    python = sys.executable
    _run_every_twin(python)
    # notebook 99 shows label inheritance on the lab's image: after 99's twin removed it, the
    # learner does what its message says and builds it again
    lh.ensure_lesson_image()
    with tempfile.TemporaryDirectory(prefix="beyond-99-") as record:
        env = {**os.environ, "LABHELPERS_MODE": "live", "LABHELPERS_RECORD_DIR": record}
        env.update(plugin_env("tools.recorder"))
        notebook = next((ROOT / "notebooks").glob("99-*.ipynb"))
        try:
            run_notebook(notebook, 900, env=env)
        except Exception as exc:  # a failing cell or kernel: its traceback's end
            raise RuntimeError(f"notebook 99 failed: {str(exc).strip()[-800:]}") from exc
    # then the command-line cleanup, as a learner who comes back later would run it
    subprocess.run([python, "-m", "labhelpers", "cleanup", "--yes"], check=True)
    after = fingerprint(made)
    before = made["fingerprint"]
    problems = [
        f"{name}: {before[name]} became {after.get(name)}"
        for name in before
        if after.get(name) != before[name]
    ]
    return problems


def remove(state: Path) -> None:
    if not state.is_file():
        return
    made = json.loads(state.read_text())
    for name in made["containers"]:
        _docker("rm", "-f", name, check=False)
    for ident in reversed(list(made["images"].values())):
        _docker("image", "rm", "-f", ident, check=False)
    leftover = _docker("ps", "-aq", "--filter", f"label={MANAGED}").stdout.split()
    if leftover:
        print(f"beyond: {len(leftover)} containers with the lab's mark remain", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2 or args[0] not in ("plant", "check", "remove"):
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    action, state = args[0], Path(args[1])
    if action == "plant":
        made = plant(state)
        print(f"beyond: planted {len(made['images'])} images, {len(made['containers'])} containers")
        return 0
    if action == "remove":
        remove(state)
        return 0
    problems = check(state)
    for problem in problems:
        print(f"beyond: {problem}", file=sys.stderr)
    print(f"beyond: {'everything of the learner is as it was' if not problems else 'CHANGED'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
