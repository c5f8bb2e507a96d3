"""`python -m labhelpers twin [NN ...] [-o DIR]`: each notebook's CLI twin, a bash script.

The twin of a notebook is its Docker work replayed in a terminal: the `docker ...` commands its
helpers printed in a live run, in the notebook's order (widget actions included), with the
notebook's section headings as comments, ending with the removal of everything it made.

**Built from the committed recording, not from a fresh run.** `labhelpers/recordings/NN.json` is
written by the same live run as the notebook's stored outputs (`make record`, Docker 28 with the
containerd image store) and holds every helper call with what it printed, in order, per cell:
widget actions too, which the stored outputs lack (a widget's output lives in widget state). So
a twin is written in a second, with no Engine (on Binder too), and is the same on every machine
but for the names (below). A fresh run would take minutes per notebook and need the Engine. To
check today's helpers rather than the committed run, point `recordings` at the recordings of a
fresh live run (`make test`'s live phase writes them to build/recordings/).

What a recording cannot be replayed as printed is translated, each with a comment (`TRANSLATED`
below says which): ids and paths of that run (image ids, a container's upper directory,
anonymous volumes) become shell variables read from the Engine the way the helper read them;
files a helper wrote in Python (Dockerfiles, folders) become heredocs and `mkdir`; a measurement
repeated in Python becomes a loop; a command the lesson shows failing keeps going
(`|| echo ...`). A printed command that does not do what the helper did is a bug in the helper's
echo, fixed there (CONTRIBUTING.md, "The CLI twin").

Names: the twin uses the names the course uses on the Engine it is written for
(`labhelpers.engine.names`: `lab-my-vol` when `my-vol` is the learner's), so it never touches the
learner's own resources; with no Engine (replay), the lecture's names, and the header says so.

Self-contained: each twin builds the lesson image `my-image` when the Engine lacks it, and makes
what it uses that an earlier notebook made (`my-cont-1` for 02b), so twins run in any order. It
runs in a scratch folder under $TMPDIR (the notebooks' my-app/ and workspace/ are never touched)
and on exit, also after a failure, removes what it made: by name, and every resource with the
lab's label `io.labhelpers.managed` that was not there when it started; the images it built
last. The Engine is left as found (99's twin, like notebook 99, removes everything the lab made).
"""

from __future__ import annotations

import json
import re
import shlex
import tempfile
from collections import Counter
from pathlib import Path

__all__ = ["TRANSLATED", "course_root", "notebook_path", "twin_script", "write_twin"]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"  # in a checkout (an editable install); see course_root()
RECORDINGS = Path(__file__).resolve().parent / "recordings"
LESSON_APP = Path(__file__).resolve().parent / "lesson_app"
OUT = ROOT / "build" / "twins"
LABEL = "io.labhelpers.managed"
BASE_IMAGES = ("labhelpers/python-base:bookworm", "python:3.13-slim")

# Helpers whose printed commands are translated, and why (the twin's comments say it too).
TRANSLATED = {
    "upper directory": "the lab reads the container's upper directory from its mountinfo in "
    "Python; here sed picks it out",
    "step image ids": "the step images' ids are this run's: docker image history -q lists them",
    "anonymous volume": "an anonymous volume's name is random: read from docker inspect",
    "probe": "the helper reads the exit status (is the file there?)",
    "loop": "the helper repeated this in Python",
    "files": "the helper wrote these files in Python",
    "check": "the exercise's check: it fails until you have done the exercise",
    "cleanup": "notebook 99 removes each of the lab's resources by name; here, by its label",
    "host read": "only where the Engine's files are on this machine, readable with sudo",
}
# Helpers whose commands the lesson shows failing (the twin goes on, saying so).
# helper -> (the command that fails: a pattern, the first match only; why)
_FAILING = {
    "lessons.sharing.experiments.try_write": (r":ro|-ro ", "a :ro mount refuses writes"),
    "engine.volumes.try_remove_volume": (r"^docker volume rm ", "a volume in use stays"),
    "lessons.mounts.experiments.missing_host_path": (
        r"--mount type=bind",
        "--mount refuses a missing host path",
    ),
    "lessons.mounts.experiments.ownership": (
        r"--user 1234:1234",
        "uid 1234 may not write into a mode-755 folder",
    ),
}
# Helpers that read a file back to see whether it survived: a failed read is their measurement.
_READS_BACK = ("lessons.mounts.experiments.survival_grid", "lessons.mounts.experiments.trial")
_READ_BACK = re.compile(r"^docker exec \S+ sh -c 'cat [^']*'$")
_UPPER = re.compile(r"-v (/\S+?):/layer:ro")
_MOUNTINFO = re.compile(r"^docker exec (\S+) sh -c 'cat /proc/1/mountinfo'$")
_HEX_VOLUME = re.compile(r"\b[0-9a-f]{64}\b")
_ANON_RUN = re.compile(r"^docker run .*--name (\S+) .*--mount type=volume,dst=")
_STEP_IDS = re.compile(
    r"^(docker image inspect --format '\{\{len \.RootFS\.Layers\}\}') [0-9a-f ]+$"
)
_SAVE = re.compile(r"^docker image save [0-9a-f]{12} (\|.*)$")
_HISTORY = re.compile(r"^docker image history --no-trunc (\S+)$")
_LEFT_BY_PRUNE = re.compile(r"^docker volume rm (\S+)   # prune left it$")
_PROBE = re.compile(r"^docker exec \S+ sh -c 'test [^']*'$")
_REPEAT = re.compile(r"^(.*?)\s+# x(\d+)$")
_BUILD = re.compile(r"^(?:DOCKER_BUILDKIT=\d )?docker build .* -t (\S+) (\S+)$")
_CREATES = re.compile(r"^docker (?:run|create) .*--name (\S+)")
_USES = re.compile(r"^docker (?:exec|diff|inspect -f \S+|stop|start|restart|cp) (\S+?)(?::| |$)")


