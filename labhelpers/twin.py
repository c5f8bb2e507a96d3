"""`python -m labhelpers twin [NN ...] [-o DIR]`: each notebook's CLI twin, a bash script.

The twin of a notebook is its Docker work for a terminal: the commands its helpers ran in a live
run, in the notebook's order (widget actions included), with the notebook's section headings as
comments. It is written from the recording of that run (`labhelpers/recordings/NN.json`), which
keeps every command as data (`labhelpers.core.commands`: argv, what the lesson expects of it,
how often it ran), the values of that run later commands use (a container's upper directory, an
anonymous volume's name: read again here, into shell variables) and the files a helper wrote. No
printed text is parsed. So a twin is written in a second, with no Engine (on Binder too).

Names: the twin uses the course's names on the Engine it is written for (`lab-my-vol` when
`my-vol` is the learner's); with no Engine, the lecture's, and the header says so.

It never touches what is not its own. Every resource it makes carries the lab's marks with YOUR
account as owner (`io.labhelpers.owner=$LAB_OWNER`); every removal in it is guarded by `owned`
(the resource's mark names it, and you made it), so a same-named resource of the learner's
survives whatever the twin does (the twin stops at the `docker run` that finds the name taken).
It works in a scratch folder, and on exit, also after a failure, removes what it made: resources
with your marks that were not there when it started. Each twin runs on its own: it builds the
lesson image `my-image` when the Engine lacks it, and re-makes what it uses that an earlier
notebook made. Notebook 99's twin, like the notebook, removes all of your lab work.
"""

from __future__ import annotations

import json
import re
import shlex
from collections import Counter
from importlib import resources
from pathlib import Path

from .core.commands import FAILS, NOT_RUN, PROBE, Command
from .core.labels import MANAGED, OWNER, lab_labels

__all__ = ["course_root", "notebook_path", "prerequisites", "twin_script", "write_twin"]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"  # in a checkout (an editable install); see course_root()
RECORDINGS = Path(__file__).resolve().parent / "recordings"
OUT = Path("build") / "twins"
BASE_IMAGES = ("labhelpers/python-base:bookworm", "python:3.13-slim")
CLEANUP_HELPER = "lessons.cleanup.experiments.remove_lab_resources"
NOTEBOOKS_MARK = "<notebooks>"  # the notebooks' folder in a recording (labhelpers.replay.keys)
_REMOVES = {
    ("rm",): "container",
    ("volume", "rm"): "volume",
    ("image", "rm"): "image",
    ("network", "rm"): "network",
}
_MAKES = {("run",): "container", ("create",): "container", ("volume", "create"): "volume"}
_USES = ("exec", "stop", "start", "restart", "diff", "cp", "inspect", "logs")


def course_root() -> Path:
    """The course's folder (the one holding notebooks/): this checkout when the package is
    installed from it (editable), else the folder the notebooks are in, found from the working
    folder (Binder installs the package into site-packages; a kernel works in notebooks/)."""
    if NOTEBOOKS.is_dir():
        return ROOT
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if any((folder / "notebooks").glob("[0-9]*.ipynb")):
            return folder
        if any(folder.glob("[0-9][0-9]-*.ipynb")):
            return folder.parent
    return ROOT


def notebook_path(notebook: str) -> Path:
    """notebooks/STEM.ipynb for NOTEBOOK: a number prefix ("02", "02b") or a stem.

    Raises:
        BadInput: no notebook (or more than one) matches.
    """
    from .core.errors import BadInput

    name = Path(notebook).name.removesuffix(".ipynb").removesuffix(".md")
    folder = course_root() / "notebooks"
    found = sorted(folder.glob(f"{name}.ipynb")) or sorted(folder.glob(f"{name}-*.ipynb"))
    if len(found) != 1:
        known = ", ".join(p.stem.split("-")[0] for p in sorted(folder.glob("*.ipynb")))
        raise BadInput(
            f"No single notebook is called {notebook!r} ({len(found)} match).",
            "a twin is written for one of the course's notebooks, named by number or stem.",
            f"use one of: {known} (or a full stem like 02-writable-layer).",
        )
    return found[0]


