"""The names notebooks use are documented in one place (docs/notebook-api.md), and notebooks use
nothing else of labhelpers."""

from __future__ import annotations

import importlib

import labhelpers as lh
from tools import api, pairs


def test_the_api_page_is_current():
    assert api.page_path().read_text() == api.api_page(), (
        "docs/notebook-api.md is stale: python -m tools.api --write"
    )


def test_notebooks_call_only_documented_names():
    page = api.page_path().read_text()
    unknown = []
    for notebook, names in api.names_used_by_notebooks(pairs.notebooks_dir()).items():
        for name in sorted(names):
            lesson, _, attr = name.partition(".")
            if attr:
                module = importlib.import_module(f"labhelpers.lessons.{lesson}")
                listed = attr in module.__all__ and f"`{attr}" in page
            else:
                listed = (name in lh.__all__ and f"`lh.{name}" in page) or name in lh.LESSONS
            if not listed:
                unknown.append(f"{notebook}: lh.{name}")
    assert unknown == []


def test_each_lesson_exposes_a_small_surface():
    for attr in lh.LESSONS:
        module = importlib.import_module(f"labhelpers.lessons.{attr}")
        assert 1 <= len(module.__all__) <= 20, (attr, len(module.__all__))
