"""The guards every container the lab makes must pass, checked when it is made (for every caller:
a notebook, a widget, an exercise helper) and again, after the fact, by CI's safety audit.

No privileged container; no Docker socket of any kind mounted (the Engine's, rootless Docker's,
Docker Desktop's, a `.raw` one, a test Engine's, and any path that is a socket); no host system
folder (/etc, /root, /var/lib/docker, /proc, /sys, ...) nor the home folder itself mounted
read-write; no port published beyond 127.0.0.1. Each refusal is a three-line `BadInput`.
"""

from __future__ import annotations

import os
import stat

from ..core.errors import BadInput

__all__ = ["SOCKET_PATHS", "SYSTEM_FOLDERS", "check_bind", "check_container", "socket_paths"]

SOCKET_PATHS = (
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/docker.sock.raw",
    "/run/docker.sock.raw",
    "/var/run/docker",
    "/run/docker",
    "/run/lab-engines",
    "/run/containerd",
    "/var/run/containerd",
)
SYSTEM_FOLDERS = (
    "/etc", "/root", "/var/lib/docker", "/var/lib/containerd", "/proc", "/sys", "/dev", "/boot",
    "/usr", "/bin", "/sbin", "/lib",
)  # fmt: skip


def socket_paths() -> tuple[str, ...]:
    """The Docker sockets this machine may have: the fixed ones, rootless Docker's, Docker
    Desktop's, Colima's and OrbStack's."""
    home = os.path.expanduser("~")
    uid = getattr(os, "getuid", lambda: 0)()
    runtime = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{uid}"
    return (
        *SOCKET_PATHS,
        f"{runtime}/docker.sock",
        f"{home}/.docker/run/docker.sock",
        f"{home}/.docker/desktop/docker.sock",
        f"{home}/.colima/default/docker.sock",
        f"{home}/.orbstack/run/docker.sock",
    )


def _is_socket(path: str) -> bool:
    try:
        return stat.S_ISSOCK(os.stat(path).st_mode)
    except OSError:
        return False


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def check_bind(source: str, read_only: bool) -> None:
    """Refuse a host path no container of the lab's may mount (see the module's docstring).

    Raises:
        BadInput: SOURCE is (or holds) a Docker socket, or is `/`, the home folder itself or a
            system folder and READ_ONLY is not set.
    """
    real = os.path.realpath(source)
    if any(_inside(p, s) for s in socket_paths() for p in (source, real)) or _is_socket(real):
        raise BadInput(
            f"Not mounting {source} into a container.",
            "it is (or holds) a Docker socket: whoever reaches it controls the Engine, and with "
            "it the machine.",
            "mount a folder of the course instead (under the notebooks' folder).",
        )
    home = os.path.realpath(os.path.expanduser("~"))
    system = next((f for f in SYSTEM_FOLDERS if _inside(real, f)), "")
    if real == "/" or (not read_only and (real == home or system)):
        where = "the home folder itself" if real == home else f"the system folder {system or '/'}"
        raise BadInput(
            f"Not mounting {source} {'read-write ' if real != '/' else ''}into a container.",
            f"it is {where}: a container could change or delete what the machine needs.",
            "mount a folder of the course instead (a system file only read-only, with :ro).",
        )


def check_container(privileged: bool, binds: list[tuple[str, bool]], ports: list[str]) -> None:
    """Refuse a container the lab must never make (see the module's docstring). BINDS: (host
    path, read-only) of each bind mount; PORTS: each `-p` value.

    Raises:
        BadInput: what was refused, why, and what to do.
    """
    if privileged:
        raise BadInput(
            "The lab does not start privileged containers.",
            "a privileged container can do anything to the machine that runs the Engine.",
            "leave out --privileged; nothing in the course needs it.",
        )
    for source, read_only in binds:
        check_bind(source, read_only)
    for port in ports:
        if not port.startswith("127.0.0.1:"):
            raise BadInput(
                f"Not publishing port {port} on every address.",
                "a published port is reachable from the network; the course needs none.",
                "publish on 127.0.0.1 only (-p 127.0.0.1:8080:80).",
            )
