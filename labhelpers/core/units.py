"""Sizes the way the docker CLI prints them.

The Engine counts bytes. The CLI divides by 1000, not 1024 (SI units) and keeps three
significant digits, so 4 MiB (4,194,304 bytes) prints as "4.19MB".
"""

from __future__ import annotations

__all__ = ["MB", "MIB", "si", "si_exact", "signed_bytes"]

MB = 1000 * 1000
MIB = 1024 * 1024
_SI_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")


def si(size_bytes: float, precision: int = 3) -> str:
    """Format a size as `docker ps -s`, `docker image ls` and `docker system df` do.

    Mirrors go-units HumanSizeWithPrecision(size, 3): divide by 1000 while >= 1000, then `%.3g`.
    """
    size = float(size_bytes)
    unit = 0
    while size >= 1000 and unit < len(_SI_UNITS) - 1:
        size /= 1000
        unit += 1
    return f"{size:.{precision}g}{_SI_UNITS[unit]}"


def si_exact(size_bytes: int) -> str:
    """The CLI's figure with the exact byte count beside it: "4.19MB (4,194,304 B)"."""
    return f"{si(size_bytes)} ({size_bytes:,} B)"


def signed_bytes(size_bytes: int) -> str:
    """A change in exact bytes with its sign: "+4,194,304 B", "-12 B", "+0 B"."""
    return f"{size_bytes:+,} B"