def _recording(stem: str, recordings: Path) -> dict:
    from .core.errors import NotRecorded

    path = recordings / f"{stem}.json"
    if not path.is_file():
        raise NotRecorded(
            f"There is no recording of {stem} at {path}.",
            "a twin is written from the commands a live run of the notebook ran.",
            "record it (`python -m tools.record NN`), or give the folder that holds it.",
        )
    return json.loads(path.read_text())


def _cells(stem: str, recording: dict) -> list:
    """("headings", [...]) or ("calls", [...]) for each cell of the notebook, in order."""
    from .replay.keys import cell_hash

    by_key: dict = {}
    for call in recording["calls"]:
        by_key.setdefault((call["cell"], int(call["run"])), []).append(call)
    notebook = json.loads(notebook_path(stem).read_text())
    seen: Counter = Counter()
    cells = []
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            cells.append(("headings", [line for line in source.splitlines() if line[:1] == "#"]))
            continue
        key = cell_hash(source)
        seen[key] += 1
        cells.append(("calls", by_key.get((key, seen[key]), [])))
    return cells


def _renamer(prefix: str, recorded_prefix: str = ""):
    """How a course name in an argument becomes this Engine's (a prefix before each; names
    inside longer names are left alone, names in paths are renamed: /volumes/my-vol/_data).
    RECORDED_PREFIX: the prefix the recording's own run used (`lab-` where a learner's my-image
    was there), taken off first."""
    if not prefix and not recorded_prefix:
        return lambda text: text
    from .engine.names import course_names, mapped

    known = sorted({n for _, n in course_names() if mapped(n)}, key=lambda n: -len(n))
    names = "|".join(map(re.escape, known))
    pattern = re.compile(r"(?<![\w.-])(" + names + r")(?![\w-])")
    before = re.escape(recorded_prefix)
    recorded = re.compile(r"(?<![\w.-])" + before + r"(" + names + r")(?![\w-])")

    def rename(text: str) -> str:
        if recorded_prefix:
            text = recorded.sub(lambda m: m.group(1), text)
        return pattern.sub(lambda m: prefix + m.group(1), text) if prefix else text

    return rename


def _verb(argv: list) -> tuple:
    if not argv or argv[0] != "docker" or len(argv) < 2:
        return ()
    return tuple(argv[1:3]) if argv[1] in ("volume", "image", "network") else (argv[1],)


