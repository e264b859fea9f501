"""Settings for the test suite: a home of its own (so a running `stratolab up` is never
touched) and lifecycles that finish at once unless a test slows them down."""

import os
from pathlib import Path

os.environ.setdefault(
    "STRATOLAB_HOME", str(Path(__file__).resolve().parent.parent / ".stratolab" / "test")
)
os.environ.setdefault("STRATOLAB_TIME_SCALE", "0")
os.environ.setdefault("SECRET_KEY", "stratolab-tests-only")
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make beside it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from console.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STRATOLAB_SWEEP_SECONDS = 1
CELERY_BEAT_SCHEDULE["lifecycle-sweep"]["schedule"] = 1.0  # noqa: F405
# No key pool in the suite's workers (one task at a time: seconds of RSA keys would hold
# lifecycles up). tests/ec2/test_key_pool.py fills it itself.
STRATOLAB_KEY_POOL_SIZE = 0

if os.environ.get("STRATOLAB_TEST_WORKER"):
    # Workers the suite starts give up a lock after a moment: between tests
    # Django empties every table with one TRUNCATE, and a sweep locking rows of two of
    # them at that moment would deadlock it. The sweep just retries on its next beat.
    DATABASES["default"]["OPTIONS"] = {"options": "-c lock_timeout=300"}  # noqa: F405
STRATOLAB_CHECK_LOCK_ORDER = True  # services.core.locks: a lock out of order fails its test
