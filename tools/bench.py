"""`python -m tools.bench` (what `make bench` runs): the course against its speed budgets, on
the live Engine (DOCKER_HOST). A report, never a test: nothing here fails on a figure.

    notebooks   each notebook, Run All through nbclient (outputs to a scratch folder, never into
                the committed .ipynb), and its CLI twin (`labhelpers.twin`, run by bash),
                interleaved A B A B for --rounds rounds after an untimed warm-up round; per
                notebook the medians (Run All from the first cell to the last one's reply; the
                kernel's start and shutdown apart), the ratio, and where the notebook's extra
                time went: waiting on the Engine (the Engine steps, timed by the tools.timing
                plugin) or Python (imports, tables, plots, widgets)
    widgets     each widget action (a button press, in a kernel, until its output is updated)
                against its CLI twin (the `docker ...` commands that press printed, run by bash)
    import      `import labhelpers` against a bare interpreter start
    lab         `python -m labhelpers lab` on a warm machine to notebook 00's first live outputs
    provision   scripts/provision-engine on an already provisioned machine
    ci          cold provisioning and a cold `.ci/run` cannot run here: their phase times are read
                from a CI run's printed output (--ci-log FILE), else kept from the last results

Budgets (reported, never asserted): the course <= 1.3x its twins, in total and notebook by
notebook; each widget action <= 1.2x its CLI twin + 0.2 s; `import labhelpers` <= 0.1 s over a
bare start; a bare machine to a green `.ci/run` <= 20 minutes with every Engine of the matrix.

Writes bench/results.json and bench/results.png; `--readme` also rewrites bench/README.md's table
(between the bench markers) from bench/results.json; `--no-run` measures nothing and redraws the
plot (and the table, with `--readme`) from the figures bench/results.json keeps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import itertools
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from . import plugin_env

__all__ = [
    "BUDGETS",
    "PARTS",
    "PROVISIONED_S",
    "README_END",
    "README_START",
    "RESULTS_SHAPE",
    "WIDGET_ACTIONS",
    "bare",
    "course_summary",
    "extra_time",
    "main",
    "median",
    "merge_rows",
    "parse_ci_log",
    "ratio",
    "readme_table",
    "shape_problems",
    "step_summary",
    "widget_within",
    "write_plot",
    "write_readme",
]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "bench"
SCRATCH = Path(tempfile.gettempdir()) / "labhelpers-bench"
PARTS = ("notebooks", "widgets", "import", "lab", "provision")
BUDGETS = {
    "course_ratio": 1.3,  # the course <= 1.3x its twins, in total and notebook by notebook
    "widget_ratio": 1.2,  # each widget action <= 1.2x its CLI twin + 0.2 s
    "widget_slack_s": 0.2,
    "import_s": 0.1,  # `import labhelpers` over a bare interpreter start
    "bare_to_green_ci_s": 1200,  # bare machine to a green .ci/run, every Engine of the matrix
}
README_START = "<!-- bench:start: python -m tools.bench --readme writes this table -->"
README_END = "<!-- bench:end -->"
CELL_TIMEOUT_S = 900
# The reference kind of Engine (CONTRIBUTING.md): a one-Engine CI run would test on it alone.
REFERENCE_ENGINE = "28-containerd"

# Widget actions: (notebook, the code that makes the widget, the button's description). The
# notebook's code cells up to that one run first, untimed; then each press is timed in the kernel.
WIDGET_ACTIONS = (
    ("02", "lh.writable.deltas_widget()", "Write into each container"),
    ("03", "lh.lifecycle.lifecycle_widget(experiment)", "restart"),
    ("05", "lh.named_volumes.survival_widget()", "Write, rm -f, read back"),
    ("06", "lh.mounts.trial_widget()", "Write, do it, read back"),
    ("07", "lh.sharing.share_widget()", "Append in share-writer"),
)


# ---------------------------------------------------------------- figures (pure, unit-tested)


def median(values: Iterable[float | None]) -> float | None:
    """The median of the values that were measured (None: a run that failed), or None."""
    measured = [v for v in values if v is not None]
    return statistics.median(measured) if measured else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either is missing or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def step_summary(lines: Iterable[str], slowest: int = 5) -> dict:
    """What LABHELPERS_STEP_TIMES lines say: the time in outermost Engine steps (what cells
    called; nested steps are inside it), how many calls, and the slowest steps by total time."""
    engine_s, calls, per_step = 0.0, 0, {}
    for line in lines:
        if not line.strip():
            continue
        entry = json.loads(line)
        if entry.get("depth", 0) != 0:
            continue
        engine_s += entry["seconds"]
        calls += 1
        total, count = per_step.get(entry["step"], (0.0, 0))
        per_step[entry["step"]] = (total + entry["seconds"], count + 1)
    ranked = sorted(per_step.items(), key=lambda item: -item[1][0])[:slowest]
    return {
        "engine_s": round(engine_s, 3),
        "calls": calls,
        "slowest": [{"step": s, "seconds": round(t, 3), "calls": n} for s, (t, n) in ranked],
    }


def extra_time(notebook_s: float, twin_s: float, engine_s: float) -> dict:
    """Where a notebook's time beyond its twin's went.

    The notebook's time is its Engine steps (`engine_s`) plus everything else (imports,
    tables, plots, widgets: "Python"; the kernel's start is timed apart, its shutdown not at
    all); the twin's is all CLI and Engine. So the extra time splits into `engine_s - twin_s`
    (the helpers waiting on the Engine longer, or shorter when negative, than the CLI) and the
    Python part."""
    python_s = notebook_s - engine_s
    return {
        "extra_s": round(notebook_s - twin_s, 3),
        "extra_engine_s": round(engine_s - twin_s, 3),
        "extra_python_s": round(python_s, 3),
    }


def widget_within(widget_s: float | None, cli_s: float | None) -> bool | None:
    """A widget action's budget: at most 1.2x its CLI twin + 0.2 s (None: not measured)."""
    if widget_s is None or cli_s is None:
        return None
    return widget_s <= BUDGETS["widget_ratio"] * cli_s + BUDGETS["widget_slack_s"]


