"""The doctor on this machine: a real Engine, ready for the course."""

import subprocess
import sys

import labhelpers as lh
from labhelpers.engine.system import platform_kind


def test_doctor_reports_a_ready_engine(engine):
    report = lh.check()
    topics = {f.topic: f for f in report.findings}
    assert report.ready, report
    assert topics["Docker Engine"].ok and "API" in topics["Docker Engine"].value
    assert topics["Storage driver"].value.startswith(report.facts.storage_driver)
    assert "local" in topics["Volume drivers"].value
    assert topics["Base image"].ok


def test_doctor_command_exits_zero_when_ready(engine):
    out = subprocess.run(
        [sys.executable, "-m", "labhelpers", "doctor"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "OK  Docker Engine" in out.stdout


def test_platform_kind_reads_docker_info():
    assert platform_kind({"OperatingSystem": "Docker Desktop"}) == "docker-desktop"
    assert platform_kind({"KernelVersion": "5.15.90.1-microsoft-standard-WSL2"}) == "wsl2"
    assert platform_kind({"SecurityOptions": ["name=rootless"]}) == "rootless"
    assert platform_kind({"OperatingSystem": "Debian GNU/Linux 12"}) == "native-linux"