def course_root() -> Path:
    """The course's folder (the one holding notebooks/): this checkout when the package is
    installed from it (editable, as `make install` does), else the folder the notebooks are in,
    found from the working folder (Binder installs the package into site-packages, and a
    notebook's kernel works in notebooks/)."""
    if NOTEBOOKS.is_dir():
        return ROOT
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if any((folder / "notebooks").glob("[0-9]*.ipynb")):
            return folder
        if any(folder.glob("[0-9][0-9]-*.ipynb")):
            return folder.parent
    return ROOT


def _notebooks() -> Path:
    return course_root() / "notebooks"


def notebook_path(notebook: str) -> Path:
    """notebooks/STEM.ipynb for NOTEBOOK: a number prefix ("02", "02b") or a stem.

    Raises:
        BadInput: no notebook (or more than one) matches.
    """
    from .core.errors import BadInput

    name = Path(notebook).name.removesuffix(".ipynb").removesuffix(".md")
    folder = _notebooks()
    found = sorted(folder.glob(f"{name}.ipynb")) or sorted(folder.glob(f"{name}-*.ipynb"))
    if len(found) != 1:
        known = ", ".join(p.stem.split("-")[0] for p in sorted(folder.glob("*.ipynb")))
        raise BadInput(
            f"No single notebook is called {notebook!r} ({len(found)} match).",
            "a twin is written for one of the course's notebooks, named by number or stem.",
            f"use one of: {known} (or a full stem like 02-writable-layer).",
        )
    return found[0]


def _cell_calls(stem: str, recordings: Path) -> tuple[list, dict]:
    from .core.errors import NotRecorded
    from .replay.keys import cell_hash

    path = recordings / f"{stem}.json"
    if not path.is_file():
        raise NotRecorded(
            f"There is no recording of {stem} at {path}.",
            "a twin is written from the commands a live run of the notebook printed.",
            "run `python -m tools.record` for it (or give the folder that holds it).",
        )
    recording = json.loads(path.read_text())
    calls = recording["calls"]
    by_key: dict = {}
    for call in calls:
        by_key.setdefault((call["cell"], int(call["run"])), []).append(call)
    notebook = json.loads((_notebooks() / f"{stem}.ipynb").read_text())
    seen: Counter = Counter()
    cells = []
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            headings = [line for line in source.splitlines() if line.startswith("#")]
            cells.append(("headings", headings))
            continue
        key = cell_hash(source)
        seen[key] += 1
        cells.append(("calls", by_key.get((key, seen[key]), [])))
    return cells, recording["meta"]


def _printed(call: dict) -> list[str]:
    text = "".join(event[1] for event in call["events"] if event[0] == "out")
    return [line[2:] for line in text.splitlines() if line.startswith("$ ")]


