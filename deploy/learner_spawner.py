"""DockerSpawner that gives each learner a Docker Engine of their own.

For each learner the server's Engine runs two containers:

    CLASS-engine-USER   dockerd (deploy/images/engine), with the capabilities an Engine needs
                        without --privileged (as scripts/lab-engines runs the course's CI Engines);
                        its data in the volume CLASS-engine-USER, optionally a file system of fixed
                        size; memory and CPU limits that cover the containers the learner runs in it
    CLASS-server-USER   the learner's single-user server (the course image), which reaches that
                        Engine only through its socket: DOCKER_HOST=unix:///run/engine/docker.sock

They share the learner's home (the volume CLASS-home-USER at /home/jovyan in both, so a bind mount
of a notebook's folder works, as Docker Desktop shares folders) and the socket's folder (the volume
CLASS-socket-USER). Nothing else of the server is mounted: never the server's Docker socket.
The Engines sit on one network of their own (CLASS-engines) whose containers cannot talk to each
other (inter-container communication off), so a learner reaches no other learner's Engine and no
Engine reaches the hub's network. Stopping the server (logout, the idle culler, the admin page,
the end of the class) stops the Engine too; the volumes stay until `classroom.py reset` or `down`.

Every container and volume carries io.labhelpers.classroom=CLASS: `classroom.py down` removes by
that label only.
"""

from __future__ import annotations

import asyncio

from docker.errors import APIError, NotFound
from dockerspawner import DockerSpawner
from traitlets import Float, Int, Unicode, default

CLASSROOM_LABEL = "io.labhelpers.classroom"
LEARNER_LABEL = "io.labhelpers.classroom-learner"
ROLE_LABEL = "io.labhelpers.classroom-role"

HOME = "/home/jovyan"
SOCKET_DIR = "/run/engine"
LEARNER_UID = 1000


