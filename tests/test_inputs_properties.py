"""Property-based tests (Hypothesis) of every check in labhelpers/core/inputs.py; no Engine.

For each check: what it accepts, Docker's own grammar accepts too (the regular expressions below
are Docker's: `names.RestrictedNamePattern` for container and volume names, distribution's
`reference` grammar for images, with 20.10's length rule), and whatever it refuses it refuses as
`BadInput` with the lab's three parts, naming the input; never another exception.
"""

from __future__ import annotations

import math
import os
import posixpath
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labhelpers.core import inputs
from labhelpers.core.errors import BadInput

# Docker's grammars, written out from its source (not from the module under test).
DOCKER_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]+")
ALPHA_NUMERIC = r"[a-z0-9]+"
SEPARATOR = r"(?:[._]|__|[-]+)"
PATH_COMPONENT = rf"{ALPHA_NUMERIC}(?:{SEPARATOR}{ALPHA_NUMERIC})*"
DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
DOMAIN = rf"{DOMAIN_COMPONENT}(?:\.{DOMAIN_COMPONENT})*(?::[0-9]+)?"
TAG = r"[\w][\w.-]{0,127}"
DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
REFERENCE = re.compile(
    rf"((?:{DOMAIN}/)?{PATH_COMPONENT}(?:/{PATH_COMPONENT})*)(?::({TAG}))?(?:@({DIGEST}))?",
    re.ASCII,
)
FULL_ID = re.compile(r"(sha256:)?[0-9a-f]{12,64}")

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that hits the grammars' edges: their own characters, and a few that break them.
name_text = st.text(alphabet="abcXYZ019_.-/:@ !é\0", max_size=40) | st.text(max_size=20)
anything = st.none() | st.booleans() | st.integers() | st.floats() | st.binary() | name_text


def _docker_full_name(ref: str) -> str:
    """The name as 20.10's daemon stores it (splitDockerDomain), whose length it limits."""
    name = REFERENCE.fullmatch(ref)[1]
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        domain, path = first, rest
    else:
        domain, path = "docker.io", name
    if domain == "docker.io" and "/" not in path:
        path = f"library/{path}"
    return f"{domain}/{path}"


def _refused_well(check, *args) -> BadInput | None:
    """Run CHECK: None when it accepts; the BadInput when it refuses (any other error fails)."""
    try:
        check(*args)
    except BadInput as exc:
        assert exc.what and exc.why and exc.todo, str(exc)
        lines = str(exc).splitlines()
        assert len(lines) == 3 and lines[1].startswith("Why: ")
        assert lines[2].startswith("What to do: ")
        return exc
    return None


def _names_input(exc: BadInput, value: object) -> None:
    shown = repr(value)
    assert shown[:20] in str(exc) or str(value)[:20] in str(exc) or len(shown) > 60, str(exc)


# --- names ------------------------------------------------------------------------------------


@SETTINGS
@given(anything, st.sampled_from(["container", "volume"]), st.booleans())
def test_a_name_accepted_is_one_docker_takes(name, kind, creating):
    refused = _refused_well(inputs.check_name, name, kind, creating)
    if refused is None:
        assert isinstance(name, str) and DOCKER_NAME.fullmatch(name)
        assert len(name) <= inputs.MAX_NAME_CHARS
        if creating:
            assert not FULL_ID.fullmatch(name)
    elif isinstance(name, str) and name:
        assert kind in refused.what


@SETTINGS
@given(st.from_regex(DOCKER_NAME, fullmatch=True).filter(lambda n: len(n) <= 128))
def test_every_docker_name_is_taken_unless_it_reads_as_an_id(name):
    refused = _refused_well(inputs.check_name, name, "volume")
    assert (refused is not None) == bool(FULL_ID.fullmatch(name))


# --- image references ---------------------------------------------------------------------------


def _image_text():
    component = st.from_regex(PATH_COMPONENT, fullmatch=True).filter(lambda c: len(c) < 30)
    domain = st.sampled_from(["", "localhost/", "localhost:5000/", "Example.com/", "a.b:1/"])
    tag = st.sampled_from(["", ":v2", ":latest", ":", ":Tag_1.0", ":-x", ":" + "v" * 129])
    digest = st.sampled_from(["", "@sha256:" + "a" * 64, "@sha256:xyz", "@md5:" + "0" * 31])
    built = st.builds(
        lambda d, parts, t, g: d + "/".join(parts) + t + g,
        domain,
        st.lists(component, min_size=1, max_size=3),
        tag,
        digest,
    )
    return built | name_text | st.text(alphabet="abcABC019._-/:@", max_size=300)


@SETTINGS
@given(_image_text())
def test_an_image_reference_accepted_is_one_docker_takes(ref):
    refused = _refused_well(inputs.check_image_ref, ref)
    if refused is None and not FULL_ID.fullmatch(ref):
        match = REFERENCE.fullmatch(ref)
        assert match, ref
        name = match[1]
        assert name.rsplit("/", 1)[-1] == name.rsplit("/", 1)[-1].lower()
        assert len(_docker_full_name(ref)) <= 255, ref
    if refused is not None:
        _names_input(refused, ref)


