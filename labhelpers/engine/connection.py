"""The connection to the Docker Engine, and the translation of SDK errors into the lab's.

`client()` is the only way to the Docker SDK's client, and only modules of this package
(`labhelpers.engine`) call it (tests/test_layers.py enforces both).
"""

from __future__ import annotations

import os
import platform
import shutil
import sys

from ..core.errors import DockerUnavailable, EngineError, LabError
from ..core.platforms import on_wsl, wsl_distribution
from ..replay import modes

__all__ = [
    "CONNECT_TIMEOUT_S",
    "client",
    "endpoint",
    "engine_available",
    "engine_id",
    "engine_said",
    "is_sdk_error",
    "mode",
    "replaying",
    "sdk_version",
    "server_summary",
    "server_version",
    "translate",
    "unavailable_message",
    "why_unavailable",
]

_client = None
CONNECT_TIMEOUT_S = 120


def _on_binder() -> bool:
    markers = ("BINDER_SERVICE_HOST", "BINDER_REQUEST", "BINDER_LAUNCH_HOST")
    return any(k in os.environ for k in markers)


def endpoint() -> tuple[str, str]:
    """Where the lab looks for the Engine, the way the docker CLI does: (how it was chosen, the
    address). DOCKER_HOST first; else the context DOCKER_CONTEXT names, else the CLI's current
    context (`docker context use NAME`, kept in ~/.docker/config.json), else `default` (the
    local socket). Docker Desktop, Colima, OrbStack and rootless Docker set a context of their own,
    so following it reaches the Engine `docker ps` reaches. (The SDK's `from_env` does the same
    since docker 7.2.)"""
    host = os.environ.get("DOCKER_HOST", "")
    if host:
        return "DOCKER_HOST", host
    try:
        from docker.context import ContextAPI
        from docker.context.config import get_current_context_name
    except ImportError:  # an SDK without contexts: the default socket
        return "the default", ""
    name = os.environ.get("DOCKER_CONTEXT") or get_current_context_name() or "default"
    try:
        context = ContextAPI.get_context(name)
    except Exception:  # a context whose files are unreadable: the SDK falls back the same way
        context = None
    if context is None:
        return f"context {name} (not found: `docker context ls` lists them)", ""
    return f"context {name}", context.Host or ""


def unavailable_message(exc: BaseException | None, host: str | None = None) -> DockerUnavailable:
    """Explain, in three lines, why no Engine answers on this platform and what to do.

    `host`: the Engine's address, when it is not DOCKER_HOST's (or the current context's)."""
    detail = repr(exc) if exc else ""
    chosen = "DOCKER_HOST"
    if host is None:
        chosen, host = endpoint()
    missing_context = "(not found" in chosen
    if chosen == "DOCKER_HOST" and host:
        what = f"Could not reach a Docker Engine at DOCKER_HOST={host}."
    elif chosen.startswith("context ") and chosen != "context default" and not missing_context:
        what = f"Could not reach a Docker Engine at {host} (the docker CLI's {chosen})."
    elif missing_context:
        what = (
            f"Could not reach a Docker Engine: the docker CLI's {chosen.split(' (')[0]} is missing."
        )
    else:
        what = "Could not reach a Docker Engine."
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
            "add yourself to the docker group (`sudo usermod -aG docker $USER`), then log out "
            "and in again."
        )
    elif missing_context:
        why = "DOCKER_CONTEXT, or `docker context use`, names a context this machine does not have."
        todo = (
            "list them with `docker context ls`, then `docker context use NAME` "
            "(or unset DOCKER_CONTEXT)."
        )
    elif chosen.startswith("context ") and chosen != "context default":
        why = f"the docker CLI's {chosen} points there, and nothing answers."
        todo = (
            "start the Engine that context belongs to (Docker Desktop, Colima, ...), or pick "
            "another: `docker context ls`, then `docker context use NAME`."
        )
    elif host and not host.startswith("unix://"):
        why = "nothing answers at that address, or a firewall stands in between."
        todo = "check the address, or unset DOCKER_HOST to use the local Engine."
    elif on_wsl():
        why, todo = _wsl_advice()
    elif system == "Darwin" or system == "Windows":
        why = "Docker Desktop is not running (or is still starting its Linux VM)."
        todo = "start Docker Desktop, wait until it says 'Engine running', then try again."
    else:
        why = "the Docker daemon is not running, or is not installed."
        todo = (
            "start it (`sudo systemctl start docker`; on a bare Debian/Ubuntu machine: "
            "`sudo scripts/provision-engine`), then try again."
        )
    return DockerUnavailable(what, why, todo)


