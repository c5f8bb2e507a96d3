"""tools.kernels: a kernel reply whose socket wake-up was lost is found within one poll slice,
not at the end of the cell's whole timeout (the 910-s waits of the aside track)."""

from __future__ import annotations

import asyncio
from queue import Empty

import pytest
from jupyter_client.channels import AsyncZMQSocketChannel

from tools import kernels


class LostWakeUps:
    """A socket whose wake-ups never come: each poll sleeps its whole timeout (on a fake clock),
    and only then looks, as pyzmq's closing zero-timeout poll does."""

    def __init__(self, arrives_at: float | None) -> None:
        self.now, self.arrives_at, self.polls = 0.0, arrives_at, []

    def clock(self) -> float:
        return self.now

    async def get_msg(self, timeout=None):
        assert timeout is not None, "an endless poll would sleep through a lost wake-up"
        self.polls.append(timeout)
        self.now += timeout
        if self.arrives_at is not None and self.now >= self.arrives_at:
            return {"msg_type": "execute_reply"}
        raise Empty


@pytest.fixture
def socket(monkeypatch):
    def make(arrives_at):
        fake = LostWakeUps(arrives_at)
        monkeypatch.setattr(kernels.time, "monotonic", fake.clock)
        monkeypatch.setattr(
            AsyncZMQSocketChannel, "get_msg", lambda _, timeout=None: fake.get_msg(timeout)
        )
        return fake

    return make


def get(timeout):
    channel = kernels.SlicedChannel.__new__(kernels.SlicedChannel)  # no socket: the fake answers
    return asyncio.run(channel.get_msg(timeout=timeout))


def test_a_reply_whose_wake_up_was_lost_is_found_within_one_slice(socket):
    fake = socket(arrives_at=3.2)
    assert get(900)["msg_type"] == "execute_reply"
    assert fake.now <= 3.2 + 2  # not 900: the slices are short
    assert max(fake.polls) <= kernels.POLL_SLICE_S <= 2


def test_with_no_deadline_it_still_polls_in_slices(socket):
    fake = socket(arrives_at=5.5)
    assert get(None)["msg_type"] == "execute_reply"
    assert fake.now <= 5.5 + 2 and max(fake.polls) <= kernels.POLL_SLICE_S


def test_the_deadline_still_holds(socket):
    fake = socket(arrives_at=None)
    with pytest.raises(Empty):
        get(2.5)
    assert fake.now == pytest.approx(2.5)
    assert fake.polls == pytest.approx([1.0, 1.0, 0.5])
