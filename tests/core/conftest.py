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