def _wsl_advice() -> tuple[str, str]:
    """(why, what to do) in WSL: Docker Desktop runs the Engine on Windows, and this distribution
    reaches it, and gets a `docker` command, only once Desktop's WSL integration is on for it."""
    distro = wsl_distribution()
    integration = (
        f"in Docker Desktop > Settings > Resources > WSL integration, turn it on for {distro}, "
        "Apply & restart, then open a new WSL terminal: `docker info` must answer."
    )
    if shutil.which("docker") is None:
        why = (
            f"this is WSL, and `docker` is missing in {distro}: Docker Desktop's WSL "
            "integration is off for it (or Docker Desktop is not installed on Windows)."
        )
        return why, f"start Docker Desktop on Windows; {integration}"
    why = (
        f"this is WSL: Docker Desktop is not running on Windows, or its WSL integration is off "
        f"for {distro}."
    )
    todo = f"start Docker Desktop and wait for 'Engine running'; if it runs, {integration}"
    return why, todo


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

    forced = modes.forced_replay_error()
    if forced is not None:
        raise forced
    if _client is not None and not refresh:
        return _client
    import docker
    from docker.constants import MINIMUM_DOCKER_API_VERSION as MINIMUM_API

    chosen, _host = endpoint()
    if "(not found" in chosen:  # the docker CLI refuses it too: never guess another Engine
        raise unavailable_message(None)
    try:
        # The handshake, as the SDK's version="auto" makes it (`GET /version`, the Engine's API
        # version), but kept: it is `docker version`'s answer (`server_version`), and an Engine
        # that does not answer fails here, so no ping is needed either.
        asking = docker.from_env(timeout=CONNECT_TIMEOUT_S, version=MINIMUM_API)  # asks nothing
        _local_socket_without_proxies(asking.api)
        try:
            answer = asking.api.version(api_version=False)
        finally:
            asking.close()
        candidate = docker.from_env(timeout=CONNECT_TIMEOUT_S, version=answer["ApiVersion"])
    except Exception as exc:  # the SDK raises several types for one cause: no Engine
        raise unavailable_message(exc) from exc
    _read_hijacked_output_whole(candidate.api)
    _local_socket_without_proxies(candidate.api)
    _client = candidate
    _version_answer[:] = [candidate, answer]
    return _client


def _local_socket_without_proxies(api) -> None:
    """No proxy or .netrc for a socket of this machine (unix, npipe, ssh: `http+docker://`).

    requests looks both up in the environment for every request it sends (`trust_env`): about
    half a millisecond of each of the hundred-odd requests a notebook makes, to find settings
    that a local socket never uses. The docker CLI uses none there either. An Engine reached
    over TCP keeps them: a proxy may stand in between, for the CLI as for the lab."""
    if str(getattr(api, "base_url", "")).startswith("http+docker://"):
        api.trust_env = False


class _BufferedSocket:
    """A hijacked connection's socket, read through the HTTP response's buffer first."""

    def __init__(self, buffered, raw) -> None:
        self._buffered, self._raw = buffered, raw

    def fileno(self) -> int:
        return self._raw.fileno()

    def recv(self, size: int) -> bytes:
        return self._buffered.read1(size)  # what is buffered first, then the socket

    def __getattr__(self, name: str):
        return getattr(self._raw, name)


