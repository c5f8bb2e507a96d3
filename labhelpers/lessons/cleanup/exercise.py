"""Exercise 99: remove one notebook's containers and volumes with the plain CLI, by label. The
check lists what is left; it removes nothing."""

from __future__ import annotations

from ...core.echo import announce, cli
from ...core.labels import MANAGED, NOTEBOOK
from ...engine import list_containers, list_volumes
from ...teaching import CheckResult, exercise_check, not_yet, passed
from ...core.table import short_name

__all__ = ["check_cli_cleanup"]

CLI_TITLE = "Clean up one notebook with the CLI"


@exercise_check(CLI_TITLE)
def check_cli_cleanup(notebook: str = "07-sharing-data") -> CheckResult:
    """Is no container and no volume labelled as made by NOTEBOOK left?"""
    flag = f"label={NOTEBOOK}={notebook}"
    announce(cli("ps", "-a", "-q", "--filter", flag))
    announce(cli("volume", "ls", "-q", "--filter", flag))
    wanted = [f"{MANAGED}=true", f"{NOTEBOOK}={notebook}"]
    containers = [c.name for c in list_containers(label=wanted)]
    volumes = [v.name for v in list_volumes(label=wanted)]
    if containers:
        return not_yet(
            CLI_TITLE,
            f"{len(containers)} container(s) from {notebook} are still there: "
            f"{', '.join(containers)}.",
            "list only their ids with a label filter, and hand that list to the remove command "
            "(`$(...)` in the shell); containers first, since a volume in use cannot go.",
            more=f"docker rm -f -v $(docker ps -a -q --filter {flag}), then docker volume rm "
            f"$(docker volume ls -q --filter {flag})",
        )
    if volumes:
        return not_yet(
            CLI_TITLE,
            f"its containers are gone, but {len(volumes)} volume(s) are left: "
            f"{', '.join(short_name(v) for v in volumes)}.",
            "the same label filter works for `docker volume ls`.",
            more=f"docker volume rm $(docker volume ls -q --filter {flag})",
        )
    return passed(CLI_TITLE, f"nothing labelled {NOTEBOOK}={notebook} is left.")
