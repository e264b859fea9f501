"""Celery tasks of S3."""

from __future__ import annotations

from celery import shared_task

from services.s3 import storage


@shared_task(name="services.s3.tasks.sweep_orphans", ignore_result=True)
def sweep_orphans() -> int:
    """Remove object bodies and spool files that no row names (see storage.py)."""
    return storage.sweep_orphans()