class _Writer:
    """Turns the recorded commands into the script's body."""

    def __init__(self, rename, not_run: bool = True) -> None:
        self.rename = rename
        self.not_run = not_run  # run what the notebook only showed, where it can (see twin_script)
        self.out: list[str] = []
        self.bound: dict[str, str] = {}  # value of that run -> shell variable
        self.images: list[str] = []
        self.made: set[str] = set()
        self.made_by: dict[str, list] = {}
        self.used: list[str] = []
        self.last: tuple | None = None  # (line, count) of the command being gathered

    def line(self, text: str) -> None:
        self.flush()
        self.out.append(text)

    def arg(self, value: str) -> str:
        """One argument as the shell should get it: renamed, with the values of the recorded run
        that differ here as variables (this run's bound values, the notebooks' folder as $PWD,
        the owner as $LAB_OWNER, the base image as $base)."""
        value = self.rename(value)
        swaps = {v: name for v, name in self.bound.items()}
        swaps[NOTEBOOKS_MARK] = "PWD"
        swaps.update({b: "base" for b in BASE_IMAGES})
        owner = re.search(rf"{re.escape(OWNER)}=([^,]+)", value)
        if owner:
            swaps[owner.group(1)] = "LAB_OWNER"
        found = [old for old in sorted(swaps, key=len, reverse=True) if old and old in value]
        if not found:
            return shlex.quote(value)
        pattern = re.compile("|".join(map(re.escape, found)))
        literal = [_in_double_quotes(part) for part in pattern.split(value)]
        names = [f"${{{swaps[m]}}}" for m in pattern.findall(value)]
        return '"' + "".join(p + n for p, n in zip(literal, [*names, ""], strict=True)) + '"'

    def command(self, data: dict, helper: str) -> None:
        command = Command.from_data({k: v for k, v in data.items() if k != "shown"})
        if command.shell:
            text = command.argv[0].replace(NOTEBOOKS_MARK, '"$PWD"')
        else:
            text = " ".join(self.arg(a) for a in command.argv)
            if command.env:
                text = " ".join(f"{k}={shlex.quote(v)}" for k, v in command.env) + " " + text
        if command.pipe:
            text += f" {command.pipe}"
        argv = [self.rename(a) for a in command.argv]
        verb = _verb(argv)
        if verb in _MAKES:
            self.made.add(_made_name(argv))
            self.made_by[_made_name(argv)] = argv
        elif verb and verb[0] in _USES and len(argv) > 2:
            self.used.append(_target(argv))
        if verb == ("build",):
            self.images.append(argv[argv.index("-t") + 1])
        if command.stdin:
            text += " <<'EOF'\n" + command.stdin.rstrip("\n") + "\nEOF"
        if verb in _REMOVES:
            kind, target = _REMOVES[verb], argv[-1]
            if (
                kind == "container"
                and target in self.made
                and "--label" not in " ".join(self.made_by.get(target, ""))
            ):
                # made above by this script with no mark of its own (an experiment on what a
                # container inherits): this script's `docker create` got the name, so it is ours
                text = f"{text}   # made above by this script"
            else:
                text = f"! owned {kind} {self.arg(target)} || {text}"
        if command.expect == FAILS:
            text += " || echo " + shlex.quote(f"(failed, as in the notebook: {command.note})")
        elif command.expect == NOT_RUN and self.not_run:
            why = command.note.removeprefix("not run: ")
            text += " || echo " + shlex.quote(f"(not run in the notebook: {why})")
        elif command.expect == NOT_RUN:
            text = f"# {text}   # not run in the notebook: {command.note.removeprefix('not run: ')}"
        elif command.expect == PROBE:
            text = f"if {text}; then echo yes; else echo no; fi"
        elif ".exercise.check_" in helper:
            text += " || echo '(the check: it fails until you have done the exercise)'"
        comment = f"   # {command.note}" if command.note and command.expect == "ok" else ""
        key = (text, comment)
        if self.last and self.last[0] == key:
            self.last = (key, self.last[1] + command.repeat)
            return
        self.flush()
        self.last = (key, command.repeat)

    def flush(self) -> None:
        if self.last is None:
            return
        (text, comment), count = self.last
        self.last = None
        if count > 1:
            self.out.append(f"for _ in $(seq {count}); do {text}; done{comment}")
        else:
            self.out.append(text + comment)

    def bind(self, data: dict) -> None:
        name = re.sub(r"\W", "_", data["name"])
        taken = set(self.bound.values())
        variable, number = name, 1
        while variable in taken:
            number += 1
            variable = f"{name}{number}"
        how = self.rename(data["how"])
        self.line(f"{variable}=$({how})   # this run's value, read again here")
        self.bound[data["value"]] = variable

    def file(self, data: dict) -> None:
        quoted = self.arg(data["path"])
        self.line(f"mkdir -p \"$(dirname {quoted})\" && cat > {quoted} <<'EOF'")
        self.out.extend(data["text"].rstrip("\n").splitlines())
        self.out.append("EOF")

    def wait(self, data: dict) -> None:
        tries = max(1, round(data["seconds"] / 0.2))
        until = self.rename(data["until"])
        self.line(
            f"for _ in $(seq {tries}); do {until} && break; sleep 0.2; done   # as the lab waits"
        )

    def cleanup_everything(self) -> None:
        """Notebook 99's removal: of every resource the notebook found; here, of all of yours."""
        self.line("for kind in container network volume image; do")
        self.line('    lab_list "$kind" | while read -r id name; do')
        self.line('        ! owned "$kind" "$name" || remove "$kind" "$id" "$name"')
        self.line("    done")
        self.line("done")


def _in_double_quotes(text: str) -> str:
    for special in ("\\", '"', "$", "`"):
        text = text.replace(special, "\\" + special)
    return text


