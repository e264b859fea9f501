"""The Celery app: workers move simulated resources through their lifecycles."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")

app = Celery("stratolab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# With acks_late (settings), a task whose pool process dies mid-way (OOM, SIGKILL) goes
# back to the queue instead of being acknowledged as failed: every task re-reads its row
# and checks its state, so running one twice is harmless. A worker killed as a whole
# leaves its messages unacknowledged in Redis; the lifecycle sweep (beat, every few
# seconds) advances their rows meanwhile, so nothing waits for the visibility timeout.
app.conf.task_reject_on_worker_lost = True
