"""Record and replay helper results (the replay mode itself arrives with the Binder issue).

Today: `active()` is False and `record()` does nothing unless a recording is under way.
"""

from __future__ import annotations

from typing import Any


def active() -> bool:
    """True when helpers answer from recordings instead of the Engine."""
    return False


def replay(fn: Any, args: tuple, kwargs: dict) -> Any:  # pragma: no cover - replay issue
    raise NotImplementedError


def record(fn: Any, args: tuple, kwargs: dict, value: Any) -> None:
    """Keep `value` for the recording under way (no recording yet: nothing to do)."""
