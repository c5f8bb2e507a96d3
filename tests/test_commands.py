"""Commands as data: one value gives the printed line, the SDK's request and the twin's line.

Pure logic, no Engine: quoting, the $PWD form, parsing a command back with the lab's option
tables (an option the tables do not know is refused, never dropped), the SDK settings a
`docker run` becomes, the guards, the marks that say whose a resource is, and the grouping of a
cell's echoes."""

from __future__ import annotations

import os

import pytest

import labhelpers as lh
from labhelpers.core import commands
from labhelpers.core.commands import FAILS, NOT_RUN, Command, docker, host
from labhelpers.core.labels import MANAGED, OWNER, is_lab_image, is_lab_owned, lab_labels, mark
from labhelpers.engine import dockercli, guards
from labhelpers.engine.mounts import MountSpec


def test_a_command_prints_as_typed_with_paths_under_the_notebooks_folder_as_pwd(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    command = docker(
        "run", "--rm", "-v", f"{tmp_path}/work space:/data", "my-image", "sh", "-c", "ls /"
    )
    assert command.line() == ("docker run --rm -v \"$PWD/work space\":/data my-image sh -c 'ls /'")
    assert docker("ps", note="why", repeat=3).text() == "docker ps   # why, x3"
    assert docker("ps", expect=NOT_RUN).text() == "docker ps   # not run"
    env = docker("build", "-t", "x", ".", env=(("DOCKER_BUILDKIT", "0"),))
    assert env.line() == "DOCKER_BUILDKIT=0 docker build -t x ."
    assert docker("cp", "a:/x", "-", pipe="| tar -xO").line() == "docker cp a:/x - | tar -xO"
    assert host("echo hi > f", shell=True).line() == "echo hi > f"


def test_a_command_survives_its_recording():
    command = docker("exec", "box", "sh", "-c", "x", note="n", expect=FAILS, repeat=2)
    again = Command.from_data(command.to_data())
    assert again == command
    with pytest.raises(ValueError):
        docker("ps", expect="maybe")


def test_a_run_is_read_back_into_the_sdk_request_it_stands_for():
    mounts = [
        MountSpec("volume", "my-vol", "/data"),
        MountSpec("bind", "/srv/course/notebooks/ws", "/ws", read_only=True),
        MountSpec("tmpfs", "", "/scratch"),
        MountSpec("volume", "", "/anon"),
        MountSpec("bind", "/srv/course/notebooks/x", "/x", long_form=True),
    ]
    argv = ["run", "-d", "--init", "--name", "box", "--label", "a=b", "--user", "1000:1000"]
    for spec in mounts:
        argv += spec.cli_args()
    command = docker(*argv, "my-image", "sleep", "infinity")
    settings = dockercli.container_settings(dockercli.parse(command))
    assert settings["image"] == "my-image" and settings["command"] == ["sleep", "infinity"]
    assert settings["name"] == "box" and settings["labels"]["a"] == "b"
    assert settings["init"] is True and settings["user"] == "1000:1000"
    assert settings["volumes"] == {
        "my-vol": {"bind": "/data", "mode": "rw"},
        "/srv/course/notebooks/ws": {"bind": "/ws", "mode": "ro"},
    }
    assert settings["tmpfs"] == {"/scratch": ""}
    anon, bind = settings["mounts"]
    assert anon["Target"] == "/anon" and anon["Source"] is None and anon["Type"] == "volume"
    assert anon["VolumeOptions"]["Labels"][MANAGED] == "volume:"
    assert bind["Type"] == "bind" and bind["Source"] == "/srv/course/notebooks/x"


def test_an_option_the_tables_do_not_know_is_refused_not_dropped():
    with pytest.raises(ValueError, match="--cap-add"):
        dockercli.parse(docker("run", "--cap-add", "ALL", "img"))
    with pytest.raises(ValueError, match="docker swarm"):
        dockercli.parse(docker("swarm", "init"))
    parsed = dockercli.parse(docker("volume", "ls", "-q", "--filter", "dangling=true"))
    assert parsed.verb == "volume ls" and parsed.filters() == {"dangling": ["true"]}
    assert (
        dockercli.parse(docker("build", "--progress=plain", "-t", "x", ".")).value("--progress")
        == "plain"
    )


@pytest.mark.parametrize(
    "source",
    ["/var/run/docker.sock", "/run/docker.sock.raw", "/run/lab-engines/x/docker.sock", "/etc"],
)
def test_the_guards_refuse_a_socket_or_a_system_folder_read_write(source):
    with pytest.raises(lh.BadInput):
        guards.check_bind(source, read_only=source.endswith("sock"))
    with pytest.raises(lh.BadInput):
        dockercli.guard(dockercli.parse(docker("run", "-v", f"{source}:/x", "img")))


def test_the_guards_refuse_privileged_and_ports_on_every_address(tmp_path):
    with pytest.raises(lh.BadInput, match="privileged"):
        dockercli.guard(dockercli.parse(docker("run", "--privileged", "img")))
    with pytest.raises(lh.BadInput, match="every address"):
        dockercli.guard(dockercli.parse(docker("run", "-p", "8080:80", "img")))
    dockercli.guard(dockercli.parse(docker("run", "-p", "127.0.0.1:8080:80", "img")))
    guards.check_bind("/etc/hostname", read_only=True)  # a system file, read-only: allowed
    guards.check_bind(str(tmp_path), read_only=False)  # a folder of the course: allowed
    with pytest.raises(lh.BadInput):
        guards.check_bind(os.path.expanduser("~"), read_only=False)
    with pytest.raises(lh.BadInput):
        lh.bind_mount("/", "/x", read_only=True)


def test_a_mark_names_the_resource_so_nothing_derived_from_it_is_the_labs():
    made = lab_labels("container", "my-cont-1")
    assert made[MANAGED] == "container:my-cont-1" and OWNER in made
    assert is_lab_owned("container", "my-cont-1", made)
    assert not is_lab_owned("container", "my-copy", made)  # renamed, or a copy's labels
    image = lab_labels("image", "my-image")
    # a container run from the lab's image inherits the image's mark: it names an image
    assert not is_lab_owned("container", "learners-box", image)
    # an image built FROM it under another tag, or committed from a lab container
    assert not is_lab_image(image, ["mine:latest"])
    assert not is_lab_image(made, ["snapshot:latest"])
    assert is_lab_image(image, ["my-image:latest"])
    # untagged: the lab's only when the lab recorded building that id
    assert not is_lab_image(image, [], "sha256:" + "a" * 64)
    assert is_lab_image(image, [], "sha256:" + "a" * 64, frozenset({"a" * 12}))
    assert mark("image", "x") == "image:x:latest" and mark("volume", "") == "volume:"
    assert is_lab_owned("volume", "f" * 64, {MANAGED: "volume:"})  # an anonymous volume
    assert not is_lab_owned("volume", "my-vol", {MANAGED: "volume:"})


def test_repeated_commands_are_shown_once_with_their_count(capsys):
    commands.echo_commands(True)
    with commands.collect() as ran:
        for _ in range(3):
            commands.show(docker("exec", "b", "true"))
        commands.show(docker("ps"))
    assert capsys.readouterr().out == ""
    commands.show_all(ran)
    assert capsys.readouterr().out == "$ docker exec b true   # x3\n$ docker ps\n"
    commands.echo_commands(False)


def test_listeners_hear_every_command_run_shown_or_not():
    heard = []
    commands.listen(lambda item, shown: heard.append((item, shown)))
    try:
        commands.show(docker("ps"), shown=False)
        with commands.hidden():
            commands.show(docker("volume", "create", "probe"))
        commands.bind("upper", "/x/diff", "echo /x/diff")
        commands.waited("! docker ps -q --filter name=app | grep -q .", 3)
    finally:
        commands._listeners.pop()
    assert [(type(i).__name__, s) for i, s in heard] == [
        ("Command", False),
        ("Command", False),
        ("Binding", False),
        ("Waited", False),
    ]
