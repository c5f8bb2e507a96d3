"""Exercise 06b (a bind mount written with `--mount`, which refuses a mistyped host path): the
check fails on an untouched Engine and on the answers `-v` gives, refuses bad input with the
lab's three parts, and passes after the solution file runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers.core.labels import MANAGED, mark
from labhelpers.notebook import run_solution

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
SOLUTION = NOTEBOOKS / "solutions" / "06b-bind-mounts-and-write-speed.sh"
SITE = NOTEBOOKS / "workspace" / "ex06b-site"
WEB = "ex06b-web"
LABEL = f"{MANAGED}={mark('container', WEB)}"


def _start_over() -> None:
    docker_cli("rm", "-f", WEB, check=False)
    shutil.rmtree(SITE, ignore_errors=True)


@pytest.fixture
def exercise(my_image, no_leftovers):
    _start_over()
    yield
    _start_over()


def check():
    return lh.mounts.check_refusing_bind(host_dir=SITE)


def _run_web(image: str, *mount: str, label: bool = True) -> None:
    labels = ["--label", LABEL] if label else []
    docker_cli("run", "-d", "--name", WEB, *labels, *mount, image, "sleep", "infinity")


def test_the_check_fails_before_and_passes_after_the_solution(exercise):
    before = check()
    assert not before.passed and f"no container '{WEB}'" in before.message
    assert "--mount type=bind," in before.more and f"--label {LABEL}" in before.more
    assert "--mount" not in before.hint  # the first hint points at the idea
    out = run_solution(SOLUTION)
    assert "hello" in out
    after = check()
    assert after.passed, after
    assert "--mount type=bind" in after.message


def test_v_with_a_missing_folder_is_rejected_and_explained(exercise, my_image):
    """The wrong answer the exercise is about: `-v` and no mkdir. The Engine creates the folder,
    empty; the check says so, from what it measured in the container."""
    _run_web(my_image, "-v", f"{SITE.resolve()}:/site")
    assert SITE.is_dir() and not any(SITE.iterdir())  # made by the Engine, not by the test
    created = check()
    assert not created.passed and "sees no index.html in /site" in created.message
    assert "it holds nothing" in created.message
    assert "`-v` made it: empty, and root's (uid 0)" in created.message
    assert "refuses a missing path" in created.hint
    assert f"rmdir {SITE.as_posix()}" in created.more


def test_v_with_the_file_there_is_still_not_the_answer(exercise, my_image):
    SITE.mkdir(parents=True)
    (SITE / "index.html").write_text("hello\n")
    _run_web(my_image, "-v", f"{SITE.resolve()}:/site")
    through_v = check()
    assert not through_v.passed and "through `-v`" in through_v.message
    assert "--mount type=bind," in through_v.more


def test_near_misses_get_a_precise_message(exercise, my_image):
    SITE.mkdir(parents=True)
    bind = f"type=bind,src={SITE.resolve()},dst=/site"
    _run_web(my_image, "--mount", bind, label=False)
    unlabelled = check()
    assert not unlabelled.passed and f"no {LABEL} label" in unlabelled.message
    docker_cli("rm", "-f", WEB)
    _run_web(my_image, "--mount", bind)
    empty = check()  # the right mount, the page not yet written: it shows at once when it is
    assert not empty.passed and "it holds nothing" in empty.message
    assert "`-v` made it" not in empty.message and "sees it at once" in empty.hint
    (SITE / "index.html").write_text("hello\n")
    assert check().passed
    docker_cli("stop", "-t", "1", WEB)
    stopped = check()
    assert not stopped.passed and "exited" in stopped.message
    assert f"docker start {WEB}" in stopped.more
    docker_cli("rm", "-f", WEB)
    _run_web(my_image, "--mount", "type=volume,src=ex06b-vol,dst=/site")
    volume = check()
    assert not volume.passed and "it is a volume of ex06b-vol" in volume.message
    docker_cli("rm", "-f", "-v", WEB)
    docker_cli("volume", "rm", "-f", "ex06b-vol", check=False)


@pytest.mark.parametrize(
    ("kwargs", "what"),
    [
        ({"container": "ex06b web"}, "'ex06b web' cannot name a container."),
        ({"container": ""}, "The container needs a name"),
        ({"host_dir": 42}, "Cannot check a bind mount of 42."),
    ],
)
def test_bad_input_is_refused_in_three_parts_before_anything_runs(kwargs, what):
    with pytest.raises(lh.BadInput) as refused:
        lh.mounts.check_refusing_bind(**kwargs)
    lines = str(refused.value).splitlines()
    assert len(lines) == 3 and lines[0].startswith(what), lines
    assert lines[1].startswith("Why: ") and lines[2].startswith("What to do: ")