def merge_rows(measured: list[dict], previous: dict, part: str) -> list[dict]:
    """MEASURED rows (of a run narrowed with --notebooks), with the PREVIOUS results' rows of
    PART ("notebooks" or "widgets") for what this run did not measure, each of those marked
    `from_run` (the date of the run it comes from): a narrowed run refreshes figures, it does not
    drop the others. Rows are told apart by notebook (and button, for widget actions)."""

    def key(row: dict) -> tuple:
        return (row.get("notebook"), row.get("button"))

    fresh = {key(row) for row in measured}
    kept = [
        {**row, "from_run": row.get("from_run") or previous.get("date", "an earlier run")}
        for row in previous.get(part) or []
        if key(row) not in fresh
    ]
    return sorted([*measured, *kept], key=lambda row: (str(row.get("notebook")), str(key(row))))


def course_summary(notebooks: list[dict], all_notebooks: bool) -> dict:
    """The whole course: the sums of the per-notebook medians (a notebook whose notebook or twin
    never ran is left out of both sums, and named), their ratio and the 1.3x budget."""
    counted = [
        n for n in notebooks if n.get("notebook_median_s") is not None and n.get("twin_median_s")
    ]
    nb_s = sum(n["notebook_median_s"] for n in counted)
    twin_s = sum(n["twin_median_s"] for n in counted)
    course_ratio = ratio(nb_s, twin_s)
    return {
        "notebook_s": round(nb_s, 3),
        "twin_s": round(twin_s, 3),
        "ratio": None if course_ratio is None else round(course_ratio, 3),
        "budget_ratio": BUDGETS["course_ratio"],
        "within": None if course_ratio is None else course_ratio <= BUDGETS["course_ratio"],
        "whole_course": all_notebooks and len(counted) == len(notebooks),
        "left_out": [n["notebook"] for n in notebooks if n not in counted],
    }


_TEST_SUMMARY = re.compile(r"test: (\d+)/(\d+) phases passed \(([^)]*)\)")
_CI_PHASE = re.compile(r"ci: (.+?) \((\d+) s so far\)")
_CI_TOOK = re.compile(r"ci: (.+?) took (\d+) s")
_PIPELINE_WALL = re.compile(r"pipeline: (\d+) tracks side by side, (\d+) s wall")


def parse_ci_log(text: str) -> dict:
    """Phase times from a CI run's printed output: `.ci/run`'s "ci: PHASE (N s so far)" marks and
    "ci: WHAT took N s" lines, and `make test`'s summary lines "test: 17/18 phases passed (lint
    0s, engine@system 592s, ...)" and "pipeline: N tracks side by side, W s wall". `green_s` is
    bare machine to green: up to the classroom's own line (`classroom_s`, not counted), else to
    "done"; the tracks run side by side, so `test_s` is the pipeline's wall time, not the sum of
    its phases."""
    out: dict = {"ci_phases": {}, "test_phases": {}, "took": {}, "passed": None}
    marks = [(name, int(s)) for name, s in _CI_PHASE.findall(text)]
    for (name, started), (_, ended) in itertools.pairwise(marks):
        out["ci_phases"][name] = ended - started
    # green: the tests' end, where the classroom (timed on its own line, not counted) begins
    ends = [s for name, s in marks if name.startswith("the classroom") or name == "done"]
    if ends:
        out["green_s"] = ends[0]
        classroom = [s for name, s in marks if name.startswith("the classroom")]
        if classroom and marks[-1][0] == "done":
            out["classroom_s"] = marks[-1][1] - classroom[0]
    # what came before the tests: provisioning (a few seconds where all of it was already there)
    testing = [s for name, s in marks if name == "testing"]
    if testing:
        out["provisioning_s"] = testing[0]
    out["took"] = {name: int(s) for name, s in _CI_TOOK.findall(text)}
    wall = _PIPELINE_WALL.findall(text)
    if wall:
        out["tracks"], out["test_s"] = int(wall[-1][0]), int(wall[-1][1])
    summaries = _TEST_SUMMARY.findall(text)
    if not summaries:
        return out
    passed, total, listed = summaries[-1]
    out["passed"] = f"{passed}/{total}"
    for item in listed.split(","):
        name, _, seconds = item.strip().rpartition(" ")
        if name and seconds.endswith("s") and seconds[:-1].isdigit():
            out["test_phases"][name] = int(seconds[:-1])
    out["engines"] = sorted({n.split("@", 1)[1] for n in out["test_phases"] if "@" in n})
    return out


# What bench/results.json holds: top-level keys, and the keys of each entry of its lists.
RESULTS_SHAPE = {
    "top": ("date", "rounds", "engine", "machine", "budgets", "ci"),
    "engine": ("version", "driver", "image_store"),
    "machine": ("cores", "memory_bytes", "os"),
    "notebooks": (
        "notebook",
        "notebook_s",
        "twin_s",
        "notebook_median_s",
        "twin_median_s",
        "ratio",
    ),
    "widgets": ("notebook", "button", "widget_s", "cli_s", "widget_median_s", "cli_median_s"),
}


def shape_problems(results: dict) -> list[str]:
    """What bench/results.json lacks for the README table and the plot ([] when nothing)."""
    problems = [f"no {key}" for key in RESULTS_SHAPE["top"] if key not in results]
    for part in ("engine", "machine"):
        problems += [
            f"no {part}.{k}" for k in RESULTS_SHAPE[part] if k not in results.get(part, {})
        ]
    for part in ("notebooks", "widgets"):
        for index, entry in enumerate(results.get(part, [])):
            problems += [f"no {part}[{index}].{k}" for k in RESULTS_SHAPE[part] if k not in entry]
            runs = ("notebook_s", "twin_s") if part == "notebooks" else ("widget_s", "cli_s")
            if len({len(entry.get(r, [])) for r in runs}) > 1:
                problems.append(f"{part}[{index}]: the two sides ran a different number of rounds")
    if results.get("notebooks") and "course" not in results:
        problems.append("no course (the sums over the notebooks)")
    return problems


# ---------------------------------------------------------------- README table and plot


def _s(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f} s"


def _x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def _ok(within: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "n/a"}[within]


