"""A pool of key material generated ahead of CreateKeyPair.

Generating an RSA 2048 key costs about 150 ms of CPU holding the GIL, which stalls every
other request of the same web process. So the worker keeps keys of each type ready in
PostgreSQL (`refill`, a beat task; the private halves sealed), and CreateKeyPair only
takes one (`take`): `SELECT ... FOR UPDATE SKIP LOCKED` of one row and its `DELETE`, in
the call's transaction. Two concurrent calls never get the same row; a call that fails
and rolls back puts its row back untouched, and nobody saw its private key (the answer
was an error). With the pool empty (no worker, a burst bigger than the pool) the call
generates its key inline, as before: behaviour never depends on the worker.
"""

from __future__ import annotations

import logging
import os
import threading

from django.conf import settings
from django.db import connection

from services.core import locks
from services.ec2 import keymaterial
from services.ec2.models import KeyMaterial

log = logging.getLogger(__name__)

KEY_TYPES = ("rsa", "ed25519")
# One refill at a time across processes (pg_try_advisory_lock); any constant of ours.
_REFILL_LOCK = 0x5354_4B50  # "STKP"
_BATCH = 10  # keys inserted per statement (RSA: about 1.5 s of the worker's CPU)


def target() -> int:
    """How many keys of each type the pool keeps ready."""
    return int(getattr(settings, "STRATOLAB_KEY_POOL_SIZE", 40))


def take(key_type: str) -> keymaterial.Material:
    """A key nobody has had: one from the pool (removed with the caller's transaction),
    or a new one if the pool has none of `key_type` free."""
    qs = locks.rows(KeyMaterial.objects.filter(key_type=key_type))
    while (row := qs.select_for_update(skip_locked=True, of=("self",)).first()) is not None:
        row.delete()
        if row.private_key.startswith("-----BEGIN "):
            return keymaterial.Material(key_type, row.private_key, row.public_key, row.fingerprint)
        # Sealed under a SECRET_KEY that is gone (SealedTextField then reads a random
        # token): useless, so it goes and the next one is tried.
        log.warning("key pool: dropped a key this SECRET_KEY cannot open")
    return keymaterial.make(key_type)


def make_quietly(key_type: str, count: int) -> list[keymaterial.Material]:
    """`count` keys made in a thread of the lowest CPU priority (Linux keeps a niceness
    per thread): RSA keys are seconds of CPU, and while a class works the web requests
    must get the cores first. Where the priority cannot be set they are made as usual."""
    made: list[keymaterial.Material] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        except (OSError, AttributeError):
            pass
        try:
            made.extend(keymaterial.make(key_type) for _ in range(count))
        except BaseException as exc:  # re-raised in the calling thread
            failed.append(exc)

    thread = threading.Thread(target=run, name="key-pool", daemon=True)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
    return made


def refill(limit: int | None = None) -> int:
    """Bring each type up to `target()` keys (at most `limit` new ones per type). Keys are
    made outside any transaction and inserted `_BATCH` at a time, so the first ones are
    usable while the rest are made. Returns how many were added; 0 at once when another
    refill is running."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_REFILL_LOCK])
        if not cursor.fetchone()[0]:
            return 0
    try:
        added = 0
        for key_type in KEY_TYPES:
            missing = target() - KeyMaterial.objects.filter(key_type=key_type).count()
            if limit is not None:
                missing = min(missing, limit)
            while missing > 0:
                made = make_quietly(key_type, min(missing, _BATCH))
                KeyMaterial.objects.bulk_create(
                    KeyMaterial(
                        key_type=m.key_type,
                        private_key=m.private_pem,
                        public_key=m.public_openssh,
                        fingerprint=m.fingerprint,
                    )
                    for m in made
                )
                missing -= len(made)
                added += len(made)
        if added:
            log.info("key pool: %d keys added", added)
        return added
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_REFILL_LOCK])