class _Writer:
    """Turns the recorded commands into the script's body, translating what needs it."""

    def __init__(self, rename, tree: bool = True) -> None:
        self.rename = rename
        self.tree = tree  # the Engine knows `docker image ls --tree` (API 1.47)
        self.out: list[str] = []
        self.history_tag = ""
        self.anon: dict[str, str] = {}
        self.anon_pending: list[str] = []
        self.anon_count = 0
        self.contexts: set = set()
        self.images: list[str] = []
        self.created: set = set()
        self.used: list[str] = []

    def comment(self, text: str) -> None:
        self.out.append(f"# {text}")

    def add(self, command: str) -> None:
        self.out.append(command)

    def call(self, call: dict) -> None:
        helper = call["helper"].removeprefix("labhelpers.")
        lines = [self.rename(line) for line in _printed(call)]
        if not lines:
            return
        if helper == "lessons.cleanup.experiments.remove_lab_resources":
            return self._remove_by_label(lines)
        if helper == "engine.images.ensure_lesson_image":
            lines = [line for line in lines if not _BUILD.match(line)]  # the prelude builds it
        failing = None
        pattern, why = _FAILING.get(helper, ("$^", ""))
        shown = next((line for line in lines if re.search(pattern, line)), None)
        if "error" in call and helper.endswith(".build"):
            failing = "the build fails, as the notebook shows"
        code = (
            (call.get("result") or {}).get("exit_code")
            if isinstance(call.get("result"), dict)
            else None
        )
        if code:
            failing = f"exit status {code} in the notebook too"
        check = ".exercise.check_" in helper
        for index, line in enumerate(lines):
            fails = failing or (why if line is shown else None)
            self._line(line, lines[index + 1 : index + 2], fails, check, call)

    def _line(self, line: str, following: list, failing, check: bool, call: dict) -> None:
        nxt = following[0] if following else ""
        mountinfo = _MOUNTINFO.match(line)
        if mountinfo and _UPPER.search(nxt):
            self.comment(f"{TRANSLATED['upper directory']}:")
            self.add(f"upper=$({line} | sed -n 's/.*[ ,]upperdir=\\([^,]*\\).*/\\1/p' | head -n 1)")
            self.add('echo "upper directory: $upper"')
            return
        line = _UPPER.sub('-v "$upper":/layer:ro', line)
        history = _HISTORY.match(line)
        if history:
            self.history_tag = history.group(1)
        step_ids = _STEP_IDS.match(line)
        if step_ids and self.history_tag:
            self.comment(f"{TRANSLATED['step image ids']}:")
            self.add(f"ids=$(docker image history -q {self.history_tag} | grep -v missing || true)")
            self.add(f'[ -z "$ids" ] || {step_ids.group(1)} $ids')
            return
        save = _SAVE.match(line)
        if save and self.history_tag:
            self.add(f"docker image save {self.history_tag} {save.group(1)}")
            return
        line = self._anonymous(line)
        if not self.tree and line.startswith("docker image ls --tree "):
            # the helper shows a plain listing where --tree is unknown (API before 1.47)
            line = line.replace("--tree ", "", 1)
        if line.startswith("sudo cat "):
            self.comment(f"{TRANSLATED['host read']}:")
            self.add(f"{line} || echo '(not readable here)'")
            return
        if line.startswith("chown lab-learner:"):
            self.add(
                "id -u lab-learner >/dev/null 2>&1 || useradd --no-create-home "
                "--shell /usr/sbin/nologin lab-learner   # a plain user to stand in for you"
            )
        build = _BUILD.match(line)
        if build:
            self._context(build.group(2), call)
            line = self._base(line)
            tag, label = build.group(1), f"{LABEL}=image:"
            full = tag if ":" in tag.rsplit("/", 1)[-1] else f"{tag}:latest"
            line = re.sub(rf"{re.escape(label)}\S+", f"{label}{full}", line)
            self.images.append(tag)
        else:
            line = self._base(line)
        created = _CREATES.match(line)
        if created:
            self.created.add(created.group(1))
        used = _USES.match(line)
        if used and used.group(1) not in self.created:
            self.used.append(used.group(1))
        self._bind_folders(line)
        repeat = _REPEAT.match(line)
        if repeat:
            self.comment(f"{TRANSLATED['loop']}:")
            line = f"for _ in $(seq {repeat.group(2)}); do {repeat.group(1)}; done"
        line, remark = _split_remark(line)
        left = _LEFT_BY_PRUNE.match(line + remark)
        if left:  # Engines before 23 prune named volumes too: the helper removes what is left
            line = f"! docker volume inspect {left.group(1)} >/dev/null 2>&1 || {line}"
        if call["helper"].removeprefix("labhelpers.") in _READS_BACK and _READ_BACK.match(line):
            failing = "the file did not survive: what the notebook measures"
        if _PROBE.match(line):
            self.comment(f"{TRANSLATED['probe']}:")
            line = f"if {line}; then echo yes; else echo no; fi"
        elif failing:
            note = f"(failed, as in the notebook: {failing})"
            line = f"{line} || echo {shlex.quote(note)}"
        elif check:
            line = f"{line} || echo {shlex.quote('(' + TRANSLATED['check'] + ')')}"
        self.add(line + remark)
        anon_run = _ANON_RUN.match(line)
        if anon_run:
            self.anon_count += 1
            name = f"anon{self.anon_count}"
            self.anon_pending.append(name)
            self.comment(f"{TRANSLATED['anonymous volume']}:")
            self.add(
                f"{name}=$(docker inspect -f "
                "'{{range .Mounts}}{{if eq .Type \"volume\"}}{{.Name}}{{end}}{{end}}' "
                f"{anon_run.group(1)})"
            )

    def _anonymous(self, line: str) -> str:
        def variable(match: re.Match) -> str:
            volume = match.group(0)
            if volume not in self.anon:
                self.anon[volume] = self.anon_pending.pop(0) if self.anon_pending else "anon0"
            return f'"${self.anon[volume]}"'

        return _HEX_VOLUME.sub(variable, line)

    def _base(self, line: str) -> str:
        for base in BASE_IMAGES:
            line = re.sub(rf"(?<![\w/.-]){re.escape(base)}(?![\w.-])", '"$base"', line)
        return line

    def _bind_folders(self, line: str) -> None:
        for folder in re.findall(r'"\$PWD/(workspace/[\w.-]+)', line):
            if folder not in self.contexts and "no-such" not in folder:
                self.contexts.add(folder)
                self.add(f'mkdir -p "$PWD/{folder}"   # the lab makes the folder first')

    def _context(self, context: str, call: dict) -> None:
        if context in self.contexts or context.startswith(("/", '"')):
            return
        self.contexts.add(context)
        files = _context_files(context, call)
        if not files:
            return
        self.comment(f"{TRANSLATED['files']}: the build context {context}/")
        self.add(f"rm -rf {shlex.quote(context)} && mkdir -p {shlex.quote(context)}")
        for name, text in files.items():
            path = shlex.quote(f"{context}/{name}")
            if text is None:
                self.add(f"truncate -s {_payload_size(name)} {path}")
                continue
            self.add(f"cat > {path} <<'EOF'")
            self.out.extend(text.rstrip("\n").splitlines())
            self.add("EOF")

    def _remove_by_label(self, lines: list) -> None:
        removal = ("docker rm ", "docker volume rm ", "docker image rm ")
        first = next((i for i, line in enumerate(lines) if line.startswith(removal)), len(lines))
        for line in lines[:first]:
            self.add(line)
        self.comment(f"{TRANSLATED['cleanup']}:")
        self.add(f"docker ps -aq --filter label={LABEL} | xargs -r docker rm -f -v")
        self.add(f"docker volume ls -q --filter label={LABEL}=true | xargs -r docker volume rm")
        self.add(
            f"docker image ls -q --filter label={LABEL} | sort -u | xargs -r docker image rm -f"
        )
        self.add("docker system df -v")