def readme_table(results: dict) -> str:
    """README.md's Speed section body (Markdown), from bench/results.json's content."""
    engine, machine = results["engine"], results["machine"]
    course = results.get("course") or {}
    lines = [
        f"Measured {results['date'][:10]} by `make bench` ({results['rounds']} rounds, medians) "
        f"on Docker {engine['version']} ({engine['driver']}, {engine['image_store']} image "
        f"store), {machine['cores']} cores, {machine['memory_bytes'] / 1e9:.0f} GB, "
        f"{machine['os']}. Budgets are goals, reported, never asserted.",
        "",
        "| What | Course | CLI twin | Ratio | Budget | Within |",
        "|---|---|---|---|---|---|",
    ]
    if course:
        left_out = ", ".join(n.split("-", 1)[0] for n in course.get("left_out", []))
        scope = "whole course" if course.get("whole_course") else "notebooks measured"
        scope += f" (without {left_out}: no twin or notebook time)" if left_out else ""
        lines.append(
            f"| {scope} | {_s(course['notebook_s'])} | {_s(course['twin_s'])} | "
            f"{_x(course['ratio'])} | <= {course['budget_ratio']}x | {_ok(course['within'])} |"
        )
    for nb in results.get("notebooks", []):
        when = (nb.get("from_run") or "")[:16].replace("T", " ")
        earlier = f" (earlier run, {when} UTC)" if when else ""
        within = None if nb.get("ratio") is None else nb["ratio"] <= BUDGETS["course_ratio"]
        kernel = nb.get("kernel_start_median_s")
        started = f" (+{_s(kernel)} kernel start)" if kernel is not None else ""
        lines.append(
            f"| {nb['notebook']}{earlier} | {_s(nb['notebook_median_s'])}{started} | "
            f"{_s(nb['twin_median_s'])} | {_x(nb['ratio'])} | <= {BUDGETS['course_ratio']}x | "
            f"{_ok(within)} |"
        )
    for action in results.get("widgets", []):
        cli_s = action["cli_median_s"]
        budget = "n/a"
        if cli_s is not None:
            budget = f"<= {BUDGETS['widget_ratio'] * cli_s + BUDGETS['widget_slack_s']:.2f} s"
        lines.append(
            f'| widget {action["notebook"]} "{action["button"]}" | '
            f"{_s(action['widget_median_s'], 2)} | {_s(action['cli_median_s'], 2)} | "
            f"{_x(action['ratio'])} | {budget} | {_ok(action['within'])} |"
        )
    imp = results.get("import")
    if imp:
        lines.append(
            f"| `import labhelpers` (over a bare start; `-X importtime`: "
            f"{_s(imp.get('importtime_s'), 3)}) | {_s(imp['over_bare_s'], 2)} | | | "
            f"<= {BUDGETS['import_s']} s | {_ok(imp['within'])} |"
        )
    lab = results.get("lab_start")
    if lab:
        lines.append(
            f"| `make lab` to notebook 00's doctor table (warm) | {_s(lab.get('doctor_output_s'))}"
            " | | | | |"
        )
    prov = results.get("provision_warm")
    if prov:
        lines.append(f"| provisioning, already provisioned | {_s(prov.get('median_s'))} | | | | |")
    ci = results.get("ci") or {}
    if ci.get("green_s") is not None:
        engines = ", ".join(ci.get("engines") or []) or "every Engine"
        what = f"bare machine to green `.ci/run` ({engines}; the last CI run)"
        if not bare(ci):  # a run on a provisioned machine says so, and decides nothing
            what = (
                f"`.ci/run` to green on a machine already provisioned ({engines}; the last CI "
                f"run, provisioning {ci['provisioning_s']} s)"
            )
        lines.append(
            f"| {what} | {ci['green_s'] / 60:.1f} min | | | <= "
            f"{BUDGETS['bare_to_green_ci_s'] // 60} min | {_ok(ci.get('within'))} |"
        )
    if ci.get("classroom_s") is not None:
        lines.append(
            f"| the classroom (`make classroom-test`, on its own line; the last CI run) | "
            f"{ci['classroom_s'] / 60:.1f} min | | | <= 8 min | "
            f"{_ok(ci['classroom_s'] <= 8 * 60)} |"
        )
    if ci.get("test_s") is not None:
        lines.append(
            f"| `make test` ({ci.get('tracks') or 'its'} tracks side by side; the last CI run) | "
            f"{ci['test_s'] / 60:.1f} min | | | | |"
        )
    return "\n".join(lines) + "\n"


def write_readme(readme: Path, results: dict) -> bool:
    """Put the table between README's bench markers (appending a Speed section with them when
    they are missing). Returns whether the file changed."""
    text = readme.read_text()
    block = f"{README_START}\n{readme_table(results)}{README_END}"
    if README_START in text and README_END in text:
        head, rest = text.split(README_START, 1)
        tail = rest.split(README_END, 1)[1]
        new = head + block + tail
    else:
        new = text.rstrip("\n") + "\n\n## Speed\n\n" + block + "\n"
    if new != text:
        readme.write_text(new)
    return new != text


