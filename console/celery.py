"""The Celery app: workers move simulated resources through their lifecycles."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")

app = Celery("stratolab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
