"""The exceptions a learner can meet, all under one root.

    LabError                 the root: every message says what failed, the likely cause, what to do
    ├── DockerUnavailable    no Docker Engine answers (stopped daemon, socket access, Binder)
    ├── NameClash            a resource with the lab's name exists but belongs to the learner
    ├── BadInput             an argument the lab cannot use (size, path, mount type, ...)
    ├── NotEnoughSpace       the Engine's disk cannot hold what was asked for
    ├── BuildFailed          `docker build` failed; carries the failing step and the log tail
    ├── CommandFailed        a command inside a container exited non-zero; carries its output
    ├── EngineError          the Engine refused a request for another reason
    └── NotRecorded          replay mode has no recording of this call
        └── StaleRecording   a recording made by older code (fields differ): re-record

In a notebook these print as their three-line message, without a traceback.
"""

from __future__ import annotations

__all__ = [
    "BadInput",
    "BuildFailed",
    "CommandFailed",
    "DockerUnavailable",
    "EngineError",
    "LabError",
    "NameClash",
    "NotEnoughSpace",
    "NotRecorded",
    "StaleRecording",
]


class LabError(Exception):
    """Root of the lab's exceptions.

    Args:
        what: what failed, one sentence.
        why: the likely cause on this platform.
        todo: what to do about it.
    """

    def __init__(self, what: str, why: str = "", todo: str = "") -> None:
        self.what, self.why, self.todo = what, why, todo
        super().__init__(self.message)

    @property
    def message(self) -> str:
        lines = [self.what]
        if self.why:
            lines.append(f"Why: {self.why}")
        if self.todo:
            lines.append(f"What to do: {self.todo}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message


class DockerUnavailable(LabError):
    """No Docker Engine answers."""


class NameClash(LabError):
    """A resource with a name the lab wants exists without the lab's labels: it is the learner's.

    Attributes:
        kind: "container", "volume", "image" or "network".
        name: the clashing name.
    """

    def __init__(self, kind: str, name: str, why: str, todo: str) -> None:
        self.kind, self.name = kind, name
        super().__init__(
            f"The lab wants to create the {kind} '{name}', but one already exists that the lab "
            "did not create.",
            why,
            todo,
        )


class BadInput(LabError):
    """An argument the lab cannot use."""


class NotEnoughSpace(LabError):
    """The Engine's disk cannot hold the data asked for.

    Attributes:
        wanted_bytes, free_bytes: what was asked for and what the Engine's disk has free.
    """

    def __init__(self, what: str, why: str, todo: str, wanted_bytes: int, free_bytes: int) -> None:
        self.wanted_bytes, self.free_bytes = wanted_bytes, free_bytes
        super().__init__(what, why, todo)


class BuildFailed(LabError):
    """`docker build` failed.

    Attributes:
        step: the failing step as the builder printed it ("Step 3/5 : RUN pip install flask").
        build_log: every line the builder printed.
    """

    def __init__(self, what: str, why: str, todo: str, step: str, build_log: list[str]) -> None:
        self.step, self.build_log = step, list(build_log)
        super().__init__(what, why, todo)


class CommandFailed(LabError):
    """A command run inside a container exited non-zero.

    Attributes:
        exit_code, output: the command's exit status and combined output.
    """

    def __init__(self, what: str, why: str, todo: str, exit_code: int, output: str) -> None:
        self.exit_code, self.output = exit_code, output
        super().__init__(what, why, todo)


class EngineError(LabError):
    """The Engine refused a request for a reason not covered above.

    Attributes:
        engine_said: the Engine's own reason, as it sent it ("" when it gave none).
    """

    def __init__(self, what: str, why: str = "", todo: str = "", engine_said: str = "") -> None:
        self.engine_said = engine_said
        super().__init__(what, why, todo)


class NotRecorded(LabError):
    """Replay mode was asked for a call that no recording holds."""


class StaleRecording(NotRecorded):
    """A recording holds a result the current code cannot rebuild (a field added or renamed)."""
