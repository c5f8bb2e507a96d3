#!/usr/bin/env python3
"""Render a learner's pod (and home volume claim) from the Zero to JupyterHub values, offline.

    python deploy/kubernetes/render.py [--values FILE ...] [--learner NAME]

No cluster and no Helm: the values are merged the way Helm merges `--values` files (maps merge,
lists and scalars are replaced), given to KubeSpawner the way the chart's hub configuration gives
them (the table SPAWNER_TRAITS below mirrors the `singleuser.*` part of the chart's
jupyterhub_config.py, 4.x), and KubeSpawner builds the manifests it would send to the cluster.
tests/test_classroom.py checks them; printed here as YAML (a pod, then the claim).

Needs deploy/requirements/render.txt (jupyterhub, jupyterhub-kubespawner, PyYAML).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
VALUES = (HERE / "values.yaml",)

# The chart's own defaults that the manifests depend on (values.yaml of the chart, 4.x).
CHART_DEFAULTS = {
    "singleuser": {
        "uid": 1000,
        "fsGid": 100,
        "storage": {
            "type": "dynamic",
            "homeMountPath": "/home/jovyan",
            "capacity": "10Gi",
            "dynamic": {
                "pvcNameTemplate": "claim-{user_server}",
                "volumeNameTemplate": "volume-{user_server}",
                "storageAccessModes": ["ReadWriteOnce"],
            },
            "extraVolumes": [],
            "extraVolumeMounts": [],
        },
        "image": {"pullPolicy": None},
        "cpu": {},
        "memory": {},
    }
}

# KubeSpawner trait <- singleuser.<key>, as the chart's hub configuration maps them.
SPAWNER_TRAITS = {
    "start_timeout": "startTimeout",
    "image_pull_policy": "image.pullPolicy",
    "extra_labels": "extraLabels",
    "extra_annotations": "extraAnnotations",
    "uid": "uid",
    "fs_gid": "fsGid",
    "init_containers": "initContainers",
    "extra_containers": "extraContainers",
    "mem_limit": "memory.limit",
    "mem_guarantee": "memory.guarantee",
    "cpu_limit": "cpu.limit",
    "cpu_guarantee": "cpu.guarantee",
    "environment": "extraEnv",
    "extra_pod_config": "extraPodConfig",
    "cmd": "cmd",
    "default_url": "defaultUrl",
}
# singleuser keys the chart uses outside KubeSpawner's pod (a NetworkPolicy, the hub's config),
# or that SPAWNER_TRAITS and the storage block above read.
NOT_IN_THE_POD = {"networkPolicy", "image", "storage"}


class RenderError(Exception):
    """The values cannot be rendered (what, and which key)."""


def helm_merge(base: dict, overlay: dict) -> dict:
    """`helm --values a --values b`: maps merge key by key; anything else in b replaces a's."""
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_values(files: tuple[Path, ...] | list[Path] = VALUES) -> dict:
    values = CHART_DEFAULTS
    for path in files:
        values = helm_merge(values, yaml.safe_load(Path(path).read_text()) or {})
    return values


def _get(tree: dict, dotted: str):
    for part in dotted.split("."):
        if not isinstance(tree, dict) or part not in tree:
            return None
        tree = tree[part]
    return tree


def spawner_config(values: dict):
    """The traitlets Config the chart's hub would give KubeSpawner for these values."""
    from traitlets.config import Config

    singleuser = values["singleuser"]
    known = {key.split(".")[0] for key in SPAWNER_TRAITS.values()} | NOT_IN_THE_POD
    unknown = sorted(set(singleuser) - known)
    if unknown:
        raise RenderError(
            f"singleuser keys this renderer does not map: {unknown}; add them to SPAWNER_TRAITS "
            "(deploy/kubernetes/render.py) as the chart's jupyterhub_config.py maps them"
        )
    config = Config()
    spawner = config.KubeSpawner
    for trait, key in SPAWNER_TRAITS.items():
        value = _get(singleuser, key)
        if value is not None:
            spawner[trait] = value
    image = _get(singleuser, "image.name")
    if image:
        tag = _get(singleuser, "image.tag")
        spawner.image = f"{image}:{tag}" if tag else image
    storage = singleuser["storage"]
    if storage["type"] == "dynamic":
        dynamic = storage["dynamic"]
        spawner.pvc_name_template = dynamic["pvcNameTemplate"]
        spawner.storage_pvc_ensure = True
        spawner.storage_capacity = storage.get("capacity")
        spawner.storage_access_modes = dynamic.get("storageAccessModes", ["ReadWriteOnce"])
        if dynamic.get("storageClass"):
            spawner.storage_class = dynamic["storageClass"]
        volume = dynamic["volumeNameTemplate"]
        spawner.volumes = [
            {"name": volume, "persistentVolumeClaim": {"claimName": dynamic["pvcNameTemplate"]}}
        ]
        spawner.volume_mounts = [{"name": volume, "mountPath": storage["homeMountPath"]}]
    else:
        raise RenderError(f"singleuser.storage.type {storage['type']!r}: only dynamic is rendered")
    spawner.volumes = spawner.volumes + list(storage.get("extraVolumes") or [])
    spawner.volume_mounts = spawner.volume_mounts + list(storage.get("extraVolumeMounts") or [])
    spawner.namespace = "classroom"
    return config


# KubeSpawner loads a client configuration when it is made (in a cluster: the pod's service
# account). Here, one that names a cluster nobody contacts: rendering sends nothing.
OFFLINE_KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters: [{name: offline, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: offline, user: {token: none}}]
contexts: [{name: offline, context: {cluster: offline, user: offline}}]
current-context: offline
"""


async def _render(values: dict, learner: str) -> tuple[dict, dict]:
    from jupyterhub.objects import Hub
    from kubespawner import KubeSpawner

    class Learner:  # what KubeSpawner reads of JupyterHub's User
        name = learner
        id = 1
        url = f"/user/{learner}/"
        admin = False

    spawner = KubeSpawner(config=spawner_config(values), user=Learner(), hub=Hub(), _mock=True)
    spawner.api_token = "a-token-for-rendering-only"
    plain = spawner.api.api_client.sanitize_for_serialization  # the JSON sent to the cluster
    return plain(await spawner.get_pod_manifest()), plain(spawner.get_pvc_manifest())


def render(files=VALUES, learner: str = "ann") -> tuple[dict, dict]:
    """(pod, persistent volume claim) as the cluster would receive them, plain dicts."""
    from kubernetes_asyncio.config import kube_config

    values = load_values(files)
    with tempfile.TemporaryDirectory(prefix="render-") as folder:
        kubeconfig = Path(folder, "kubeconfig")
        kubeconfig.write_text(OFFLINE_KUBECONFIG)
        # where the client looks when KubeSpawner loads its configuration (read at each load)
        saved = kube_config.KUBE_CONFIG_DEFAULT_LOCATION
        kube_config.KUBE_CONFIG_DEFAULT_LOCATION = str(kubeconfig)
        try:
            return asyncio.run(_render(values, learner))
        finally:
            kube_config.KUBE_CONFIG_DEFAULT_LOCATION = saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--values", type=Path, action="append", help="values file(s), in order")
    parser.add_argument("--learner", default="ann")
    args = parser.parse_args(argv)
    try:
        pod, pvc = render(tuple(args.values or VALUES), args.learner)
    except RenderError as exc:
        print(f"render: {exc}", file=sys.stderr)
        return 1
    yaml.safe_dump_all([pod, pvc], sys.stdout, sort_keys=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