def write_plot(results: dict, path: Path) -> Path:
    """Notebook against twin per notebook (bars: medians; dots: each round; a dash: the 1.3x
    budget over the twin), and each widget action against its CLI twin (dash: 1.2x + 0.2 s)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    notebooks, widgets = results.get("notebooks", []), results.get("widgets", [])
    rows = 2 if widgets else 1
    fig, axes = plt.subplots(
        rows, 1, figsize=(11, 4.2 * rows), squeeze=False, height_ratios=[3, 2][:rows]
    )
    engine = results["engine"]
    fig.suptitle(
        f"make bench, {results['date'][:10]}: Docker {engine['version']} "
        f"({engine['image_store']} image store), {results['machine']['cores']} cores, "
        f"{results['rounds']} rounds",
        fontsize=11,
    )
    _pairs(
        axes[0][0],
        [n["notebook"] for n in notebooks],
        [(n["notebook_s"], n["notebook_median_s"]) for n in notebooks],
        [(n["twin_s"], n["twin_median_s"]) for n in notebooks],
        [
            None if n["twin_median_s"] is None else BUDGETS["course_ratio"] * n["twin_median_s"]
            for n in notebooks
        ],
        ("notebook (nbclient Run All)", "CLI twin (bash)", "budget 1.3x twin"),
    )
    course = results.get("course") or {}
    axes[0][0].set_title(
        f"Notebooks: course {_s(course.get('notebook_s'))} vs twins "
        f"{_s(course.get('twin_s'))} = {_x(course.get('ratio'))} (budget 1.3x)",
        fontsize=10,
    )
    if widgets:
        _pairs(
            axes[1][0],
            [f"{w['notebook']} {w['button']}" for w in widgets],
            [(w["widget_s"], w["widget_median_s"]) for w in widgets],
            [(w["cli_s"], w["cli_median_s"]) for w in widgets],
            [
                None
                if w["cli_median_s"] is None
                else BUDGETS["widget_ratio"] * w["cli_median_s"] + BUDGETS["widget_slack_s"]
                for w in widgets
            ],
            ("button press to output", "its commands in bash", "budget 1.2x + 0.2 s"),
        )
        axes[1][0].set_title("Widget actions", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _pairs(ax, labels, left, right, budgets, names) -> None:
    width = 0.38
    for offset, series, colour, name in (
        (-width / 2, left, "tab:blue", names[0]),
        (width / 2, right, "tab:orange", names[1]),
    ):
        heights = [m or 0 for _, m in series]
        ax.bar([i + offset for i in range(len(labels))], heights, width, color=colour, alpha=0.55)
        for i, (points, _) in enumerate(series):
            shown = [p for p in points if p is not None]
            ax.plot([i + offset] * len(shown), shown, "o", color=colour, ms=4)
        ax.plot([], [], "s", color=colour, alpha=0.55, label=f"{name}: median (bar), rounds (dots)")
    for i, budget in enumerate(budgets):
        if budget is not None:
            ax.hlines(budget, i - width, i + width, colors="black", linestyles="--", lw=1.2)
    ax.plot([], [], "--", color="black", label=names[2])
    tops = [p for series in (left, right) for points, _ in series for p in points if p is not None]
    top = max(tops + [b for b in budgets if b is not None] + [0.1])
    for i, ((_, mine), (_, theirs)) in enumerate(zip(left, right, strict=True)):
        if mine is not None and theirs:  # the ratio above each pair
            ax.text(i, top * 1.04, f"{mine / theirs:.2f}x", ha="center", fontsize=8)
        elif mine is not None or theirs is not None:
            ax.text(i, top * 1.04, "one side\nfailed", ha="center", fontsize=7, color="firebrick")
    ax.set_ylim(0, top * 1.4)  # room for the ratios and the legend above the bars
    ax.set_xticks(range(len(labels)), labels, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("seconds")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper center", ncol=3, frameon=False)


# ---------------------------------------------------------------- the machine and the Engine


def machine() -> dict:
    """Cores, memory and operating system of the machine the benchmark ran on."""
    pretty = platform.platform()
    release = Path("/etc/os-release")
    if release.is_file():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip('"')
    memory = 0
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {
        "cores": os.cpu_count() or 0,
        "memory_bytes": memory,
        "os": f"{pretty} ({platform.system()} {platform.release()})",
        "python": platform.python_version(),
    }


def engine_facts() -> dict:
    """The live Engine's version, storage driver and image store (from `docker info`)."""
    done = subprocess.run(
        ["docker", "info", "--format", "{{json .}}"], capture_output=True, text=True, timeout=60
    )
    info = json.loads(done.stdout or "{}") if done.returncode == 0 else {}
    status = dict(tuple(pair) for pair in info.get("DriverStatus") or [])
    snapshotter = "io.containerd.snapshotter" in str(status.get("driver-type", ""))
    return {
        "host": os.environ.get("DOCKER_HOST", "(the default)"),
        "version": info.get("ServerVersion", "?"),
        "driver": info.get("Driver", "?"),
        "image_store": "containerd" if snapshotter else "graph driver",
    }


# ---------------------------------------------------------------- notebooks and their twins


def _select(wanted: list[str]) -> list[Path]:
    from .record import select

    return select(NOTEBOOKS, wanted)


def _kernel_env(session: str, step_file: Path | None) -> dict:
    env = dict(os.environ)
    env["LABHELPERS_MODE"] = "live"
    env["LABHELPERS_SESSION"] = session
    env.pop("LABHELPERS_RECORD_DIR", None)  # never record: the committed recordings stay put
    if step_file is not None:  # the timing plugin writes each Engine step's time there
        env["LABHELPERS_STEP_TIMES"] = str(step_file)
        env.update(plugin_env("tools.timing"))
    else:
        env.pop("LABHELPERS_STEP_TIMES", None)
    return env


def _remove_leftovers() -> None:
    """Remove the containers, networks and volumes the lab made for this account, outside the
    timing, so that the next run (twin or notebook) starts from the same Engine. They are found
    as the lab's cleanup finds them (`lab_resources()`: the `managed` label naming the resource,
    and the owner mark; the lab keeps which kernel made what in session records, not in labels).
    Images stay: the lesson image is what every notebook after 00 builds on."""
    from labhelpers.engine import lab_resources

    found: dict[str, list[str]] = {}
    for resource in lab_resources():
        found.setdefault(resource.kind, []).append(resource.id or resource.name)
    for kind, removal in (
        ("container", ["rm", "-f", "-v"]),
        ("network", ["network", "rm"]),
        ("volume", ["volume", "rm", "-f"]),
    ):
        if found.get(kind):
            subprocess.run(["docker", *removal, *found[kind]], capture_output=True)


def _reset_images() -> None:
    """Every image the lab built for this account goes, but the lesson image (notebook 00's,
    which every later notebook and twin builds on): before each timed run, so that a notebook
    and its twin start from the same images. Left in place, a notebook's images served its twin
    as the classic builder's cache, while the twin removed its own on exit, so that 01's notebook
    then rebuilt from nothing what its twin had found built (1.8x). BuildKit's cache stays:
    both sides find it alike."""
    from labhelpers.engine import lab_resources
    from labhelpers.engine.names import course_name

    lesson = f"{course_name('my-image', 'image')}:latest"  # lab-my-image beside a learner's own
    shown = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Id}} {{json .RepoTags}}", lesson],
        capture_output=True,
        text=True,
    ).stdout.strip()
    kept, tags = shown.split(" ", 1) if shown else ("", "[]")
    for image in lab_resources():
        if image.kind == "image" and not kept.removeprefix("sha256:").startswith(image.id):
            subprocess.run(["docker", "image", "rm", "-f", image.id], capture_output=True)
    for tag in json.loads(tags):
        if tag != lesson:  # another tag of the lesson image: the tag only goes
            subprocess.run(["docker", "image", "rm", tag], capture_output=True)