def _split_remark(line: str) -> tuple[str, str]:
    """A printed command and the remark after it ("   # why"), when that is outside quotes."""
    code, mark, remark = line.rpartition("   # ")
    if mark and code.count("'") % 2 == 0 and code.count('"') % 2 == 0:
        return code, mark + remark
    return line, ""


def _payload_size(name: str) -> str:
    found = re.search(r"(\d+)", name)
    return f"{found.group(1)}M" if found else "1M"


def _context_files(context: str, call: dict) -> dict:
    """The files a helper wrote into CONTEXT before its build, by name (None: a payload of zeros,
    written with truncate)."""
    from .lesson_app import write_lesson_files
    from .lessons.layers import experiments as layers

    args = call.get("args") or {}
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "ctx"
        if context.endswith("/broken"):
            layers.write_broken_context(target)
        elif context.endswith("/trial"):
            write_lesson_files(target)
            (target / "Dockerfile").write_text(layers.trial_dockerfile())
        elif context.endswith("/plus"):
            target.mkdir()
            choice, size = args.get("choice", "run"), int(args.get("size_mib", 5))
            instruction = layers.extra_instruction(choice, size)
            text = layers.derived_dockerfile(instruction, args.get("from_image", "my-image"))
            (target / "Dockerfile").write_text(text)
            if choice == "copy":
                (target / layers.PAYLOAD.format(size)).write_bytes(b"")
        elif "/stages/" in context:
            target.mkdir()
            variant = context.rsplit("/", 1)[-1]
            (target / "Dockerfile").write_text(layers.MULTISTAGE_VARIANTS[variant])
        else:
            write_lesson_files(target)
        files = {}
        for path in sorted(p for p in target.rglob("*") if p.is_file()):
            name = path.relative_to(target).as_posix()
            payload = name.startswith(layers.PAYLOAD.split("{")[0])
            files[name] = None if payload else path.read_text()
        return files


