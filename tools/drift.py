"""Keeping recordings honest: compare the committed recordings with a fresh live run.

Every cell run in the fresh recording must be in the committed one with the same calls, arguments
and shapes of results. The figures themselves may differ between machines and Engines.
"""

from __future__ import annotations

import json
import re
from typing import Any

from labhelpers.replay.keys import show_call

__all__ = ["compare", "kind", "shape", "unprefixed"]


def shape(value: Any) -> Any:
    """The structure of an encoded result, without its figures: types and field names, with
    sequences reduced to the set of their elements' shapes."""
    if isinstance(value, dict):
        if "__tuple__" in value:
            return shape(value["__tuple__"])
        items = sorted((k, shape(v)) for k, v in value.items() if k != "__module__")
        return ("dict", tuple(items))
    if isinstance(value, list):
        return ("seq", tuple(sorted({json.dumps(shape(v)) for v in value})))
    if isinstance(value, bool) or value is None:
        return type(value).__name__
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def _outcome_shape(call: dict, strict: bool = True) -> Any:
    if "error" in call:
        return ("error", call["error"]["type"])
    if "unrecordable" in call:
        return ("unrecordable", call["unrecordable"])
    if strict:
        return shape(call.get("result"))
    return kind(call.get("result"))


def kind(value: Any) -> str:
    """What kind of answer an encoded result is (its class, or its type), without its content."""
    if isinstance(value, dict):
        return value.get("__result__") or ("tuple" if "__tuple__" in value else "dict")
    return type(value).__name__


# Names the Engine makes up (an anonymous volume's, a container's or image's id) differ in every
# run; as arguments they say nothing about drift. The same patterns as notebooks/sanitize.cfg.
_ENGINE_IDS = re.compile(r"\b(?:sha256:)?(?:[0-9a-f]{64}|[0-9a-f]{12})\b")


def unprefixed(text: str, prefix: str) -> str:
    """TEXT with PREFIX taken off the names it starts (`lab-my-vol` -> `my-vol`): a run beside
    a learner's own things uses the course's names with the `lab-` prefix."""
    if not prefix:
        return text
    return re.sub(r"(?<![\w.-])" + re.escape(prefix) + r"(?=[a-z])", "", text)


def _same(a: list, b: list, prefix: str = "") -> bool:
    """Equal calls, once the Engine's made-up ids in their arguments are set aside (and PREFIX
    taken off the names in them)."""

    def key(calls: list) -> str:
        text = json.dumps(calls, sort_keys=True, default=str)
        return _ENGINE_IDS.sub("ID", unprefixed(text, prefix))

    return key(a) == key(b)


def _args(call: dict) -> dict:
    """A call's arguments without those named measured_*: values the lab measured earlier in
    the same run and passes on (free space, say), which differ by machine as results do."""
    return {k: v for k, v in call["args"].items() if not k.startswith("measured_")}


def compare(
    committed: dict | None, fresh: dict, strict: bool = True, prefix: str = ""
) -> list[str]:
    """What keeps `committed` from replaying the run recorded in `fresh`: every cell run in the
    fresh recording must be in the committed one with the same calls, arguments and shapes of
    results (the figures themselves may differ between machines).

    `strict=False` (a run on another kind of Engine) compares calls and the kind of each result
    (its class), not its shape: an Engine may rightly answer with more or fewer rows. PREFIX:
    the fresh run chose the course's names with this prefix (beside a learner's own)."""
    name = fresh["notebook"]
    if committed is None:
        return [f"{name}: there is no committed recording."]
    problems = [f"{name}: {p}" for p in fresh.get("problems", [])]

    def groups(data: dict) -> dict:
        out: dict[tuple, list] = {}
        for call in data["calls"]:
            out.setdefault((call["cell"], call["run"]), []).append(call)
        return out

    old, new = groups(committed), groups(fresh)
    for where, calls in new.items():
        head = fresh.get("cells", {}).get(where[0], "")
        if where not in old:
            problems.append(f"{name}: the cell `{head}` (run {where[1]}) is not in the recording.")
            continue
        before = old[where]
        mine = [(c["helper"], _args(c), _outcome_shape(c, strict)) for c in calls]
        theirs = [(c["helper"], _args(c), _outcome_shape(c, strict)) for c in before]
        if _same(mine, theirs, prefix):
            continue
        for n, (a, b) in enumerate(zip(theirs, mine, strict=False)):
            if not _same([a], [b], prefix):
                what = "returns a different shape" if a[:2] == b[:2] else "is a different call"
                problems.append(
                    f"{name}: in the cell `{head}`, call {n + 1} {what}: recorded "
                    f"{show_call(a[0], a[1])}, now {show_call(b[0], b[1])}."
                )
                break
        else:
            problems.append(
                f"{name}: the cell `{head}` made {len(before)} recorded calls, now {len(calls)}."
            )
    return problems