@SETTINGS
@given(_image_text())
def test_an_image_tag_accepted_can_be_built_by_every_engine(tag):
    refused = _refused_well(inputs.check_image_tag, tag)
    if refused is None:
        assert REFERENCE.fullmatch(tag) and "@" not in tag
        assert not FULL_ID.fullmatch(tag)
        assert len(_docker_full_name(tag)) <= 255
        assert _docker_full_name(tag) != "docker.io/library/scratch"


@SETTINGS
@given(anything)
def test_image_checks_refuse_what_is_not_text_as_bad_input(value):
    for check in (inputs.check_image_ref, inputs.check_image_tag):
        refused = _refused_well(check, value)
        if not isinstance(value, str):
            assert refused is not None


@pytest.mark.parametrize(
    "reserved", ["scratch", "scratch:v1", "library/scratch", "docker.io/library/scratch"]
)
def test_scratch_is_reserved_however_it_is_written(reserved):
    assert _refused_well(inputs.check_image_tag, reserved) is not None


@pytest.mark.parametrize(("length", "taken"), [(237, True), (238, False)])
def test_a_one_part_image_name_stops_where_docker_20_10_stops(length, taken):
    # measured: Docker 20.10 refuses 238 ("repository name must not be more than 255
    # characters": docker.io/library/NAME), Docker 28 takes up to 247
    assert (_refused_well(inputs.check_image_tag, "i" * length) is None) == taken


# --- sizes and sliders ------------------------------------------------------------------------


numbers = anything | st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**30), 10**30)


@SETTINGS
@given(numbers, st.none() | st.floats(min_value=0, max_value=1e6))
def test_a_size_accepted_is_a_real_number_that_fits_in_bytes(size, limit):
    refused = _refused_well(inputs.check_size_mib, size, limit)
    if refused is None:
        assert not isinstance(size, bool) and isinstance(size, (int, float))
        assert math.isfinite(size) and 0 <= size <= inputs.MAX_SIZE_MIB
        assert limit is None or size <= limit
        assert math.isfinite(float(size) * 1048576)  # round(size * MIB) cannot overflow
    else:
        _names_input(refused, size)


@SETTINGS
@given(numbers, st.integers(0, 100), st.integers(0, 100))
def test_a_slider_value_accepted_is_a_whole_number_in_range(value, low, high):
    refused = _refused_well(inputs.check_slider, value, low, high, "the test's slider")
    if refused is None:
        assert type(value) is int and low <= value <= high
    else:
        _names_input(refused, value)


# --- paths ------------------------------------------------------------------------------------


path_text = st.text(alphabet="ab./\0 ", max_size=20) | st.just("..") | st.just("/")


@SETTINGS
@given(anything | path_text)
def test_a_path_inside_a_volume_never_climbs_out(path):
    refused = _refused_well(inputs.check_inside, path, "the volume v")
    if refused is None:
        inside = posixpath.normpath("/volume/" + path.lstrip("/"))
        assert inside.startswith("/volume/") and "\0" not in path


@SETTINGS
@given(anything | path_text)
def test_a_mount_target_accepted_is_absolute_and_not_the_root(target):
    refused = _refused_well(inputs.check_mount_target, target)
    if refused is None:
        assert target.startswith("/") and posixpath.normpath(target) not in ("/", "//")
        assert "\0" not in target


@SETTINGS
@given(anything | path_text)
def test_a_bind_source_accepted_exists_and_is_not_the_root(path):
    refused = _refused_well(inputs.check_bind_source, path)
    if refused is None:
        # as the lab mounts it: made absolute from the current folder first, so '0/..' is the
        # current folder even where no 0 exists
        absolute = os.path.abspath(path)
        assert os.path.exists(absolute) and os.path.realpath(absolute) != "/"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    anything | path_text | st.sampled_from(["notes.txt", "folder", "missing/new", "link-to-root"])
)
def test_a_folder_accepted_is_a_folder_or_missing_never_a_file_or_the_root(tmp_path, path):
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "folder").mkdir(exist_ok=True)
    link = tmp_path / "link-to-root"
    if not link.is_symlink():
        link.symlink_to("/")
    previous = os.getcwd()
    os.chdir(tmp_path)
    try:
        refused = _refused_well(inputs.check_folder, path, "the test's folder")
        if refused is None:
            assert isinstance(path, str) and path
            assert os.path.isdir(path) or not os.path.exists(path)
            assert os.path.realpath(path) != "/"
    finally:
        os.chdir(previous)


def test_the_host_root_is_refused_however_it_is_written(tmp_path):
    (tmp_path / "root").symlink_to("/")
    for path in ("/", "//", "/./", "/tmp/..", str(tmp_path / "root")):
        assert _refused_well(inputs.check_bind_source, path) is not None, path
        assert _refused_well(inputs.check_folder, path, "x") is not None, path
