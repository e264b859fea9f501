"""Celery tasks of EC2."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready

from services.ec2 import keypool


@shared_task(name="services.ec2.tasks.refill_key_pool", ignore_result=True)
def refill_key_pool() -> int:
    """Keep key material ready for CreateKeyPair (keypool.py); beat runs it every 15 s."""
    return keypool.refill()


@worker_ready.connect
def _fill_at_start(sender, **kwargs) -> None:
    # A class may start right after `stratolab up`: fill the pool now, not at beat's
    # first tick. Queued, so a worker process makes the keys while this one serves.
    refill_key_pool.delay()
