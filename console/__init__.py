"""The Stratolab Django project: settings, URLs, the Celery app and the `stratolab` command."""

from console.celery import app as celery_app

__all__ = ["celery_app"]
