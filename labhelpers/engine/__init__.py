"""The Engine layer: the only package that imports the Docker SDK and calls its client.

    connection   the client, and SDK errors translated into the lab's short messages
    step         @engine_step: validation, replay, recording and error translation
    ownership    who owns a name: the lab (labelled) or the learner (refused, never touched)
    mounts       -v / --mount / --tmpfs as plain data (MountSpec)
    containers   run, exec, copy out, stop/start/remove, sizes, diff, storage layout
    images       base image, image facts, history, saved config
    builds       `docker build` as the learner's CLI builds (BuildKit or classic), with progress
    volumes      create, inspect, list, remove, prune
    system       the Engine's facts, `docker system df`, every resource by kind, cleanup

Everything here returns plain frozen dataclasses (never SDK objects) and prints the `docker ...`
command it stands for. Lessons compose these; views and widgets never import this package.
"""

from .builds import Builder, build_image, builder_in_use
from .connection import engine_available, engine_is_local, unavailable_message
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
    layer_files,
    list_containers,
    read_file,
    remove_container,
    remove_created_container,
    restart_container,
    root_mount,
    run_container,
    run_once,
    start_container,
    stop_container,
    storage_layout,
    wait_until_gone,
    write_data,
)
from .images import (
    OFFICIAL_BASE_IMAGE,
    OFFLINE_BASE_IMAGE,
    builder_version,
    choose_base_image,
    ensure_lesson_image,
    find_image,
    image_history,
    image_info,
    image_sizes,
    remove_image,
    saved_config_history,
)
from .mounts import MountSpec, anonymous_volume, bind_mount, tmpfs_mount, volume_mount
from .names import plan as name_plan
from .names import real, use_lecture_names
from .ownership import claim_container_name, claim_volume_name
from .step import engine_step
from .system import (
    cleanup,
    disk_usage,
    engine_facts,
    engine_locality,
    lab_resources,
    list_images,
    list_networks,
    plugins,
    recording_meta,
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
    "LESSON_IMAGE",
    "OFFICIAL_BASE_IMAGE",
    "OFFLINE_BASE_IMAGE",
    "STOP_TIMEOUT_S",
    "Builder",
    "MountSpec",
    "anonymous_volume",
    "bind_mount",
    "build_image",
    "builder_in_use",
    "builder_version",
    "check_size_mib",
    "choose_base_image",
    "claim_container_name",
    "claim_volume_name",
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
    "engine_is_local",
    "engine_locality",
    "engine_step",
    "ensure_lesson_image",
    "exec_in",
    "find_container",
    "find_image",
    "find_volume",
    "free_bytes",
    "image_history",
    "image_info",
    "image_sizes",
    "inspect_volume",
    "lab_container",
    "lab_resources",
    "layer_files",
    "list_containers",
    "list_dangling_volumes",
    "list_images",
    "list_networks",
    "list_volumes",
    "name_plan",
    "plugins",
    "prune_volumes",
    "read_file",
    "real",
    "recording_meta",
    "remove_container",
    "remove_created_container",
    "remove_image",
    "remove_volume",
    "restart_container",
    "root_mount",
    "run_container",
    "run_once",
    "saved_config_history",
    "start_container",
    "stop_container",
    "storage_layout",
    "tmpfs_mount",
    "try_remove_volume",
    "unavailable_message",
    "use_lecture_names",
    "volume_mount",
    "wait_until_gone",
    "write_data",
]
