"""The classroom hub's configuration (one server): JupyterHub, DockerSpawner with an Engine per
learner (learner_spawner.py), the idle culler, NativeAuthenticator.

`python deploy/classroom.py up` runs the hub image with this file and passes every choice as an
environment variable (CLASSROOM_*); deploy/README.md says what each one does. Edit the values
there (or pass options to `classroom.py up`), not here.
"""

import os
import sys

c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)


def setting(name: str, default: str = "") -> str:
    return os.environ.get(f"CLASSROOM_{name}", default)


classroom = setting("NAME", "classroom")

# The hub and its proxy: the public port is the proxy's (8000 in the hub's container; classroom.py
# publishes it on the server). Learners' servers reach the hub by its container's name.
c.JupyterHub.ip = "0.0.0.0"
c.JupyterHub.port = 8000
c.JupyterHub.hub_ip = "0.0.0.0"
c.JupyterHub.hub_connect_ip = setting("HUB_HOST", f"{classroom}-hub")
c.JupyterHub.db_url = "sqlite:////srv/jupyterhub/data/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "/srv/jupyterhub/data/jupyterhub_cookie_secret"
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server and Engine
c.JupyterHub.last_activity_interval = int(setting("ACTIVITY_INTERVAL", "300"))
if setting("SSL_CERT"):
    c.JupyterHub.ssl_cert = setting("SSL_CERT")
    c.JupyterHub.ssl_key = setting("SSL_KEY")

# Each learner: the course image beside an Engine of their own.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
c.JupyterHub.spawner_class = "learner_spawner.LearnerSpawner"
c.LearnerSpawner.classroom = classroom
c.LearnerSpawner.image = setting("COURSE_IMAGE")
c.LearnerSpawner.engine_image = setting("ENGINE_IMAGE")
c.LearnerSpawner.network_name = setting("NETWORK", f"{classroom}-hub")
c.LearnerSpawner.engine_network = setting("ENGINE_NETWORK", f"{classroom}-engines")
c.LearnerSpawner.pull_policy = "never"  # images are built on the server: classroom.py build
c.LearnerSpawner.remove = True  # a stopped server's container goes; its volumes stay
c.LearnerSpawner.notebook_dir = "/home/jovyan/course"
c.LearnerSpawner.default_url = "/lab/tree/notebooks/00-check-your-lab.ipynb"
c.LearnerSpawner.mem_limit = setting("SERVER_MEM", "1G")
c.LearnerSpawner.cpu_limit = float(setting("SERVER_CPUS", "1"))
c.LearnerSpawner.engine_mem_limit = setting("ENGINE_MEM", "2G")
c.LearnerSpawner.engine_cpu_limit = float(setting("ENGINE_CPUS", "1"))
c.LearnerSpawner.engine_disk_gb = int(setting("ENGINE_DISK_GB", "10"))
c.LearnerSpawner.start_timeout = 300  # a class starting at once shares the server's disk and CPUs
c.LearnerSpawner.http_timeout = 120
c.LearnerSpawner.environment = {
    # how often the learner's server tells the hub it is in use (the culler reads it)
    "JUPYTERHUB_ACTIVITY_INTERVAL": setting("ACTIVITY_INTERVAL", "300"),
}

# Who may sign in. NativeAuthenticator: learners sign up at /hub/signup with a password of their
# own, the instructor (an admin) authorizes them at /hub/authorize, or everyone who signs up is
# let in while CLASSROOM_OPEN_SIGNUP=1. For a school's accounts use OAuthenticator instead
# (deploy/README.md).
instructor = setting("INSTRUCTOR", "instructor")
c.Authenticator.admin_users = {instructor}
auth = setting("AUTH", "native")
if auth == "native":
    c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
    c.NativeAuthenticator.open_signup = setting("OPEN_SIGNUP", "0") == "1"
    c.NativeAuthenticator.minimum_password_length = 8
    c.NativeAuthenticator.check_common_password = True
    c.Authenticator.allow_all = True  # NativeAuthenticator decides who is authorized
elif auth == "dummy-for-tests":
    # Throw-away: any name, one shared password. Only tests/test_classroom.py sets it.
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = setting("TEST_PASSWORD")
    c.Authenticator.allow_all = True
else:
    raise SystemExit(f"CLASSROOM_AUTH={auth!r}: expected native or dummy-for-tests")

# Idle servers are stopped (their Engines with them): no activity for CULL_TIMEOUT seconds.
cull_timeout = int(setting("CULL_TIMEOUT", "3600"))
cull_every = int(setting("CULL_EVERY", str(max(cull_timeout // 4, 10))))
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={cull_timeout}",
            f"--cull-every={cull_every}",
        ],
    },
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    },
]
# The instructor's token for classroom.py (reset, status): an admin service.
if setting("ADMIN_TOKEN"):
    c.JupyterHub.services.append({"name": "classroom-admin", "api_token": setting("ADMIN_TOKEN")})
    c.JupyterHub.load_roles.append(
        {
            "name": "classroom-admin",
            "scopes": ["admin:users", "admin:servers"],
            "services": ["classroom-admin"],
        }
    )
