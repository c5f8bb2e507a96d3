"""Mounts as a learner asks for them (`-v`, `--mount`, `--tmpfs`), and as the SDK wants them.

`MountSpec` is plain data a notebook can build (`lh.volume_mount("my-vol", "/data")`); only this
module turns it into the SDK's types.
"""

from __future__ import annotations

import os

from ..core.inputs import check_bind_source, check_mount_target, check_name
from ..core.labels import lab_labels
from ..core.results import result
from .guards import check_bind

__all__ = [
    "MountSpec",
    "anonymous_volume",
    "bind_mount",
    "tmpfs_mount",
    "volume_mount",
]


@result
class MountSpec:
    """A mount asked for: `kind` is "volume", "bind" or "tmpfs".

    A volume with an empty `source` is an anonymous volume (`docker run -v /target`).
    `no_copy`: a volume mounted with `volume-nocopy` (no pre-population from the image).
    `long_form`: a bind mount written as `--mount type=bind,...`, which refuses a missing host
    path, where `-v` (the default, as the lecture writes it) makes the Engine create it.
    `volume_labels`: extra labels for an anonymous volume the Engine creates for this mount.
    """

    kind: str
    source: str
    target: str
    read_only: bool = False
    no_copy: bool = False
    long_form: bool = False
    volume_labels: tuple = ()  # ((key, value), ...) beyond the lab's own

    def cli_args(self) -> list[str]:
        """The `docker run` option(s) for this mount, as the CLI reads them (the Engine layer
        makes its request from these very words: `labhelpers.engine.dockercli`)."""
        ro = ":ro" if self.read_only else ""
        if self.kind == "tmpfs":
            return ["--tmpfs", self.target]
        if self.kind == "volume" and (not self.source or self.volume_labels or self.no_copy):
            # What `-v TARGET` does, plus the lab's marks on the new volume (the Engine labels an
            # anonymous volume only when asked this way).
            parts = ["type=volume"]
            if self.source:
                parts.append(f"src={self.source}")
            parts.append(f"dst={self.target}")
            if self.read_only:
                parts.append("readonly")
            if self.no_copy:
                parts.append("volume-nocopy")
            if not self.source:
                labels = {**lab_labels("volume", ""), **dict(self.volume_labels)}
                parts += [f"volume-label={k}={v}" for k, v in labels.items()]
            return ["--mount", ",".join(parts)]
        if self.kind == "bind" and self.long_form:
            readonly = ",readonly" if self.read_only else ""
            return ["--mount", f"type=bind,src={self.source},dst={self.target}{readonly}"]
        return ["-v", f"{self.source}:{self.target}{ro}"]


def volume_mount(volume: str, target: str, read_only: bool = False) -> MountSpec:
    """`-v VOLUME:TARGET`: a named volume (created, labelled, if it does not exist yet).

    Raises:
        BadInput: a name Docker refuses for a volume, or TARGET not an absolute path below /.
    """
    check_name(volume, "volume", creating=False)  # an anonymous volume may be named by its id
    check_mount_target(target)
    return MountSpec("volume", volume, target, read_only)


def anonymous_volume(target: str) -> MountSpec:
    """`-v TARGET`: an anonymous volume (the lab labels it, so cleanup finds it)."""
    check_mount_target(target)
    return MountSpec("volume", "", target)


def bind_mount(host_path: str | os.PathLike, target: str, read_only: bool = False) -> MountSpec:
    """`-v /host/path:TARGET`: a host directory or file.

    A relative HOST_PATH is taken from the current folder (the notebook's), as `-v ./data:...`
    does.

    Raises:
        BadInput: the host path does not exist (Docker would silently create a root-owned
            directory there; the lab refuses instead), it is a Docker socket, `/`, the home
            folder itself or a system folder mounted read-write (`labhelpers.engine.guards`), or
            TARGET is not an absolute path below /.
    """
    if isinstance(host_path, (str, os.PathLike)) and os.fspath(host_path):
        check_bind(os.path.abspath(os.fspath(host_path)), read_only)  # a socket: before all
    check_bind_source(host_path)  # before abspath: it names what the learner passed
    check_mount_target(target)
    source = os.path.abspath(os.fspath(host_path))
    return MountSpec("bind", source, target, read_only)


def tmpfs_mount(target: str) -> MountSpec:
    """`--tmpfs TARGET`: memory-backed, gone when the container stops."""
    check_mount_target(target)
    return MountSpec("tmpfs", "", target)
