"""Fixtures of the core tests: throwaway operations, an IAM-like evaluator, a worker
whose lifecycles take real time."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from services.core import authz, operations


@pytest.fixture
def throwaway() -> Iterator[Callable[..., None]]:
    """Register operations for one test: `throwaway("Explode", func)` adds ec2:Explode."""
    added: list[tuple[str, str]] = []

    def register(action: str, func: operations.OperationFunc, **kwargs) -> None:
        operations.operation("ec2", action, **kwargs)(func)
        added.append(("ec2", action))

    yield register
    for key in added:
        operations._registry.pop(key, None)


@pytest.fixture
def evaluator() -> Iterator[Callable[[Callable], None]]:
    """Install an authorization evaluator for one test (the hook IAM plugs into), and
    put back whatever was there."""
    before = authz._evaluator

    def install(func: Callable) -> None:
        authz.set_evaluator(func)

    yield install
    authz._evaluator = before


# Lab speed of the lifecycle tests with a worker: a volume is "creating" for 4 s x 0.5.
WORKER_TIME_SCALE = 0.5


@pytest.fixture(scope="module")
def timed_worker(worker):
    """The shared Celery worker (with beat), restarted with lifecycles that take real
    time; put back as it was after the module. The worker reads its settings from the
    environment, so the lab speed goes in through STRATOLAB_TIME_SCALE."""
    before = dict(worker.env)
    worker.stop()
    worker.env["STRATOLAB_TIME_SCALE"] = str(WORKER_TIME_SCALE)
    worker.start()
    yield worker
    worker.stop()
    worker.env.clear()
    worker.env.update(before)
    worker.start()


@pytest.fixture
def timed_lifecycles(settings, transactional_db):
    """This process computes due times as the timed worker does (the operations run
    here, the transitions there; both read the committed rows)."""
    settings.STRATOLAB_TIME_SCALE = WORKER_TIME_SCALE
    settings.STRATOLAB_LIFECYCLE_SECONDS = {
        **settings.STRATOLAB_LIFECYCLE_SECONDS,
        "ec2.volume.creating": 4,
    }
    return settings