def _ready_for(stem: str) -> None:
    """The Engine as notebook STEM finds it, made untimed before the notebook and before its twin
    alike: the lab's leftovers gone, its images but the lesson image gone (`_reset_images`), and
    what an earlier notebook made (02b: 02's my-cont-1) made again the way the twin makes it
    (`labhelpers.twin.prerequisites`; the twin is written without those lines)."""
    _remove_leftovers()
    _reset_images()
    script = _prerequisites(stem)
    if script:
        made = subprocess.run(["bash", "-c", script], cwd=NOTEBOOKS, capture_output=True, text=True)
        if made.returncode != 0:
            tail = (made.stderr.strip() or made.stdout.strip()).splitlines()[-1:] or ["?"]
            raise RuntimeError(f"bench: could not make what {stem} needs: {tail[0][:300]}")


@functools.cache
def _prerequisites(stem: str) -> str:
    return _twin_module().prerequisites(stem)  # written from the recording: once per notebook


def run_notebook(path: Path, round_no: int) -> dict:
    """Run All of one notebook in a fresh kernel; its outputs go to the scratch folder."""
    import nbformat
    from nbclient.exceptions import CellExecutionError

    from .kernels import notebook_client

    SCRATCH.mkdir(parents=True, exist_ok=True)
    steps = SCRATCH / f"steps-{path.stem}-{round_no}.jsonl"
    steps.unlink(missing_ok=True)
    session = f"bench{round_no}{abs(hash(path.stem)) % 10**6:06d}"
    notebook = nbformat.read(path, as_version=4)
    client = notebook_client(
        notebook,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    error = ""
    _ready_for(path.stem)
    # The kernel's start is timed apart: JupyterLab starts it when the notebook opens, before
    # the learner runs a cell, and it is ipykernel's time (the twin's counterpart is a terminal
    # already open). What is compared with the twin is Run All from the first cell to the last.
    # Run All ends with the last cell's reply: the kernel's shutdown after it (about 0.2 s, the
    # client polling for its exit) is no more the learner's wait than its start, and the twin's
    # counterpart, bash exiting, takes a millisecond.
    started = time.perf_counter()
    ready = ended = None
    try:
        with client.setup_kernel(env=_kernel_env(session, steps), cwd=str(path.parent)):
            client.wait_for_reply(client.kc.kernel_info())
            ready = time.perf_counter()
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
            ended = time.perf_counter()
    except CellExecutionError as exc:
        plain = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()
        named = [line for line in plain if re.match(r"^\w+(Error|Exception|Clash)\b", line)]
        error = (named or plain or ["?"])[-1][:300]
    ended = ended or time.perf_counter()
    seconds = ended - (ready or started)
    kernel_s = (ready or ended) - started
    nbformat.write(notebook, SCRATCH / f"{path.stem}-{round_no}.ipynb")
    _remove_leftovers()
    lines = steps.read_text().splitlines() if steps.is_file() else []
    return {
        "seconds": None if error else seconds,
        "kernel_s": kernel_s,
        "error": error,
        **step_summary(lines),
    }


def _twin_module():
    try:
        from labhelpers import twin
    except ImportError:  # the twin tool is not there yet (issue 15's other half)
        return None
    return twin


def write_twins(paths: list[Path]) -> dict[str, Path]:
    """Each notebook's CLI twin script (labhelpers.twin), by notebook stem, without what an
    earlier notebook made (`_ready_for` makes that, untimed, for the twin as for the notebook) and
    without the commands the notebook only shows: the twin does the notebook's work, no more."""
    twin = _twin_module()
    if twin is None:
        raise SystemExit("bench: labhelpers.twin is missing: no CLI twins to compare with.")
    folder = SCRATCH / "twins"
    folder.mkdir(parents=True, exist_ok=True)
    scripts = {}
    for path in paths:
        scripts[path.stem] = folder / f"{path.stem}.sh"
        script = twin.twin_script(path.stem, made_earlier=False, not_run=False)
        scripts[path.stem].write_text(script)
    return scripts


def run_twin_prepared(stem: str, script: Path) -> dict:
    """The twin on an Engine holding what its notebook found: the notebook's leftovers removed
    and the earlier notebooks' work made again, untimed, as for the notebook."""
    _ready_for(stem)
    try:
        return run_twin(script)
    finally:
        _remove_leftovers()


def run_twin(script: Path) -> dict:
    """Run one twin with bash from the notebooks' folder; its time, or its error's last line."""
    started = time.perf_counter()
    done = subprocess.run(
        ["bash", str(script)],
        cwd=NOTEBOOKS,
        capture_output=True,
        text=True,
        env=_kernel_env("", None),
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        tail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["?"]
        return {"seconds": None, "error": f"exit {done.returncode}: {tail[0][:300]}"}
    return {"seconds": seconds, "error": ""}


def bench_notebooks(paths: list[Path], rounds: int) -> list[dict]:
    """Round 0 warms the Engine up, untimed: after it, BuildKit's cache serves the notebook and
    its twin alike, and before each timed run the lab's images but the lesson image go
    (`_reset_images`), as containers and volumes go after each run. Without that, the notebook,
    run first, built 01's images from nothing and the twin then found every step cached."""
    twins = write_twins(paths)
    runs = {p.stem: {"nb": [], "twin": []} for p in paths}
    for path in paths:
        run_notebook(path, 0)
        run_twin_prepared(path.stem, twins[path.stem])
    print("  round 0 (warm-up, not counted): done", flush=True)
    for round_no in range(1, rounds + 1):
        for path in paths:
            nb = run_notebook(path, round_no)
            twin = run_twin_prepared(path.stem, twins[path.stem])
            runs[path.stem]["nb"].append(nb)
            runs[path.stem]["twin"].append(twin)
            print(
                f"  round {round_no} {path.stem}: notebook {_s(nb['seconds'])} "
                f"(Engine steps {nb['engine_s']:.1f} s), twin {_s(twin['seconds'])}"
                + (f"  [notebook: {nb['error']}]" if nb["error"] else "")
                + (f"  [twin: {twin['error']}]" if twin["error"] else ""),
                flush=True,
            )
    return [_notebook_row(stem, r["nb"], r["twin"], twins[stem]) for stem, r in runs.items()]


def _notebook_row(stem: str, nb_runs: list[dict], twin_runs: list[dict], script: Path) -> dict:
    nb_s, twin_s = [r["seconds"] for r in nb_runs], [r["seconds"] for r in twin_runs]
    nb_med, twin_med = median(nb_s), median(twin_s)
    engine_med = median(r["engine_s"] for r in nb_runs if r["seconds"] is not None)
    kernel_med = median(r.get("kernel_s") for r in nb_runs if r["seconds"] is not None)
    row = {
        "notebook": stem,
        "notebook_s": [None if s is None else round(s, 3) for s in nb_s],
        "twin_s": [None if s is None else round(s, 3) for s in twin_s],
        "notebook_median_s": None if nb_med is None else round(nb_med, 3),
        "twin_median_s": None if twin_med is None else round(twin_med, 3),
        "ratio": None if ratio(nb_med, twin_med) is None else round(ratio(nb_med, twin_med), 3),
        "engine_steps_median_s": None if engine_med is None else round(engine_med, 3),
        # the kernel's start, before the first cell: not in notebook_s (see run_notebook)
        "kernel_start_median_s": None if kernel_med is None else round(kernel_med, 3),
        "engine_step_calls": nb_runs[-1]["calls"],
        "slowest_steps": nb_runs[-1]["slowest"],
        "twin_script": str(script.relative_to(ROOT))
        if script.is_relative_to(ROOT)
        else str(script),
        "errors": sorted({r["error"] for r in nb_runs + twin_runs if r["error"]}),
    }
    if None not in (nb_med, twin_med, engine_med):
        row.update(extra_time(nb_med, twin_med, engine_med))
    return row


# ---------------------------------------------------------------- widget actions

_PRESS = r"""
import html as _h, json as _j, re as _r, time as _t
from ipywidgets.widgets.widget import _instances as _w
def _panes():  # what each HTML pane and Output area shows now
    out = {}
    for key, widget in list(_w.items()):
        if hasattr(widget, "outputs"):
            out[key] = "".join(o.get("text", "") for o in widget.outputs)
        elif type(widget).__name__ == "HTML":
            out[key] = widget.value
    return out
_buttons = [b for b in _w.values() if type(b).__name__ == "Button" and b.description == BUTTON]
_before = _panes()
for _k, _v in _before.items():  # emptied: a press may show just what the last press showed
    if _v and not hasattr(_w[_k], "outputs"):
        _w[_k].value = ""
_started = _t.perf_counter()
_buttons[-1].click()
_seconds = _t.perf_counter() - _started
_shown = []
for _k, _v in _panes().items():
    if hasattr(_w[_k], "outputs"):
        _shown.append(_v[len(_before.get(_k, "")):] if _v.startswith(_before.get(_k, "")) else _v)
    elif _v:
        _shown.append(_v)
    elif _before.get(_k):
        _w[_k].value = _before[_k]  # a pane the press did not write: as it was
_plain = _h.unescape(_r.sub(r"<[^>]+>", "", "\n".join(_shown)))
_commands = [l[2:] for l in _plain.splitlines() if l.startswith("$ docker ")]
print("BENCH " + _j.dumps({"seconds": _seconds, "commands": _commands}))
"""


def _cells_up_to(path: Path, marker: str) -> list[str]:
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cells.append(cell.source)
        if marker in cell.source:
            return cells
    raise SystemExit(f"bench: {path.name} has no cell with {marker!r} (WIDGET_ACTIONS is stale)")


def _execute(client, code: str) -> str:
    printed, errors = [], []

    def hook(msg: dict) -> None:
        content = msg["content"]
        if msg["msg_type"] == "stream":
            printed.append(content["text"])
        elif msg["msg_type"] == "error":
            errors.append(f"{content['ename']}: {content['evalue']}"[:300])

    reply = client.execute_interactive(code, output_hook=hook, timeout=CELL_TIMEOUT_S)
    if reply["content"]["status"] != "ok" or errors:
        raise RuntimeError(errors[0] if errors else reply["content"].get("evalue", "error"))
    return "".join(printed)


def bench_widget(notebook: str, marker: str, button: str, rounds: int) -> dict:
    """Press one widget's button in a kernel (after the notebook's cells up to the widget's ran)
    and run the commands the press printed in bash, interleaved."""
    from jupyter_client.manager import start_new_kernel

    path = _select([notebook])[0]
    session = f"benchw{notebook}"
    row = {"notebook": path.stem, "button": button, "widget_s": [], "cli_s": [], "errors": []}
    manager, client = start_new_kernel(
        kernel_name="python3",
        env=_kernel_env(session, None),
        cwd=str(path.parent),
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    script = SCRATCH / f"widget-{path.stem}.sh"
    try:
        for cell in _cells_up_to(path, marker):
            _execute(client, cell)
        press = f"BUTTON = {button!r}\n{_PRESS}"
        for round_no in range(rounds):
            try:
                out = _execute(client, press)
                pressed = json.loads(out.split("BENCH ", 1)[1].splitlines()[0])
                row["widget_s"].append(round(pressed["seconds"], 4))
            except (RuntimeError, IndexError) as exc:
                row["widget_s"].append(None)
                row["errors"].append(f"press: {exc}")
                continue
            if round_no == 0:
                row["commands"] = pressed["commands"]
                # Each command runs whatever the one before did, as the press ran them: a read
                # that finds nothing is the lesson's LOST, not a failure.
                commands = "\n".join(pressed["commands"])
                script.write_text(f"set -uo pipefail\n{commands}\ntrue\n")
            cli = run_twin(script)
            row["cli_s"].append(None if cli["seconds"] is None else round(cli["seconds"], 4))
            if cli["error"]:
                row["errors"].append(f"cli: {cli['error']}")
    except RuntimeError as exc:
        row["errors"].append(f"setup: {exc}")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        _remove_leftovers()
    widget_med, cli_med = median(row["widget_s"]), median(row["cli_s"])
    row["widget_median_s"] = None if widget_med is None else round(widget_med, 4)
    row["cli_median_s"] = None if cli_med is None else round(cli_med, 4)
    row["ratio"] = None if ratio(widget_med, cli_med) is None else round(widget_med / cli_med, 3)
    row["within"] = widget_within(widget_med, cli_med)
    row["errors"] = sorted(set(row["errors"]))
    return row


# ---------------------------------------------------------------- import, lab, provisioning


def _timed(argv: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, cwd=ROOT, **kwargs)
    return time.perf_counter() - started


def bench_import(repeats: int = 7) -> dict:
    """`import labhelpers` in a fresh interpreter against a bare start, interleaved."""
    bare, imported = [], []
    for _ in range(repeats):
        bare.append(_timed([sys.executable, "-c", "pass"]))
        imported.append(_timed([sys.executable, "-c", "import labhelpers"]))
    bare_s, import_s = median(bare), median(imported)
    over = import_s - bare_s
    # What the interpreter itself counts (`-X importtime`, cumulative for the package): steadier
    # than a difference of two process start-ups on a busy machine.
    counted = []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import labhelpers"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        for line in done.stderr.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 3 and parts[2] == "labhelpers" and parts[1].isdigit():
                counted.append(int(parts[1]) / 1e6)
    return {
        "bare_s": round(bare_s, 4),
        "import_s": round(import_s, 4),
        "over_bare_s": round(over, 4),
        "importtime_s": None if not counted else round(median(counted), 4),
        "budget_s": BUDGETS["import_s"],
        "within": (median(counted) if counted else over) <= BUDGETS["import_s"],
    }


def bench_provision(repeats: int = 3) -> dict:
    """scripts/provision-engine against the Engine that already answers (DOCKER_HOST)."""
    times = [_timed([str(ROOT / "scripts" / "provision-engine")]) for _ in range(repeats)]
    return {"seconds": [round(t, 3) for t in times], "median_s": round(median(times), 3)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_lab(timeout_s: float = 180) -> dict:
    """`python -m labhelpers lab` (doctor, then JupyterLab, headless on a free port with a
    token) to notebook 00's first outputs. Once the server answers, a session for notebook 00 is
    opened through the REST API (what the browser does when it opens the notebook) and its first
    code cells are sent over the kernel's websocket, as the browser sends them: the clock stops
    at the first cell's output (start_lesson, which asks the Engine which mode to run in) and at
    the doctor's table (`lh.check()`, the first output of the Engine's own answers)."""
    import uuid

    import websocket

    port, token = _free_port(), uuid.uuid4().hex
    base = f"http://127.0.0.1:{port}"
    argv = [
        sys.executable,
        "-m",
        "labhelpers",
        "lab",
        "--no-browser",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
    ]
    started = time.perf_counter()
    lab = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=_kernel_env("benchlab", None),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    result: dict = {"how": bench_lab.__doc__.split("Once", 1)[1].strip().split("\n\n")[0]}
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.perf_counter() - started > timeout_s or lab.poll() is not None:
                    result["error"] = "JupyterLab did not answer"
                    return result
                time.sleep(0.1)
        result["server_up_s"] = round(time.perf_counter() - started, 3)
        body = json.dumps(
            {
                "path": "00-check-your-lab.ipynb",
                "type": "notebook",
                "name": "",
                "kernel": {"name": "python3"},
            }
        ).encode()
        request = urllib.request.Request(
            f"{base}/api/sessions?token={token}", data=body, method="POST"
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            kernel = json.loads(answer.read())["kernel"]["id"]
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels?token={token}", timeout=120
        )
        cells = _cells_up_to(_select(["00"])[0], "lh.check()")
        for index, (code, key) in enumerate(
            ((cells[0], "first_output_s"), (cells[-1], "doctor_output_s"))
        ):
            msg_id = f"bench-{index}"
            ws.send(json.dumps(_execute_request(msg_id, code)))
            while key not in result:
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg.get("msg_type") or msg["header"]["msg_type"]
                if kind in ("stream", "display_data", "execute_result"):
                    result[key] = round(time.perf_counter() - started, 3)
                elif kind == "error":
                    result["error"] = msg["content"]["evalue"][:300]
                    return result
        ws.close()
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
        _remove_leftovers()
    return result


def _execute_request(msg_id: str, code: str) -> dict:
    return {
        "header": {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "username": "bench",
            "session": "bench",
            "version": "5.3",
            "date": dt.datetime.now(dt.timezone.utc).isoformat(),
        },
        "parent_header": {},
        "metadata": {},
        "content": {"code": code, "silent": False, "store_history": True, "allow_stdin": False},
        "channel": "shell",
    }


# ---------------------------------------------------------------- the command


def _ci(args: argparse.Namespace, previous: dict) -> dict:
    if args.ci_log is None:
        return previous.get("ci") or {}
    parsed = parse_ci_log(args.ci_log.read_text())
    ci = {
        "from_the_last_ci_run": True,
        "source": args.ci_source or str(args.ci_log),
        "passed": parsed["passed"],
        "ci_phases_s": parsed["ci_phases"],
        "took_s": parsed["took"],
        "test_phases_s": parsed["test_phases"],
        "engines": parsed.get("engines", []),
        "tracks": parsed.get("tracks"),
        "test_s": parsed.get("test_s"),
        "green_s": parsed.get("green_s"),
        "classroom_s": parsed.get("classroom_s"),
        "provisioning_s": parsed.get("provisioning_s"),
    }
    if ci["green_s"] is not None and bare(ci):
        ci["within"] = ci["green_s"] <= BUDGETS["bare_to_green_ci_s"]
    return ci


# Provisioning from nothing installs packages and builds two images (minutes); a run whose
# provisioning took less found it all there, and says nothing about a bare machine.
PROVISIONED_S = 60


def bare(ci: dict) -> bool:
    """Whether a CI run's figures (`ci` of bench/results.json) are a bare machine's: its
    provisioning did the work (an older log, without the figure, is taken as one)."""
    return ci.get("provisioning_s") is None or ci["provisioning_s"] >= PROVISIONED_S


def _print_notebooks(rows: list[dict], course: dict) -> None:
    print(
        f"\n{'notebook':34} {'notebook':>9} {'twin':>8} {'ratio':>6} {'extra':>8} "
        f"{'Engine':>8} {'Python':>8} {'kernel':>8}"
    )
    for r in rows:
        print(
            f"{r['notebook']:34} {_s(r['notebook_median_s']):>9} {_s(r['twin_median_s']):>8} "
            f"{_x(r['ratio']):>6} {_s(r.get('extra_s')):>8} {_s(r.get('extra_engine_s')):>8} "
            f"{_s(r.get('extra_python_s')):>8} {_s(r.get('kernel_start_median_s')):>8}"
        )
        for error in r["errors"]:
            print(f"    error: {error}")
    print(
        f"{'course' if course['whole_course'] else 'measured':34} {_s(course['notebook_s']):>9} "
        f"{_s(course['twin_s']):>8} {_x(course['ratio']):>6}   budget <= 1.3x: "
        f"{_ok(course['within'])}"
    )
    print(
        "  extra = notebook - twin = Engine (the helpers' Engine steps - the twin's time) + "
        "Python (imports, tables, plots, widgets); kernel: its start, before the first cell "
        "(JupyterLab's, when the notebook opens: not counted)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of A B (default 3)")
    parser.add_argument("--notebooks", nargs="*", default=[], help="number prefixes (default: all)")
    parser.add_argument("--only", nargs="*", choices=PARTS, help="some parts only (default: all)")
    parser.add_argument(
        "--readme", action="store_true", help="also rewrite bench/README.md's table"
    )
    parser.add_argument(
        "--no-run",
        action="store_true",
        help="measure nothing: redraw the plot (and --readme; --ci-log: take that run's figures)",
    )
    parser.add_argument("--ci-log", type=Path, help="a CI run's printed output, for its phases")
    parser.add_argument("--ci-source", help="where that log came from (kept in results.json)")
    parser.add_argument("--out", type=Path, default=OUT, help="where results go (default bench/)")
    args = parser.parse_args(argv)
    results_path = args.out / "results.json"
    previous = json.loads(results_path.read_text()) if results_path.is_file() else {}
    if args.no_run:
        if not previous:
            print(f"bench: no {results_path} yet: run `make bench` first.", file=sys.stderr)
            return 1
        if args.ci_log is not None:  # a CI run's figures, without measuring anything
            previous["ci"] = _ci(args, previous)
            results_path.write_text(json.dumps(previous, indent=1) + "\n")
        write_plot(previous, args.out / "results.png")  # redrawn from the figures kept
        if args.readme and write_readme(OUT / "README.md", previous):
            print("bench: rewrote bench/README.md's table")
        return 0
    parts = args.only or PARTS
    if shutil.which("docker") is None:
        print("bench: the docker CLI is missing: the twins need it.", file=sys.stderr)
        return 1
    results: dict = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m tools.bench " + " ".join(argv or sys.argv[1:]),
        "rounds": args.rounds,
        "engine": engine_facts(),
        "machine": machine(),
        "budgets": BUDGETS,
    }
    if results["engine"]["version"] == "?":
        from labhelpers.engine.connection import unavailable_message

        print(unavailable_message(None), file=sys.stderr)
        return 1
    print(
        f"bench: Docker {results['engine']['version']} ({results['engine']['driver']}, "
        f"{results['engine']['image_store']} image store) at {results['engine']['host']}"
    )
    if "import" in parts:
        results["import"] = imp = bench_import()
        print(
            f"import labhelpers: {_s(imp['over_bare_s'], 3)} over a bare start "
            f"({_s(imp['import_s'], 3)} in all; -X importtime counts "
            f"{_s(imp['importtime_s'], 3)}); budget {BUDGETS['import_s']} s: "
            f"{_ok(imp['within'])}"
        )
    if "provision" in parts:
        results["provision_warm"] = prov = bench_provision()
        print(f"provision-engine, already provisioned: {_s(prov['median_s'], 2)}")
    if "lab" in parts:
        results["lab_start"] = lab = bench_lab()
        print(
            f"make lab to notebook 00: server {_s(lab.get('server_up_s'))}, first output "
            f"{_s(lab.get('first_output_s'))}, doctor table {_s(lab.get('doctor_output_s'))}"
            + (f" [{lab['error']}]" if lab.get("error") else "")
        )
    paths = _select(args.notebooks)
    if "notebooks" in parts:
        print(f"notebooks: {len(paths)}, {args.rounds} rounds of notebook then twin")
        rows = merge_rows(bench_notebooks(paths, args.rounds), previous, "notebooks")
        results["notebooks"] = rows
        every = {p.stem for p in _select([])} <= {r["notebook"] for r in rows}
        results["course"] = course = course_summary(rows, all_notebooks=every)
        _print_notebooks(rows, course)
    if "widgets" in parts:
        stems = [p.stem for p in paths]
        results["widgets"] = []
        for notebook, marker, button in WIDGET_ACTIONS:
            if args.notebooks and not any(s.startswith(notebook) for s in stems):
                continue
            row = bench_widget(notebook, marker, button, args.rounds)
            results["widgets"].append(row)
            print(
                f"widget {row['notebook']} {button!r}: {_s(row['widget_median_s'], 3)} vs CLI "
                f"{_s(row['cli_median_s'], 3)}, budget 1.2x + 0.2 s: {_ok(row['within'])}"
                + "".join(f"\n    {e}" for e in row["errors"])
            )
    if "widgets" in results and args.notebooks:
        results["widgets"] = merge_rows(results["widgets"], previous, "widgets")
    results["ci"] = _ci(args, previous)
    for key in ("import", "provision_warm", "lab_start", "notebooks", "course", "widgets"):
        if key not in results and key in previous:  # a part not run this time: the last figures
            results[key] = previous[key]
            results.setdefault("kept_from_earlier", []).append(key)
    args.out.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=1) + "\n")
    write_plot(results, args.out / "results.png")
    print(f"wrote {results_path} and {args.out / 'results.png'}")
    if args.readme and write_readme(OUT / "README.md", results):
        print("rewrote bench/README.md's table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
