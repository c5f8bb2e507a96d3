"""What a recording holds: results (frozen dataclasses, tuples, lists, dicts, plain values) and lab
errors as JSON, and back.

Decoding is strict: a recorded result whose fields differ from its class today (a field added,
renamed or dropped since it was recorded) raises StaleRecording, never a result with made-up
defaults. Re-record (`make record`) to fix it.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

from ..core.errors import LabError, StaleRecording
from ..core.results import registered

__all__ = ["Unrecordable", "decode", "decode_error", "encode", "encode_error"]


class Unrecordable(Exception):
    """A value that a JSON recording cannot hold."""


def encode(value: Any) -> Any:
    """A result (dataclasses, tuples, lists, dicts, plain values) as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__result__": cls.__qualname__, "__module__": cls.__module__, **fields}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise Unrecordable(type(value).__name__)


def _stale(what: str, why: str) -> StaleRecording:
    return StaleRecording(
        f"The recording cannot be replayed: {what}.",
        f"{why}: the recording was made by an older version of the lab.",
        "maintainers: refresh the recordings with `make record` (python -m tools.record); "
        "learners: run the course live on a machine with Docker (README).",
    )


def _result_class(module: str, name: str) -> type:
    found = registered(module, name)
    if found is None:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise _stale(f"it names {module}.{name}", "that module no longer exists") from exc
        found = registered(module, name)
    if found is None:
        raise _stale(f"it names {module}.{name}", "no such result class exists any more")
    return found


def decode(value: Any) -> Any:
    """Rebuild what `encode` produced.

    Raises:
        StaleRecording: a result's class or fields are not what the recording holds.
    """
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if "__tuple__" in value:
            return tuple(decode(v) for v in value["__tuple__"])
        if "__result__" in value:
            cls = _result_class(value.get("__module__", ""), value["__result__"])
            wanted = {f.name for f in dataclasses.fields(cls) if f.init}
            held = set(value) - {"__result__", "__module__"}
            if held != wanted:
                missing, extra = sorted(wanted - held), sorted(held - wanted)
                differ = "; ".join(
                    part
                    for part in (
                        f"missing {', '.join(missing)}" if missing else "",
                        f"unknown {', '.join(extra)}" if extra else "",
                    )
                    if part
                )
                raise _stale(
                    f"its {cls.__qualname__} has other fields ({differ})", "the class changed"
                )
            return cls(**{k: decode(value[k]) for k in wanted})
        return {k: decode(v) for k, v in value.items()}
    return value


def encode_error(exc: LabError) -> dict:
    attrs = {k: v for k, v in vars(exc).items() if not k.startswith("_")}
    return {"type": type(exc).__name__, "module": type(exc).__module__, "attrs": encode(attrs)}


def decode_error(data: dict) -> LabError:
    """Rebuild a recorded lab error (its class, message and data attributes).

    Raises:
        StaleRecording: the error class no longer exists.
    """
    try:
        cls = getattr(importlib.import_module(data["module"]), data["type"])
    except (ImportError, AttributeError) as exc:
        raise _stale(f"it holds a {data['type']} error", "that error class is gone") from exc
    error = cls.__new__(cls)
    error.__dict__.update(decode(data["attrs"]))
    Exception.__init__(error, error.message)
    return error