def _made_name(argv: list) -> str:
    if "--name" in argv:
        return argv[argv.index("--name") + 1]
    return argv[-1]


def _target(argv: list) -> str:
    words = [a for a in argv[2:] if not a.startswith("-")]
    return (words[0] if words else "").split(":", 1)[0]


def _events(cells: list, writer: _Writer) -> None:
    pending: list[str] = []
    for kind, content in cells:
        if kind == "headings":
            pending += content
            continue
        wanted = [
            event
            for call in content
            for event in call.get("events", [])
            if event[0] in ("bind", "file", "wait")
            or (event[0] == "command" and (event[1].get("shown", True) or event[1].get("stdin")))
        ]
        if not wanted:
            continue
        if pending:
            writer.line("")
            for heading in pending:
                writer.line("# " + heading.lstrip("#").strip())
            pending = []
        for call in content:
            helper = call["helper"].removeprefix("labhelpers.")
            if helper == CLEANUP_HELPER:
                writer.cleanup_everything()
                continue
            events = call.get("events", [])
            # a step that raised: its last command is the one that failed in the notebook
            commands = [i for i, e in enumerate(events) if e[0] == "command"]
            failed = commands[-1] if call.get("error") and commands else None
            for index, event in enumerate(events):
                if event[0] == "command" and (event[1].get("shown", True) or event[1].get("stdin")):
                    data = event[1]
                    if index == failed and data.get("expect", "ok") == "ok":
                        why = call["error"].get("attrs", {}).get("step") or call["error"]["type"]
                        data = {**data, "expect": FAILS, "note": f"it failed at {why}"}
                    writer.command(data, helper)
                elif event[0] == "bind":
                    writer.bind(event[1])
                elif event[0] == "file":
                    writer.file(event[1])
                elif event[0] == "wait":
                    writer.wait(event[1])
    writer.flush()


def _made_earlier(stem: str, recordings: Path, rename) -> dict:
    """name -> the recorded command of an earlier notebook that made it."""
    made: dict = {}
    for path in sorted(recordings.glob("[0-9]*.json")):
        if path.stem >= stem:
            break
        for call in json.loads(path.read_text())["calls"]:
            for event in call.get("events", []):
                if event[0] == "command":
                    argv = [rename(a) for a in event[1]["argv"]]
                    if _verb(argv) in _MAKES:
                        made.setdefault(_made_name(argv), event[1])
    return made


def _lesson_image_build(tag: str) -> list[str]:
    app = resources.files("labhelpers").joinpath("lesson_app")
    lines = ["# The lesson image (notebook 00 builds it; built here when this Engine lacks it):"]
    lines.append(f"if ! docker image inspect {tag} >/dev/null 2>&1; then")
    lines.append("    mkdir -p my-app")
    for name in ("Dockerfile", "app.py"):
        lines.append(f"    cat > my-app/{name} <<'EOF'")
        lines += app.joinpath(name).read_text().rstrip("\n").splitlines()
        lines.append("EOF")
    labels = lab_labels("image", tag)
    label_args = f'--label {MANAGED}={labels[MANAGED]} --label "{OWNER}=$LAB_OWNER"'
    lines.append(f'    docker build --build-arg BASE_IMAGE="$base" {label_args} -t {tag} my-app')
    lines.append("fi")
    return lines