def _renamer(prefix: str | None):
    """(how course names are mapped, the prefix, whether an Engine chose it). PREFIX None: ask
    the Engine (names.plan) when one answers, else keep the lecture's names."""
    from .core.errors import LabError
    from .engine.names import course_names, mapped, plan
    from .replay import modes

    live = prefix is not None
    if prefix is None:
        try:
            if modes.mode() == "live":
                prefix, live = plan().prefix, True
        except LabError:
            pass
    if not prefix:
        return (lambda text: text), "", live
    known = sorted((n for _, n in course_names() if mapped(n)), key=lambda n: -len(n))
    pattern = re.compile(
        r"(?<![\w./:-])(" + "|".join(map(re.escape, known)) + r")(?![\w-])"
    )  # as names.rename_in_text: a name inside a longer one is left alone

    def rename(text: str) -> str:
        return pattern.sub(lambda m: prefix + m.group(1), text)

    return rename, prefix, live


def _knows_tree() -> bool:
    """Does the Engine take `docker image ls --tree` (API 1.47)? Yes when none answers."""
    from .core.errors import LabError
    from .engine.connection import api_version

    try:
        version = tuple(int(p) for p in api_version().split("."))
    except (LabError, ValueError):
        return True
    return version >= (1, 47)


def _creators(stem: str, recordings: Path, rename) -> dict:
    """name -> the `docker run` line of an earlier notebook that created it (names RENAMEd)."""
    made: dict = {}
    for path in sorted(recordings.glob("[0-9]*.json")):
        if path.stem >= stem:
            break
        for call in json.loads(path.read_text())["calls"]:
            for line in map(rename, _printed(call)):
                found = _CREATES.match(line)
                if found and line.startswith("docker run"):
                    made.setdefault(found.group(1), line)
    return made


def twin_script(notebook: str, recordings: Path | None = None, prefix: str | None = None) -> str:
    """The bash script of NOTEBOOK's Docker work (see the module's docstring).

    NOTEBOOK: a number prefix ("02", "02b") or a stem. RECORDINGS: the folder of the recordings
    to read (default: the committed ones). PREFIX: the course's name prefix on the Engine (None:
    ask the Engine, `labhelpers.engine.names.plan`, when one answers).

    Raises:
        BadInput: no such notebook. NotRecorded: it has no recording.
    """
    stem = notebook_path(notebook).stem
    recordings = Path(recordings) if recordings else RECORDINGS
    cells, meta = _cell_calls(stem, recordings)
    rename, prefix, live = _renamer(prefix)
    writer = _Writer(rename, tree=_knows_tree() if live else True)
    pending: list[str] = []
    for kind, content in cells:
        if kind == "headings":
            pending += content
            continue
        if not any(_printed(call) for call in content):
            continue
        if pending:
            writer.add("")
            for heading in pending:
                writer.comment(heading.lstrip("#").strip() if heading.startswith("# ") else heading)
            pending = []
        for call in content:
            writer.call(call)
    body = writer.out
    needs = []
    made_before = _creators(stem, recordings, rename)
    for name in dict.fromkeys(writer.used):
        if name in made_before:
            needs.append(made_before[name] + "   # made by an earlier notebook")
            writer.created.add(name)
    names = (
        f"the course's names on the Engine it was written for (prefix {prefix!r})"
        if live and prefix
        else "the lecture's names (my-image, my-vol, ...)"
        + ("" if live else ": written with no Engine to ask which names are the learner's")
    )
    lesson_image = rename("my-image")
    prelude = [
        "",
        "# The lesson's base image, chosen as the lab chooses it (LAB_BASE_IMAGE wins):",
        "base=${LAB_BASE_IMAGE:-}",
        '[ -n "$base" ] || { docker image inspect python:3.13-slim >/dev/null 2>&1 && '
        "base=python:3.13-slim; } || base=labhelpers/python-base:bookworm",
    ]
    if any(re.search(rf"(?<![\w:/.-]){re.escape(lesson_image)}(?![\w-])", line) for line in body):
        prelude += [
            "# The lesson image (notebook 00 builds it; built here when this Engine lacks it):",
            f"docker image inspect {lesson_image} >/dev/null 2>&1 || docker build --build-arg "
            f'BASE_IMAGE="$base" --label {LABEL}=image:{lesson_image}:latest -t {lesson_image} '
            f"{shlex.quote(str(LESSON_APP))}",
        ]
        writer.images.insert(0, lesson_image)
    if needs:
        prelude += ["# What this notebook uses that an earlier one made:", *needs]
    return "\n".join(_head(stem, meta, names, writer) + prelude + body) + "\n"