def _read_hijacked_output_whole(api) -> None:
    """Make `exec_run` (and attach) return all the output, every time.

    docker-py reads a hijacked stream from the raw socket, behind the back of the buffered reader
    that parsed the HTTP response; output that arrived with the response headers sits in that
    buffer and is lost, so now and then `exec_run` returns b'' with exit code 0 (docker-py
    issues #2042, #3332; about 2 in 100 short execs on a busy machine). Reading through the
    buffer first loses nothing. Only the plain socket transports are changed (unix, tcp).
    """
    original = api._get_raw_response_socket

    def raw_response_socket(response):
        sock = original(response)
        buffered = getattr(getattr(response.raw, "_fp", None), "fp", None)
        if getattr(buffered, "raw", None) is sock and hasattr(buffered, "read1"):
            return _BufferedSocket(buffered, sock)
        return sock

    api._get_raw_response_socket = raw_response_socket


def sdk_version() -> str:
    """The Docker SDK for Python's version."""
    import docker

    return docker.__version__


def why_unavailable() -> DockerUnavailable | None:
    """None when an Engine answers; else the lab's message saying why none does."""
    try:
        client()
    except DockerUnavailable as exc:
        return exc
    return None


_version_answer: list = []  # [client, its `GET /version` answer]: asked once per connection


def server_version(seen: str = "") -> dict:
    """The Engine's `docker version` (server side: `GET /version`), asked once per connection and
    again when SEEN, the version a fresh `docker info` names, is not the one it said: the answer
    changes only when the Engine is replaced (an upgrade), which ends the connection or shows in
    `docker info`. (The doctor, notebook 00's data root and its exercise each read the facts.)"""
    engine = client()
    if _version_answer and _version_answer[0] is engine:
        answer = _version_answer[1]
        if not seen or answer.get("Version") == seen:
            return answer
    answer = engine.version()
    _version_answer[:] = [engine, answer]
    return answer


def server_summary() -> str:
    """ "Docker Engine 28.5.2 (linux/amd64)": which Engine answers (not a recorded step)."""
    facts = server_version()
    where = f"{facts.get('Os', '?')}/{facts.get('Arch', '?')}"
    return f"Docker Engine {facts.get('Version', '?')} ({where})"


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
        said = engine_said(exc)
        return EngineError(
            f"The Engine refused to {action}.",
            f"it said: {said}",
            "read the Engine's reason above; `python -m labhelpers doctor` checks the set-up.",
            engine_said=said,
        )
    return EngineError(
        f"Could not {action}.",
        f"{type(exc).__name__}: {exc}",
        "run `python -m labhelpers doctor` to check the set-up.",
    )


def engine_said(exc: BaseException) -> str:
    """The Engine's own words in an SDK error (its `explanation`, bytes or text), else the error."""
    said = getattr(exc, "explanation", "") or str(exc)
    return said.decode(errors="replace") if isinstance(said, bytes) else str(said)


def is_sdk_error(exc: BaseException) -> bool:
    """True for the exceptions the Docker SDK (and requests beneath it) raise."""
    if "docker" not in sys.modules:
        return False
    import docker
    import requests

    return isinstance(
        exc, (docker.errors.DockerException, requests.exceptions.RequestException, ConnectionError)
    )


def mode() -> str:
    """ "live" or "replay": LABHELPERS_MODE, or in auto mode (the default) live when an Engine
    answers, decided once per process and told to the replay layer."""
    chosen = modes.setting()
    if chosen != "auto":
        return chosen
    if not modes.decided():
        try:
            client()
            modes.decide("live")
        except DockerUnavailable as exc:
            modes.decide("replay", exc)
    return modes.mode()


def replaying() -> bool:
    """True when helpers answer from recordings (see `mode`)."""
    return mode() == "replay"


_engine_ids: dict[str, str] = {}


def engine_id() -> str:
    """The Engine's ID (`docker info`), asked once per address: the course's names are chosen
    per Engine."""
    key = "|".join(endpoint())
    if key not in _engine_ids:
        _engine_ids[key] = client().info().get("ID", "") or "unknown"
    return _engine_ids[key]
