"""Plain frozen dataclasses for every result, and their (de)serialisation for recordings.

Helpers return these, never SDK objects, so plots, widgets, tests and replay work on data.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")
_REGISTRY: dict[str, type] = {}


def result(cls: type[T]) -> type[T]:
    """Make `cls` a frozen dataclass and register it so recordings can rebuild it."""
    cls = dataclasses.dataclass(frozen=True)(cls)
    _REGISTRY[cls.__name__] = cls
    return cls


def to_plain(value: Any) -> Any:
    """Turn a result (nested dataclasses, tuples, dicts) into JSON-ready data, tagging types."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__result__": type(value).__name__, **fields}
    if isinstance(value, tuple):
        return {"__tuple__": [to_plain(v) for v in value]}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    return value


def from_plain(value: Any) -> Any:
    """Rebuild what `to_plain` produced."""
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    if isinstance(value, dict):
        if "__tuple__" in value:
            return tuple(from_plain(v) for v in value["__tuple__"])
        if "__result__" in value:
            cls = _REGISTRY[value["__result__"]]
            names = {f.name for f in dataclasses.fields(cls)}
            kwargs = {k: from_plain(v) for k, v in value.items() if k in names}
            return cls(**kwargs)
        return {k: from_plain(v) for k, v in value.items()}
    return value


def field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


__all__ = ["field_names", "from_plain", "result", "to_plain"]
