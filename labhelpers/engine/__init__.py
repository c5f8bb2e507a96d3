"""The Engine layer: the only package that imports the Docker SDK and calls its client.

    connection   the client, the mode (live or replay), SDK errors as the lab's short messages
    dockercli    a `docker ...` command carried out through the SDK, from its own argv
    guards       what no container of the lab's may be (privileged, a Docker socket, ...)
    step         @engine_step: validation, replay, course names, plugins, error translation
    names        the course's names on this Engine (the lecture's, or `lab-...`)
    ownership    who owns a name: the lab (its mark, this account) or someone else (refused)
    mounts       -v / --mount / --tmpfs as plain data (MountSpec)
    containers   run, exec, copy out, stop/start/remove, sizes, diff, storage layout
    machine      the Engine's machine: where its files are, what a container's layers hold
    images       base image, image facts, history, saved config
    builds       `docker build` as the learner's CLI builds (BuildKit or classic), with progress
    volumes      create, inspect, list, remove, prune
    system       the Engine's facts, `docker system df`, the lab's resources, cleanup

Every helper builds the `docker ...` command it stands for as a value (`labhelpers.core.commands`),
shows it and carries out that very command; each returns plain frozen dataclasses, never SDK
objects. Lessons compose these; views and widgets never import this package.
"""

from .builds import Builder, ask_cli_early, build_image, builder_in_use
from .connection import engine_available, mode
from .containers import (
    LESSON_IMAGE,
    STOP_TIMEOUT_S,
    check_size_mib,
    container_logs,
    container_sizes,
    copy_file_from,
    copy_to_host,
    create_container,
    diff,
    exec_in,
    find_container,
    free_bytes,
    lab_container,
    list_containers,
    remove_container,
    remove_created_container,
    restart_container,
    run_container,
    run_once,
    start_container,
    stop_container,
    storage_layout,
    wait_until_gone,
    write_data,
)
from .images import (
    OFFLINE_BASE_IMAGE,
    choose_base_image,
    find_image,
    image_history,
    image_info,
    image_sizes,
    saved_config_history,
)
from .machine import engine_locality, layer_files, root_mount, run_host
from .mounts import MountSpec, anonymous_volume, bind_mount, tmpfs_mount, volume_mount
from .ownership import name_plan, use_lecture_names
from .step import engine_step
from .system import (
    EVERYONE,
    MINE,
    SESSION,
    cleanup,
    disk_usage,
    engine_facts,
    image_store,
    lab_resources,
    list_images,
    list_networks,
    plugins,
)
from .volumes import (
    create_volume,
    find_volume,
    inspect_volume,
    list_dangling_volumes,
    list_volumes,
    prune_volumes,
    remove_volume,
    try_remove_volume,
)

__all__ = [
    "EVERYONE",
    "LESSON_IMAGE",
    "MINE",
    "OFFLINE_BASE_IMAGE",
    "SESSION",
    "STOP_TIMEOUT_S",
    "Builder",
    "MountSpec",
    "anonymous_volume",
    "ask_cli_early",
    "bind_mount",
    "build_image",
    "builder_in_use",
    "check_size_mib",
    "choose_base_image",
    "cleanup",
    "container_logs",
    "container_sizes",
    "copy_file_from",
    "copy_to_host",
    "create_container",
    "create_volume",
    "diff",
    "disk_usage",
    "engine_available",
    "engine_facts",
    "engine_locality",
    "engine_step",
    "exec_in",
    "find_container",
    "find_image",
    "find_volume",
    "free_bytes",
    "image_history",
    "image_info",
    "image_sizes",
    "image_store",
    "inspect_volume",
    "lab_container",
    "lab_resources",
    "layer_files",
    "list_containers",
    "list_dangling_volumes",
    "list_images",
    "list_networks",
    "list_volumes",
    "mode",
    "name_plan",
    "plugins",
    "prune_volumes",
    "remove_container",
    "remove_created_container",
    "remove_volume",
    "restart_container",
    "root_mount",
    "run_container",
    "run_host",
    "run_once",
    "saved_config_history",
    "start_container",
    "stop_container",
    "storage_layout",
    "tmpfs_mount",
    "try_remove_volume",
    "use_lecture_names",
    "volume_mount",
    "wait_until_gone",
    "write_data",
]
