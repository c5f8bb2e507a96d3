"""Measure the foundation's budgets and print them (a report, never a test assertion).

import labhelpers                 budget 0.5 s
provisioning, already provisioned budget 5 s
a helper step vs the docker CLI   budget 1.2x
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 5


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - started


def median_of(argv: list[str]) -> float:
    return statistics.median(timed(argv) for _ in range(REPEATS))


def main() -> None:
    py = sys.executable
    empty = median_of([py, "-c", "pass"])
    imported = median_of([py, "-c", "import labhelpers"])
    print(
        f"import labhelpers: {imported - empty:.3f} s over bare start-up "
        f"({imported:.3f} s in all; budget 0.5 s)"
    )
    print(
        f"provision-engine on a provisioned machine: "
        f"{median_of([str(ROOT / 'scripts/provision-engine')]):.2f} s (budget 5 s)"
    )

    import labhelpers as lh

    lh.echo_commands(False)
    lh.ensure_lesson_image()
    cli_run = [
        "docker",
        "run",
        "-d",
        "--init",
        "--name",
        "bench-cli",
        "--label",
        "io.labhelpers.managed=true",
        "my-image",
    ]
    cli_times, helper_times = [], []
    for _ in range(REPEATS):
        cli_times.append(timed(cli_run))
        subprocess.run(["docker", "rm", "-f", "bench-cli"], capture_output=True, check=True)
        started = time.perf_counter()
        lh.run_container("bench-helper")
        helper_times.append(time.perf_counter() - started)
        lh.remove_container("bench-helper")
    cli_s, helper_s = statistics.median(cli_times), statistics.median(helper_times)
    print(
        f"start a container: docker CLI {cli_s:.3f} s, lh.run_container {helper_s:.3f} s "
        f"= {helper_s / cli_s:.2f}x (budget 1.2x)"
    )

    lh.run_container("bench-helper")
    subprocess.run(cli_run, capture_output=True, check=True)
    write = "dd if=/dev/zero of=/app/d.bin bs=1M count=64 status=none"
    cli_w = median_of(["docker", "exec", "bench-cli", "sh", "-c", write])
    helper_w = statistics.median(
        lh.write_data("bench-helper", 64, "/app/d.bin").seconds for _ in range(REPEATS)
    )
    print(
        f"write 64 MiB into a container: docker exec {cli_w:.3f} s, lh.write_data "
        f"{helper_w:.3f} s = {helper_w / cli_w:.2f}x (budget 1.2x)"
    )
    subprocess.run(["docker", "rm", "-f", "bench-cli"], capture_output=True)
    lh.remove_container("bench-helper")


if __name__ == "__main__":
    main()