_HEAD = r"""set -euo pipefail
LAB_OWNER=${LABHELPERS_OWNER:-$(id -un)@$(hostname)}   # the lab's owner mark: you, here
owned() {  # KIND NAME: the lab's mark names it, and you made it
    local kind=$1 name=$2 at=.Labels want=$1:$2
    case $kind in container | image) at=.Config.Labels ;; esac
    if [ "$kind" = image ] && [[ ${name##*/} != *:* ]]; then want+=":latest"; fi
    if [ "$kind" = volume ] && [[ $name =~ ^[0-9a-f]{64}$ ]]; then want="volume:"; fi
    local fmt="{{index $at \"io.labhelpers.managed\"}}|{{index $at \"io.labhelpers.owner\"}}"
    [ "$(docker "$kind" inspect --format "$fmt" "$name" 2>/dev/null)" = "$want|$LAB_OWNER" ]
}
lab_list() {  # KIND: "ID NAME" of each resource carrying your owner mark
    local mine="label=io.labhelpers.owner=$LAB_OWNER"
    case $1 in
        container) docker ps -a --filter "$mine" --format '{{.ID}} {{.Names}}' ;;
        volume) docker volume ls --filter "$mine" --format '{{.Name}} {{.Name}}' ;;
        network) docker network ls --filter "$mine" --format '{{.ID}} {{.Name}}' ;;
        image) docker image ls --filter "$mine" --format '{{.ID}} {{.Repository}}:{{.Tag}}' ;;
    esac
}
remove() {  # KIND ID NAME
    case $1 in
        container) docker rm -f -v "$2" ;;
        network) docker network rm "$2" ;;
        # an image by its tag, as the lab's cleanup does: a container of yours that runs from it
        # keeps it (only the tag goes); by id, the Engine would refuse
        image) if [[ ${3:-<none>} == *"<none>"* ]]; then docker image rm "$2"
               else docker image rm -f "$3"; fi ;;
        *) docker "$1" rm -f "$2" ;;
    esac >/dev/null 2>&1 && return
    [ "$1" = image ] || return 1
    echo "twin: kept the lab's image ${3:-$2}: a container that is not the lab's uses it" >&2
}
work=$(mktemp -d "${TMPDIR:-/tmp}/twin.XXXXXX")
cd "$work" && mkdir -p workspace
before=$(for kind in container network volume image; do lab_list "$kind"; done | cut -d' ' -f1)
"""


def _cleanup(images: list[str]) -> list[str]:
    quoted = " ".join(shlex.quote(t) for t in dict.fromkeys(images))
    return [
        f"tags=$(for tag in {quoted}; do "
        '[ -z "$(docker image ls -q "$tag")" ] || '
        '{ docker tag "$tag" "twin-keep/$tag" && echo "$tag"; }; done)'
        "   # kept aside: the twin builds these tags anew",
        "twin_cleanup() {",
        "    local code=$? kind id name",
        "    set +e",
        "    for kind in container network volume image; do",
        '        lab_list "$kind" | while read -r id name; do',
        '            grep -qx "$id" <<<"$before" || ! owned "$kind" "$name" ||'
        ' remove "$kind" "$id" "$name"',
        "        done",
        "    done",
        "    for tag in $tags; do  # a tag the Engine had before: back to the image it named",
        '        docker tag "twin-keep/$tag" "$tag" && docker image rm "twin-keep/$tag" >/dev/null',
        "    done",
        '    rm -rf "$work" 2>/dev/null || echo "twin: left $work (files a container wrote)" >&2',
        '    return "$code"',
        "}",
        "trap twin_cleanup EXIT",
    ]


def twin_script(
    notebook: str,
    recordings: Path | None = None,
    prefix: str | None = None,
    recorded_prefix: str = "",
    made_earlier: bool = True,
    not_run: bool = True,
) -> str:
    """The bash script of NOTEBOOK's Docker work (see the module's docstring).

    NOTEBOOK: a number prefix ("02", "02b") or a stem. RECORDINGS: the folder of the recordings
    to read (default: the committed ones). PREFIX: the course's name prefix on the Engine (None:
    the lecture's names, as with no Engine to ask). RECORDED_PREFIX: the prefix the recorded run
    itself used (a live run beside a learner's own my-image records `lab-` names).
    MADE_EARLIER=False leaves out what an earlier notebook made (`prerequisites`): for an Engine
    that already holds it (the benchmark makes it, untimed, before the twin and the notebook).
    NOT_RUN=False leaves the commands the notebook only showed (an EBS volume: no plugin here)
    as comments, as the notebook leaves them: the benchmark's twin does the notebook's work only
    (the CLI takes 15 s to give up on a missing volume plugin).

    Raises:
        BadInput: no such notebook. NotRecorded: it has no recording.
    """
    return _twin(notebook, recordings, prefix, recorded_prefix, made_earlier, not_run)[0]


