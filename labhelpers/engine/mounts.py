"""Mounts as a learner asks for them (`-v`, `--mount`, `--tmpfs`), and as the SDK wants them.

`MountSpec` is plain data a notebook can build (`lh.volume_mount("my-vol", "/data")`); only this
module turns it into the SDK's types.
"""

from __future__ import annotations

import os

from ..core.errors import BadInput
from ..core.inputs import check_bind_source, check_mount_target, check_name
from ..core.labels import MANAGED, lab_labels
from ..core.results import result

__all__ = [
    "ANON_VOLUME_LABEL",
    "MountSpec",
    "anonymous_volume",
    "bind_mount",
    "sdk_mounts",
    "tmpfs_mount",
    "volume_mount",
]

ANON_VOLUME_LABEL = f"volume-label={MANAGED}=true"


@result
class MountSpec:
    """A mount asked for: `kind` is "volume", "bind" or "tmpfs".

    A volume with an empty `source` is an anonymous volume (`docker run -v /target`).
    `no_copy`: a volume mounted with `volume-nocopy` (no pre-population from the image).
    `create_host_path`: a bind mount asked for with `-v`, which makes the Engine create a
    missing host path (as root) instead of refusing like `--mount` does.
    `volume_labels`: extra labels for an anonymous volume the Engine creates for this mount.
    """

    kind: str
    source: str
    target: str
    read_only: bool = False
    no_copy: bool = False
    create_host_path: bool = False
    volume_labels: tuple = ()  # ((key, value), ...) beyond the lab's own

    def cli_args(self) -> list[str]:
        from .names import real  # names reaches the Engine; this module is plain data

        ro = ":ro" if self.read_only else ""
        source = real(self.source, "volume") if self.kind == "volume" else self.source
        if self.kind == "tmpfs":
            return ["--tmpfs", self.target]
        if self.kind == "volume" and (not self.source or self.volume_labels or self.no_copy):
            # What `-v TARGET` does, plus the lab's label on the new volume (the Engine labels
            # an anonymous volume only when asked this way).
            parts = ["type=volume"]
            if source:
                parts.append(f"src={source}")
            parts.append(f"dst={self.target}")
            if self.read_only:
                parts.append("readonly")
            if self.no_copy:
                parts.append("volume-nocopy")
            if not source:
                parts.append(ANON_VOLUME_LABEL)
                parts += [f"volume-label={k}={v}" for k, v in self.volume_labels]
            return ["--mount", ",".join(parts)]
        return ["-v", f"{source}:{self.target}{ro}"]


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
            directory there; the lab refuses instead), it is the host's root `/`, or TARGET is
            not an absolute path below /.
    """
    check_bind_source(host_path)  # before abspath: it names what the learner passed
    check_mount_target(target)
    return MountSpec("bind", os.path.abspath(os.fspath(host_path)), target, read_only)


def tmpfs_mount(target: str) -> MountSpec:
    """`--tmpfs TARGET`: memory-backed, gone when the container stops."""
    check_mount_target(target)
    return MountSpec("tmpfs", "", target)


def sdk_mounts(specs: tuple | list) -> tuple[list, dict]:
    """The SDK's `mounts=` list and `volumes=` dict (for `-v` binds that may create their path)."""
    import docker

    from .names import real

    mounts, volumes = [], {}
    for spec in specs:
        if spec.kind == "tmpfs":
            mounts.append(docker.types.Mount(spec.target, None, type="tmpfs"))
        elif spec.kind == "volume":
            labels = {**lab_labels(), **dict(spec.volume_labels)}
            mounts.append(
                docker.types.Mount(
                    spec.target,
                    real(spec.source, "volume") or None,
                    type="volume",
                    read_only=spec.read_only,
                    no_copy=spec.no_copy,
                    labels=labels,
                )
            )
        elif spec.kind == "bind" and spec.create_host_path:
            volumes[spec.source] = {"bind": spec.target, "mode": "ro" if spec.read_only else "rw"}
        elif spec.kind == "bind":
            mounts.append(
                docker.types.Mount(spec.target, spec.source, type="bind", read_only=spec.read_only)
            )
        else:
            raise BadInput(
                f"Unknown mount type '{spec.kind}'.",
                "the lab knows volume, bind and tmpfs.",
                "use volume_mount(), bind_mount() or tmpfs_mount().",
            )
    return mounts, volumes
