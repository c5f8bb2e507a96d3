"""Plain frozen dataclasses for every result.

Helpers return these, never SDK objects, so plots, widgets, tests and the replay work on data.
`@result` registers each class by module and name, so a recording can rebuild it (see
`labhelpers.replay.codec`).
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

__all__ = ["registered", "result"]

T = TypeVar("T")
_REGISTRY: dict[tuple[str, str], type] = {}


def result(cls: type[T]) -> type[T]:
    """Make `cls` a frozen dataclass and register it so recordings can rebuild it.

    A class that inherits how it shows itself (`__repr__` from a base such as
    `views.TableShown`) keeps it: the dataclass does not write its own over it."""
    inherited = any("__repr__" in base.__dict__ for base in cls.__mro__[1:-1])
    cls = dataclasses.dataclass(frozen=True, repr=not inherited)(cls)
    _REGISTRY[(cls.__module__, cls.__qualname__)] = cls
    return cls


def registered(module: str, name: str) -> type | None:
    """The result class `name` defined in `module`, if one was registered."""
    return _REGISTRY.get((module, name))