def _head(stem: str, meta: dict, names: str, writer: _Writer) -> list:
    """The script's first lines: what it is, `set -euo pipefail`, and the cleanup on exit."""
    engine = f"Docker {meta.get('engine_version', '?')}, {meta.get('image_store', '?')} image store"
    every = f"--filter label={LABEL}"
    return [
        "#!/usr/bin/env bash",
        f"# CLI twin of notebooks/{stem}.ipynb: its Docker work as the commands a live run printed",
        f"# (recorded {meta.get('recorded_on', '?')} on {engine}), section headings as comments.",
        f"# Written by `python -m labhelpers twin {stem.split('-')[0]}`. Names: {names}.",
        "# Run it from any folder (`bash THIS.sh`): it works in a scratch folder under $TMPDIR,",
        "# on the Engine your `docker` reaches, and on exit removes what it made (by name, and",
        f"# what carries the label {LABEL} and was not there before), also after a failure.",
        "set -euo pipefail",
        'work=$(mktemp -d "${TMPDIR:-/tmp}/twin.XXXXXX")',
        'cd "$work" && mkdir -p workspace',
        f"before=$(docker ps -aq {every}; docker volume ls -q {every};"
        f" docker image ls -q {every}; docker network ls -q {every})",
        "tags=$(for tag in "
        + " ".join(shlex.quote(t) for t in dict.fromkeys(writer.images))
        + '; do [ -z "$(docker image ls -q "$tag")" ] || { docker tag "$tag" "twin-keep/$tag" && '
        'echo "$tag"; }; done)   # kept aside: the twin rebuilds these tags',
        "twin_cleanup() {",
        "    local code=$? kind id",
        "    set +e",
        *(f"    docker rm -f -v {shlex.quote(n)} >/dev/null 2>&1" for n in sorted(writer.created)),
        "    for kind in container volume network image; do",
        f"        for id in $(docker $kind ls -q $([ $kind = container ] && echo -a) {every}); do",
        '            grep -qx "$id" <<<"$before" || docker $kind rm -f "$id" >/dev/null 2>&1',
        "        done",
        "    done",
        *(
            f'    grep -qx "$(docker image ls -q {shlex.quote(t)})" <<<"$before" || '
            f"docker image rm -f {shlex.quote(t)} >/dev/null 2>&1"
            for t in reversed(dict.fromkeys(writer.images))
        ),
        "    # a tag the Engine had before: back to the image it named",
        "    for tag in $tags; do",
        '        docker tag "twin-keep/$tag" "$tag" && docker image rm "twin-keep/$tag" >/dev/null',
        "    done",
        '    rm -rf "$work" 2>/dev/null || echo "twin: left $work (files a container wrote)" >&2',
        '    return "$code"',
        "}",
        "trap twin_cleanup EXIT",
    ]


def write_twin(
    notebook: str,
    out: Path | None = None,
    recordings: Path | None = None,
    prefix: str | None = None,
) -> Path:
    """Write NOTEBOOK's twin to OUT (a file, or a folder for STEM.sh; default build/twins/) and
    return its path. The other arguments: as `twin_script`'s."""
    stem = notebook_path(notebook).stem
    text = twin_script(notebook, recordings, prefix)
    path = Path(out) if out else course_root() / OUT.relative_to(ROOT)
    if path.suffix != ".sh":
        path = path / f"{stem}.sh"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path
