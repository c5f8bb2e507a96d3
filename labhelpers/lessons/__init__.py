"""One package per notebook, each laid out as CONTRIBUTING.md draws it (results, experiments,
views, widgets, exercise; `__init__` lists the names the notebook calls). `common.py` holds the
experiments more than one lesson uses."""

__all__: list[str] = []
