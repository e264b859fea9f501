"""Celery tasks of EC2."""

from __future__ import annotations

from celery import shared_task

from services.ec2 import keypool


@shared_task(name="services.ec2.tasks.refill_key_pool", ignore_result=True)
def refill_key_pool() -> int:
    """Keep key material ready for CreateKeyPair (keypool.py)."""
    return keypool.refill()
