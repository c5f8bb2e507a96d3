"""nbclient for the contributor tools and tests: a kernel client that never sleeps through a reply.

Why by hand (no release of nbclient, jupyter_client or pyzmq does this): nbclient waits for a
cell's `execute_reply` with one `shell_channel.get_msg(timeout=<the cell's whole timeout>)`, and
for its outputs with `iopub_channel.get_msg(timeout=None)`. Under pyzmq's asyncio support each of
these is one `socket.poll(timeout)` that sleeps until the socket's file descriptor wakes the event
loop. That descriptor is edge-triggered: when its wake-up is lost, the reply sits in the socket
until the poll's timer fires, and only the zero-timeout poll pyzmq then makes finds it. A cell
then "takes" the whole timeout (900 s in `tools.record`) and passes. On this project's loaded
2-core CI machine that happened in `tests/test_replay.py`'s in-process run of the demo notebook,
910 s at a time, while the kernel sat idle with its reply sent; it never happened in a quiet run.
Waiting in slices of POLL_SLICE_S makes pyzmq look at the socket itself at least that often, so a
lost wake-up costs at most one slice. Nothing is cancelled mid-receive, so no message is lost.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import Type, default

__all__ = ["POLL_SLICE_S", "SlicedChannel", "notebook_client", "run_notebook"]

POLL_SLICE_S = 1.0

log = logging.getLogger(__name__)


class SlicedChannel(AsyncZMQSocketChannel):
    """`get_msg(timeout)` as a series of polls of at most POLL_SLICE_S each (None: no deadline)."""

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:
        if timeout is not None and timeout <= 0:
            return await super().get_msg(timeout=0)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = POLL_SLICE_S if deadline is None else deadline - time.monotonic()
            wait = max(0.0, min(POLL_SLICE_S, left))
            started = time.monotonic()
            try:
                msg = await super().get_msg(timeout=wait)
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise
                continue
            if wait >= POLL_SLICE_S and time.monotonic() - started >= POLL_SLICE_S:
                # found by the closing poll: it came at the last moment, or a wake-up was lost
                log.info("a message was found by the closing poll of a %.0f-s slice", wait)
            return msg


class _SlicedClient(AsyncKernelClient):
    shell_channel_class = Type(SlicedChannel)  # type: ignore[assignment]
    iopub_channel_class = Type(SlicedChannel)  # type: ignore[assignment]
    control_channel_class = Type(SlicedChannel)  # type: ignore[assignment]


class _SlicedKernelManager(AsyncKernelManager):
    @default("client_factory")
    def _client_factory_default(self) -> type:
        return _SlicedClient


def notebook_client(notebook: Any, **options: Any) -> NotebookClient:
    """`nbclient.NotebookClient(notebook, **options)` whose kernel client polls in slices."""
    return NotebookClient(notebook, kernel_manager_class=_SlicedKernelManager, **options)


def run_notebook(path: Path, timeout: int, env: dict | None = None, write: bool = False) -> Any:
    """Run the notebook at PATH top to bottom in a fresh kernel started in its folder (ENV: the
    kernel's environment, else this process's); its outputs written back to PATH when WRITE.
    Returns the notebook as run; a failing cell raises nbclient's CellExecutionError."""
    notebook = nbformat.read(path, as_version=4)
    notebook_client(
        notebook,
        timeout=timeout,
        resources={"metadata": {"path": str(Path(path).parent)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # not the TCP-without-encryption note
    ).execute(**({"env": env} if env is not None else {}))
    if write:
        nbformat.write(notebook, path)
    return notebook
