"""What stop, start, restart and remove do to a container's data (notebook 03), measured.

The lecture says a *stopped* container loses the data in its writable layer, so after each step
(see the lesson's `__init__`) the data is looked for, and the writable layer and the Engine's
totals are measured (an `Experiment` keeps the steps in order).
"""

from __future__ import annotations

import dataclasses
import time

from ...core.errors import BadInput
from ...engine import (
    LESSON_IMAGE,
    STOP_TIMEOUT_S,
    container_sizes,
    copy_file_from,
    disk_usage,
    engine_step,
    exec_in,
    find_container,
    image_store,
    layer_files,
    list_containers,
    remove_container,
    restart_container,
    run_container,
    start_container,
    stop_container,
    tmpfs_mount,
    wait_until_gone,
    write_data,
)
from .results import (
    CONTAINER,
    DELTA_MIB,
    DELTA_PATH,
    NOTE,
    NOTE_PATH,
    TMPFS_AT,
    TMPFS_NOTE,
    TMPFS_NOTE_PATH,
    Observation,
    RemovedOnStop,
    StopRun,
    StopTiming,
    Timeline,
    timeline,
)

__all__ = [
    "ACTIONS",
    "Experiment",
    "lifecycle_step",
    "observe",
    "removed_on_stop",
    "stop_timing",
]

ACTIONS = ("run", "write", "stop", "start", "restart", "remove", "recreate")
_MISSING = "missing"
_NAMES = {"name": "container", "image": "image"}


def _read_running(name: str) -> tuple[int, str, str]:
    script = (
        f"stat -c %s {DELTA_PATH} 2>/dev/null || echo {_MISSING}; "
        f"cat {NOTE_PATH} 2>/dev/null || echo {_MISSING}; "
        f"cat {TMPFS_NOTE_PATH} 2>/dev/null || echo {_MISSING}"
    )
    size, note, tmpfs_note = (exec_in(name, script).output.splitlines() + [_MISSING] * 3)[:3]
    return (
        -1 if size == _MISSING else int(size),
        "" if note == _MISSING else note,
        "" if tmpfs_note == _MISSING else tmpfs_note,
    )


def _read_stopped(name: str) -> tuple[int, str, str]:
    delta = copy_file_from(name, DELTA_PATH, listing=True)  # 10 MiB of zeros: sized, not printed
    note = copy_file_from(name, NOTE_PATH)
    return -1 if delta is None else delta.size_bytes, "" if note is None else note.text.strip(), ""


@engine_step("look at the container's data", names={"name": "container"})
def observe(
    name: str = CONTAINER, step: str = "look", command: str = "", init_layer_bytes: int = -1
) -> Observation:
    """Measure NAME's writable layer (`docker ps -s`) and the Engine's totals (`docker system
    df`), then look for the experiment's files (with `docker exec` when it runs, `docker cp`
    when it is stopped).

    Raises:
        BadInput: NAME is the learner's container.
    """
    container = find_container(name)
    usage = disk_usage()
    store = image_store()
    totals = (usage.layers_bytes, usage.containers_bytes, usage.total_bytes, store)
    if container is None:
        return Observation(
            name, step, command, "removed", -1, "", False, "", -1, *totals, init_layer_bytes
        )
    if not container.lab_owned:
        raise BadInput(
            f"The container '{name}' is not the lab's.",
            "it has no lab labels, so it is yours and the lab leaves it alone.",
            "use another name for the experiment.",
        )
    layer = container_sizes([name])[0].writable_layer_bytes  # before reading: what the step left
    running = container.status == "running"
    delta, note, tmpfs_note = _read_running(name) if running else _read_stopped(name)
    seen = (container.status, delta, note, running, tmpfs_note, layer)
    return Observation(name, step, command, *seen, *totals, init_layer_bytes)


def _check_action(action: str, *_: object, **__: object) -> None:
    if action not in ACTIONS:
        raise BadInput(
            f"Unknown step '{action}'.",
            f"the steps are {', '.join(ACTIONS)}.",
            "pick one of them.",
        )


_VERBS = {"stop": stop_container, "start": start_container, "restart": restart_container}