def prerequisites(
    notebook: str,
    recordings: Path | None = None,
    prefix: str | None = None,
    recorded_prefix: str = "",
) -> str:
    """A bash script making what NOTEBOOK uses that an earlier notebook made (02b: 02's
    my-cont-1), as the twin makes it, with the lab's marks; "" when it uses nothing of the kind.
    Arguments: as `twin_script`'s."""
    lines = _twin(notebook, recordings, prefix, recorded_prefix, True, True)[1]
    if not lines:
        return ""
    return "\n".join(["set -euo pipefail", *_HEAD.splitlines()[1:2], *lines]) + "\n"


def _twin(
    notebook, recordings, prefix, recorded_prefix, made_earlier, not_run
) -> tuple[str, list[str]]:
    """The twin's script, and the lines of it that make what an earlier notebook made."""
    stem = notebook_path(notebook).stem
    recordings = Path(recordings) if recordings else RECORDINGS
    recording = _recording(stem, recordings)
    meta = recording.get("meta", {})
    rename = _renamer(prefix or "", recorded_prefix)
    writer = _Writer(rename, not_run)
    _events(_cells(stem, recording), writer)
    body = writer.out
    prelude = [
        "",
        "# The lesson's base image, chosen as the lab chooses it (LAB_BASE_IMAGE wins):",
        "base=${LAB_BASE_IMAGE:-}",
        '[ -n "$base" ] || { docker image inspect python:3.13-slim >/dev/null 2>&1 && '
        "base=python:3.13-slim; } || base=labhelpers/python-base:bookworm",
    ]
    lesson_image = rename("my-image")
    uses_image = any(
        re.search(rf"(?<![\w:/.-]){re.escape(lesson_image)}(?![\w-])", b) for b in body
    )
    if uses_image and lesson_image not in writer.images:
        prelude += _lesson_image_build(lesson_image)
        writer.images.insert(0, lesson_image)
    earlier = _made_earlier(stem, recordings, rename)
    needs = [
        name for name in dict.fromkeys(writer.used) if name in earlier and name not in writer.made
    ]
    again = _Writer(rename)
    for name in needs:
        again.command(earlier[name], "")
    again.flush()
    if needs and made_earlier:
        prelude.append("# What this notebook uses that an earlier one made:")
        prelude += again.out
    names = (
        f"the course's names on the Engine it was written for (prefix {prefix!r})"
        if prefix
        else "the lecture's names (my-image, my-vol, ...)"
        + ("" if prefix is not None else ": written with no Engine to ask which are yours")
    )
    engine = f"Docker {meta.get('engine_version', '?')}, {meta.get('image_store', '?')} image store"
    head = [
        "#!/usr/bin/env bash",
        f"# CLI twin of notebooks/{stem}.ipynb: its Docker work, as the commands a live run ran",
        f"# (recorded {meta.get('recorded_on', '?')} on {engine}), section headings as comments.",
        f"# Written by `python -m labhelpers twin {stem.split('-')[0]}`. Names: {names}.",
        "# Run it from any folder (`bash THIS.sh`): it works in a scratch folder, on the Engine",
        "# your `docker` reaches, touches only what carries the lab's marks with you as owner,",
        "# and on exit (also after a failure) removes what it made.",
        *_HEAD.rstrip("\n").splitlines(),
        *_cleanup(writer.images),
    ]
    return "\n".join(head + prelude + body) + "\n", again.out


def write_twin(
    notebook: str,
    out: Path | None = None,
    recordings: Path | None = None,
    prefix: str | None = None,
    recorded_prefix: str = "",
) -> Path:
    """Write NOTEBOOK's twin to OUT (a file, or a folder for STEM.sh; default build/twins/ in
    the course's folder) and return its path. The other arguments: as `twin_script`'s."""
    stem = notebook_path(notebook).stem
    text = twin_script(notebook, recordings, prefix, recorded_prefix)
    path = Path(out) if out else course_root() / OUT
    if path.suffix != ".sh":
        path = path / f"{stem}.sh"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path
