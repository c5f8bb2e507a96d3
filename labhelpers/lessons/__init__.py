"""One package per notebook, each laid out the same way:

    results.py      frozen dataclasses the experiments return (and how each shows as a table)
    experiments.py  Engine work composed from labhelpers.engine; every function a @engine_step
    views.py        tables and matplotlib plots made from results (never reach the Engine)
    widgets.py      ipywidgets that call experiments and show views; their state is their own
    exercise.py     the notebook's exercise check(s), through the same translated errors
    __init__.py     `__all__`: the handful of names the notebook calls (docs/notebook-api.md)

`common.py` holds the experiments more than one lesson uses. A lesson may leave out a file it does
not need (a lesson with no widget has no widgets.py).
"""

__all__: list[str] = []