@engine_step("carry out the step", validate=_check_action, names=_NAMES)
def lifecycle_step(action: str, name: str = CONTAINER, image: str = LESSON_IMAGE) -> Observation:
    """Do one step to NAME, then `observe` it. Steps: run / recreate (`docker run -d --init
    --tmpfs /scratch ...`, replacing an earlier container of that name), write (10 MiB to
    /app/delta.bin, a note to /app/note.txt and one to the tmpfs), stop, start, restart, remove
    (`docker rm -f`).

    Raises:
        BadInput: an unknown step, or one the container's state does not allow.
    """
    init_layer = -1
    if action in ("run", "recreate"):
        command = run_container(name, image, [tmpfs_mount(TMPFS_AT)]).command
        if image_store() == "containerd":  # its docker system df counts this layer
            init_layer = layer_files(name, "init").blocks_bytes
    elif action == "write":
        write_data(name, DELTA_MIB, DELTA_PATH)
        # double quotes inside: the printed `sh -c '...'` copies into a terminal as it is
        exec_in(name, f'echo "{NOTE}" > {NOTE_PATH}')
        exec_in(name, f'echo "{TMPFS_NOTE}" > {TMPFS_NOTE_PATH}')
        command = f"write {DELTA_MIB} MiB + 2 notes"
    elif action == "remove":
        command = remove_container(name)
    else:
        try:
            command = _VERBS[action](name).command
        except BadInput as exc:  # asked only now: removed, or not the lab's?
            if find_container(name) is not None:
                raise
            raise BadInput(
                f"Cannot {action} '{name}': it was removed.",
                "a removed container is gone, writable layer and all.",
                "press recreate to run a new container of that name.",
            ) from exc
    return observe(name, action, command, init_layer)


class Experiment:
    """One container (`my-cont-life`) taken through the steps, each measured; the steps so far,
    in order, are its timeline ("run" starts a new one). The notebook keeps it in a variable and
    hands it to the widget, whose steps join the same timeline."""

    def __init__(self, name: str = CONTAINER, image: str = LESSON_IMAGE) -> None:
        self.name, self.image = name, image
        self._steps: list[Observation] = []

    def step(self, action: str) -> Observation:
        """Do one step (see `lifecycle_step`) and add it to the timeline; the Observation says
        how the Engine's total changed since the step before."""
        seen = lifecycle_step(action, self.name, self.image)
        if action == "run":
            self._steps.clear()
        before = self._steps[-1] if self._steps else seen
        init = seen.init_layer_bytes if action in ("run", "recreate") else before.init_layer_bytes
        seen = dataclasses.replace(
            seen,
            total_change_bytes=seen.total_bytes - before.total_bytes,
            init_layer_bytes=init,  # measured when this container started, carried along
        )
        self._steps.append(seen)
        return seen

    def timeline(self) -> Timeline:
        """The steps so far (a table) and the lecture's questions they answer (`.verdict()`)."""
        return timeline(tuple(self._steps))

    def __repr__(self) -> str:
        return f"<experiment: {len(self._steps)} steps; .timeline() shows them>"


@engine_step("time docker stop with and without an init process", names={"image": "image"})
def stop_timing(image: str = LESSON_IMAGE) -> StopTiming:
    """Run the image's own app twice, with and without `--init`, and time `docker stop` of each
    (the containers are removed afterwards). Takes about STOP_TIMEOUT_S seconds."""
    runs = []
    for name, init in (("my-stop-init", True), ("my-stop-no-init", False)):
        name = run_container(name, image, init=init).name
        pid1 = exec_in(name, 'tr "\\0" " " < /proc/1/cmdline').output.strip()
        started = time.perf_counter()
        stop_container(name)
        seconds = time.perf_counter() - started
        stopped = find_container(name)
        exit_code = stopped.exit_code if stopped else -1
        runs.append(StopRun(name, init, pid1, seconds, exit_code, STOP_TIMEOUT_S))
        remove_container(name)
    return StopTiming(tuple(runs))


@engine_step("show what --rm does on stop", names=_NAMES)
def removed_on_stop(name: str = "my-cont-rm", image: str = LESSON_IMAGE) -> RemovedOnStop:
    """`docker run -d --rm --init ...`, write 1 MiB, `docker stop`: the Engine removes the
    container as soon as it exits, and its writable layer with it (`docker ps -a` shows it)."""
    shown = run_container(name, image, auto_remove=True).command
    written = write_data(name, 1, "/app/data.bin").size_bytes
    stop_container(name)
    wait_until_gone(name)
    there = any(c.name == name for c in list_containers(name_prefix=name, echo=True))
    return RemovedOnStop(name, written, there, shown)