class LearnerSpawner(DockerSpawner):
    """A learner's server (the course image) beside a Docker Engine of their own."""

    classroom = Unicode("classroom", config=True, help="The class's name: prefix and label value.")
    engine_image = Unicode(config=True, help="The learner Engine's image (deploy/images/engine).")
    engine_network = Unicode(
        config=True, help="The network of the learner Engines (inter-container traffic off)."
    )
    engine_mem_limit = Unicode(
        "2G", config=True, help="Memory for the Engine and every container the learner runs in it."
    )
    engine_cpu_limit = Float(2.0, config=True, help="CPUs for the same (CFS quota).")
    engine_disk_gb = Int(
        10, config=True, help="Size of the Engine's data file system (0: no limit of its own)."
    )
    engine_ready_timeout = Int(120, config=True, help="Seconds to wait for the Engine to answer.")

    @property
    def engine_name(self) -> str:
        return f"{self.classroom}-engine-{self.escaped_name}"

    def _volume_names(self) -> dict[str, str]:
        user = self.escaped_name
        return {
            "home": f"{self.classroom}-home-{user}",
            "engine": f"{self.classroom}-engine-{user}",
            "socket": f"{self.classroom}-socket-{user}",
        }

    def _labels(self, role: str) -> dict[str, str]:
        return {CLASSROOM_LABEL: self.classroom, LEARNER_LABEL: self.user.name, ROLE_LABEL: role}

    @default("name_template")
    def _name_template(self) -> str:
        return f"{self.classroom}-server-{{username}}"

    @default("volumes")
    def _volumes(self) -> dict:
        names = self._volume_names()
        return {names["home"]: HOME, names["socket"]: SOCKET_DIR}

    @default("extra_create_kwargs")
    def _extra_create_kwargs(self) -> dict:
        return {"labels": self._labels("server")}

    def get_env(self) -> dict:
        env = super().get_env()
        env.update(
            DOCKER_HOST=f"unix://{SOCKET_DIR}/docker.sock",
            LABHELPERS_CLASSROOM=self.classroom,
            LABHELPERS_ENGINE=self.engine_name,
        )
        return env

    async def start(self):
        await self._ensure_volumes()
        await self._start_engine()
        return await super().start()

    async def stop(self, now=False):
        try:
            await super().stop(now=now)
        finally:
            await self._stop_engine()

    async def _ensure_volumes(self) -> None:
        for role, name in self._volume_names().items():
            try:
                await self.docker("inspect_volume", name)
            except NotFound:
                await self.docker("create_volume", name, labels=self._labels(role))

    async def _start_engine(self) -> None:
        name = self.engine_name
        try:
            found = await self.docker("inspect_container", name)
        except NotFound:
            found = None
        if found is not None and not found["State"]["Running"]:
            await self.docker("remove_container", name, force=True)
            found = None
        if found is None:
            await self.docker("create_container", **self._engine_create_kwargs())
            await self.docker("start", name)
            self.log.info("Started %s, the Engine of %s", name, self.user.name)
        await self._wait_for_engine()

    def _engine_create_kwargs(self) -> dict:
        names = self._volume_names()
        binds = {
            names["home"]: {"bind": HOME, "mode": "rw"},
            names["engine"]: {"bind": "/var/lib/engine-disk", "mode": "rw"},
            names["socket"]: {"bind": SOCKET_DIR, "mode": "rw"},
            # dockerd manages its containers' cgroups (memory, CPU) below its own
            "/sys/fs/cgroup": {"bind": "/sys/fs/cgroup", "mode": "rw"},
        }
        host_config = self.client.create_host_config(
            binds=binds,
            tmpfs={"/run": ""},
            # Everything dockerd needs, without --privileged (which needs CAP_SYS_RESOURCE);
            # the same set as scripts/lab-engines. See deploy/README.md, "Security".
            cap_add=["ALL"],
            cap_drop=["SYS_RESOURCE"],
            security_opt=["seccomp=unconfined", "apparmor=unconfined"],
            device_cgroup_rules=["a *:* rwm"],
            mem_limit=self.engine_mem_limit,
            nano_cpus=int(self.engine_cpu_limit * 1e9),
            network_mode=self.engine_network,
        )
        # `--security-opt systempaths=unconfined` is the CLI's word for these two
        host_config["MaskedPaths"] = []
        host_config["ReadonlyPaths"] = []
        return dict(
            image=self.engine_image,
            name=self.engine_name,
            hostname=f"engine-{self.escaped_name}"[:63],
            labels=self._labels("engine"),
            environment={
                "ENGINE_SOCKET_DIR": SOCKET_DIR,
                "ENGINE_SOCKET_GID": str(LEARNER_UID),
                "ENGINE_DISK_GB": str(self.engine_disk_gb),
            },
            host_config=host_config,
        )

    async def _wait_for_engine(self) -> None:
        """Until the Engine answers and the lesson's base image is loaded (the ready file)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.engine_ready_timeout
        while True:
            state = (await self.docker("inspect_container", self.engine_name))["State"]
            if not state["Running"]:
                logs = await self.docker("logs", self.engine_name, tail=20)
                raise RuntimeError(
                    f"the Engine of {self.user.name} stopped while starting:\n"
                    + logs.decode(errors="replace")
                )
            probe = await self.docker(
                "exec_create", self.engine_name, ["test", "-e", f"{SOCKET_DIR}/ready"]
            )
            await self.docker("exec_start", probe["Id"])
            if (await self.docker("exec_inspect", probe["Id"]))["ExitCode"] == 0:
                return
            if loop.time() > deadline:
                raise TimeoutError(
                    f"the Engine of {self.user.name} did not get ready within "
                    f"{self.engine_ready_timeout} s"
                )
            await asyncio.sleep(0.5)

    async def _stop_engine(self) -> None:
        try:
            await self.docker("stop", self.engine_name, timeout=30)
            await self.docker("remove_container", self.engine_name, force=True)
            self.log.info("Stopped %s, the Engine of %s", self.engine_name, self.user.name)
        except NotFound:
            pass
        except APIError as exc:
            if exc.status_code not in (404, 409):
                raise
