"""The course beside what a learner made by following the lecture: their own `my-image` (built
from the lesson's Dockerfile), `my-vol` (holding a file) and a running `my-cont-1` (using it).

Not a run of its own: the pipeline's live run on one Engine where outputs are compared lax (not
the reference Engine, whose outputs must match the stored ones byte for byte) plants the three
first (`plant`), runs every notebook under nbval with each cell's outputs written down
(LABHELPERS_OUTPUTS_DIR, see conftest.py), then checks (`check`): every cell ran with no error,
no output shows a course name the learner owns without the `lab-` prefix the course then chose,
and the three are exactly as they were: same image id, same container (id, state, the file it
sees), same bytes in the volume. `remove` takes them away again.

    python -m tools.owned plant|check OUTPUTS_DIR|remove     (DOCKER_HOST names the Engine)
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from labhelpers.core.labels import is_lab_image, is_lab_owned

__all__ = ["FILE_TEXT", "check", "fingerprint", "main", "plant", "remove", "unprefixed"]

ROOT = Path(__file__).resolve().parents[1]
FILE_TEXT = "my notes, written before I started the course\n"
THINGS = (("container", "my-cont-1"), ("image", "my-image"), ("volume", "my-vol"))
# where the lab lists what is the learner's own, under the learner's names
SAYS_YOURS = ("are yours", "the lecture's name", "without the lab's label")


def _docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check)


def fingerprint() -> dict:
    """What identifies the learner's three things, down to the bytes in the volume."""
    image = _docker("image", "inspect", "-f", "{{.Id}}", "my-image").stdout.strip()
    container = json.loads(_docker("inspect", "my-cont-1").stdout)[0]
    seen = _docker("exec", "my-cont-1", "sha256sum", "/data/notes.txt").stdout.split()[0]
    volume = _docker("volume", "inspect", "my-vol").stdout
    return {
        "image": image,
        "container": (container["Id"], container["State"]["Status"], container["Image"]),
        "file seen by my-cont-1": seen,
        "volume": json.loads(volume)[0]["CreatedAt"],
        "file": hashlib.sha256(FILE_TEXT.encode()).hexdigest(),
    }


def _make_room() -> None:
    """The lab's own leftovers of the three names go (an earlier course run's `my-image`);
    anything else of those names is someone's: refuse, never touch it."""
    for kind, name in THINGS:
        inspect = ("inspect", "--type", "container") if kind == "container" else (kind, "inspect")
        labels = "{{json .Config.Labels}}" if kind != "volume" else "{{json .Labels}}"
        found = _docker(*inspect, "-f", labels, name, check=False)
        if found.returncode != 0:
            continue
        labels = json.loads(found.stdout or "null") or {}
        if not is_lab_owned(kind, name, labels) and not is_lab_image(labels, [name]):
            raise RuntimeError(f"this Engine already has a {kind} {name} of someone's: not ours")
        remove = {"container": ("rm", "-f", "-v"), "image": ("image", "rm", "-f")}
        _docker(*remove.get(kind, ("volume", "rm", "-f")), name)


def plant() -> dict:
    """Make my-image, my-vol (with a file) and a running my-cont-1 as the lecture says (no lab
    labels); return their fingerprint."""
    from labhelpers.engine import choose_base_image

    _make_room()
    with tempfile.TemporaryDirectory(prefix="lecture-") as context:
        for name in ("Dockerfile", "app.py"):
            source = ROOT / "labhelpers" / "lesson_app" / name
            (Path(context) / name).write_text(source.read_text())
        base = choose_base_image().image
        _docker("build", "-q", "--build-arg", f"BASE_IMAGE={base}", "-t", "my-image", context)
    _docker("volume", "create", "my-vol")
    _docker("run", "-d", "--name", "my-cont-1", "-v", "my-vol:/data", "my-image", "sleep", "3600")
    _docker("exec", "my-cont-1", "sh", "-c", f"printf %s '{FILE_TEXT}' > /data/notes.txt")
    return fingerprint()


def remove() -> None:
    _docker("rm", "-f", "my-cont-1", check=False)
    _docker("volume", "rm", "-f", "my-vol", check=False)
    _docker("image", "rm", "-f", "my-image", check=False)


def _course_names() -> list[str]:
    listed = json.loads((ROOT / "labhelpers" / "recordings" / "names.json").read_text())
    names = {"my-image", "my-vol", "my-cont-1", "my-cont-2", "my-cont-3"}
    for kind, found in listed.items():
        names |= {n.split(":")[0] if kind == "image" else n for n in found}
    return sorted(names - {"my-app"}, key=len, reverse=True)  # my-app is also a folder


def unprefixed(text: str) -> set[str]:
    """The course names TEXT shows without the `lab-` prefix."""
    pattern = re.compile(
        r"(?<![\w./-])(?<!lab-)(" + "|".join(re.escape(n) for n in _course_names()) + r")(?![\w-])"
    )
    return set(pattern.findall(text))


def _text(output: dict) -> str:
    text = output.get("text", "") or output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def problems(outputs: Path) -> list[str]:
    """What the outputs a live run wrote down (OUTPUTS: one NOTEBOOK.jsonl per notebook) show
    wrongly beside the learner's own: an error, or a course name the learner owns unprefixed."""
    found = []
    files = sorted(Path(outputs).glob("*.jsonl"))
    if not files:
        return [f"no outputs were written down in {outputs}"]
    for path in files:
        for line in path.read_text().splitlines():
            cell = json.loads(line)
            where = f"{path.stem} cell {cell['cell']}"
            for output in cell["outputs"]:
                text = _text(output)
                if output.get("output_type") == "error":
                    found.append(f"{where}: {output.get('ename')}: {output.get('evalue')}"[:300])
                if any(said in text for said in SAYS_YOURS):
                    continue
                found += [f"{where} shows {name}, not lab-{name}" for name in unprefixed(text)]
    return found


def check(outputs: Path, before: dict) -> list[str]:
    """Everything wrong after the run: the outputs' problems, and the learner's three changed."""
    found = problems(outputs)
    after = json.loads(json.dumps(fingerprint()))  # as BEFORE came back from its file
    if after != before:
        found.append(f"the learner's own things changed: before {before}, after {after}")
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    state = ROOT / "build" / "owned-before.json"
    if args[:1] == ["plant"]:
        state.parent.mkdir(parents=True, exist_ok=True)
        state.write_text(json.dumps(plant()))
        print("planted the learner's my-image, my-vol (with a file) and a running my-cont-1")
        return 0
    if args[:1] == ["check"] and len(args) == 2:
        found = check(Path(args[1]), json.loads(state.read_text()))
        for problem in found:
            print(f"learner-owned: {problem}", file=sys.stderr)
        if not found:
            print("The course ran beside the learner's own things and left them as they were.")
        return 1 if found else 0
    if args[:1] == ["remove"]:
        remove()
        return 0
    print(__doc__.rsplit("\n\n", 1)[-1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
