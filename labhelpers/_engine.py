"""The one seam between the lab and the Docker Engine.

Every helper that talks to the Engine is decorated with `@engine_step`: it gets the client from
`client()` and lets this module turn SDK and connection errors into the lab's short messages. The
replay mode (for machines with no Engine, see `_replay`) plugs in here too, so helpers never know
which mode runs: in replay a step answers from the recording and its body (and `client()`) never
runs; in a live run being recorded, the outermost step's result is written down.
"""

from __future__ import annotations

import functools
import os
import platform
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from ._errors import DockerUnavailable, EngineError, LabError

F = TypeVar("F", bound=Callable[..., Any])
_client = None
CONNECT_TIMEOUT_S = 120


def _on_binder() -> bool:
    markers = ("BINDER_SERVICE_HOST", "BINDER_REQUEST", "BINDER_LAUNCH_HOST")
    return any(k in os.environ for k in markers)


def unavailable_message(exc: BaseException | None) -> DockerUnavailable:
    """Explain, in three lines, why no Engine answers on this platform and what to do."""
    detail = repr(exc) if exc else ""
    host = os.environ.get("DOCKER_HOST", "")
    what = "Could not reach a Docker Engine" + (f" at DOCKER_HOST={host}." if host else ".")
    system = platform.system()
    if _on_binder():
        why = "this is Binder, which runs no Docker Engine and cannot start one."
        todo = (
            "use replay mode (recorded results of a real run), or run the course on a machine "
            "with Docker: see the README."
        )
    elif "PermissionError" in detail or "Permission denied" in detail:
        why = "the Engine's socket exists, but your user may not use it."
        todo = (
            "add yourself to the docker group (`sudo usermod -aG docker $USER`), log out and in "
            "again, then re-run this cell."
        )
    elif host and not host.startswith("unix://"):
        why = "nothing answers at that address, or a firewall stands in between."
        todo = "check the address, or unset DOCKER_HOST to use the local Engine."
    elif system == "Darwin" or system == "Windows" or "microsoft" in platform.release().lower():
        why = "Docker Desktop is not running (or is still starting its Linux VM)."
        todo = "start Docker Desktop, wait until it says 'Engine running', then re-run this cell."
    else:
        why = "the Docker daemon is not running, or is not installed."
        todo = (
            "start it (`sudo systemctl start docker`; on a bare Debian/Ubuntu machine: "
            "`sudo scripts/provision-engine`), then re-run this cell."
        )
    return DockerUnavailable(what, why, todo)


def _is_connection_problem(exc: BaseException) -> bool:
    import requests

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(
            seen,
            (
                requests.exceptions.ConnectionError,
                ConnectionError,
                FileNotFoundError,
                PermissionError,
            ),
        ):
            return True
        text = str(seen)
        if "Error while fetching server API version" in text or "Connection aborted" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def client(refresh: bool = False):
    """Return a connected `docker.DockerClient`.

    Raises:
        DockerUnavailable: no Engine answers; the message says why on this platform and what to do.
    """
    global _client
    from . import _replay

    forced = _replay.forced_replay_error()
    if forced is not None:
        raise forced
    if _client is not None and not refresh:
        return _client
    import docker

    try:
        candidate = docker.from_env(timeout=CONNECT_TIMEOUT_S)
        candidate.ping()
    except Exception as exc:  # the SDK raises several types for one cause: no Engine
        raise unavailable_message(exc) from exc
    _client = candidate
    return _client


def engine_available() -> bool:
    """True when an Engine answers (never raises)."""
    try:
        client()
    except DockerUnavailable:
        return False
    return True


def translate(exc: Exception, action: str) -> LabError:
    """Turn an SDK error raised while doing `action` into one of the lab's errors."""
    import docker

    if _is_connection_problem(exc):
        global _client
        _client = None
        return unavailable_message(exc)
    if isinstance(exc, docker.errors.APIError):
        explanation = exc.explanation or str(exc)
        if isinstance(explanation, bytes):
            explanation = explanation.decode(errors="replace")
        return EngineError(
            f"The Engine refused to {action}.",
            f"it said: {explanation}",
            "read the Engine's reason above; `python -m labhelpers doctor` checks the set-up.",
        )
    return EngineError(
        f"Could not {action}.",
        f"{type(exc).__name__}: {exc}",
        "run `python -m labhelpers doctor` to check the set-up.",
    )


def engine_step(action: str) -> Callable[[F], F]:
    """Decorate a helper that talks to the Engine.

    `action` completes "Could not ..." in error messages ("build the image"). Lab errors pass
    through; SDK and connection errors become lab errors, raised `from` the original.
    """

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from . import _replay

            if _replay.active():
                return _replay.replay(fn, args, kwargs)
            with _replay.recorder(fn, args, kwargs) as call:
                try:
                    value = fn(*call.args, **call.kwargs)
                except LabError as exc:
                    call.failed(exc)
                    raise
                except Exception as exc:
                    if _is_sdk_error(exc):
                        error = translate(exc, action)
                        call.failed(error)
                        raise error from exc
                    raise
                call.done(value)
            return value

        wrapper.__wrapped_step__ = fn  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return wrap


def start(notebook: str) -> None:
    """The Engine side of `lh.start_lesson`: say which mode runs; in replay, show the banner."""
    from . import _replay

    shown = _replay.begin(notebook)
    if _replay.active():
        _show(shown)
        return
    facts = client().version()
    print(
        f"Lesson {notebook}: live mode, connected to Docker Engine {facts.get('Version', '?')} "
        f"({facts.get('Os', '?')}/{facts.get('Arch', '?')})."
    )
    if shown is not None:
        print(f"Recording every helper call to {shown}.")


def _show(value: Any) -> None:
    if "IPython" in sys.modules:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(value)
            return
    print(repr(value))


def _is_sdk_error(exc: Exception) -> bool:
    if "docker" not in sys.modules:
        return False
    import docker
    import requests

    return isinstance(
        exc, (docker.errors.DockerException, requests.exceptions.RequestException, ConnectionError)
    )
