"""Sizes print as the docker CLI prints them (go-units HumanSizeWithPrecision, 3 digits, SI)."""

import pytest

from labhelpers import si, si_exact


@pytest.mark.parametrize(
    ("size_bytes", "shown"),
    [
        (0, "0B"),
        (162, "162B"),
        (999, "999B"),
        (1000, "1kB"),
        (4194304, "4.19MB"),
        (10485760, "10.5MB"),
        (6291456, "6.29MB"),
        (187896823, "188MB"),
        (97_100_000, "97.1MB"),
        (11_500_000, "11.5MB"),
        (2_000_000_000, "2GB"),
    ],
)
def test_si_matches_the_docker_cli(size_bytes, shown):
    assert si(size_bytes) == shown


def test_si_exact_keeps_the_bytes():
    assert si_exact(4194304) == "4.19MB (4,194,304 B)"
