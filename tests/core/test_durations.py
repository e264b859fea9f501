"""One duration mechanism (services.core.lifecycle.duration) for every simulated wait:
lifecycle states, a service's shipped defaults (NAT gateways), S3's rule day and Glacier
restores. The settings win over defaults and the time scale multiplies both."""

from __future__ import annotations

import datetime as dt

from services.core import lifecycle
from services.core.lifecycle import Lifecycle
from services.s3 import lifecycle as s3_lifecycle
from services.s3 import restore
from services.vpc.lifecycle import NAT_GATEWAY


def test_a_setting_wins_over_the_default_and_the_scale_multiplies_both(settings):
    settings.STRATOLAB_TIME_SCALE = 0.5
    settings.STRATOLAB_LIFECYCLE_SECONDS = {"x.y": 10}
    assert lifecycle.duration("x.y", 99) == dt.timedelta(seconds=5)
    assert lifecycle.duration("x.z", 8) == dt.timedelta(seconds=4)
    assert lifecycle.duration("x.z") == dt.timedelta(0)


def test_every_wait_reads_the_same_settings(settings):
    settings.STRATOLAB_TIME_SCALE = 2
    settings.STRATOLAB_LIFECYCLE_SECONDS = {
        "vpc.nat-gateway.pending": 1,
        "s3.lifecycle.day": 3,
        "s3.restore.Bulk": 4,
        "demo.thing.creating": 5,
    }
    assert NAT_GATEWAY.duration("pending") == dt.timedelta(seconds=2)
    assert NAT_GATEWAY.duration("deleting") == dt.timedelta(seconds=20)  # VPC's default, x2
    assert s3_lifecycle.day() == dt.timedelta(seconds=6)
    assert restore.duration("GLACIER", "Bulk") == dt.timedelta(seconds=8)
    assert restore.duration("DEEP_ARCHIVE", "Bulk") == dt.timedelta(hours=96)  # 48 h, x2
    demo = Lifecycle("demo.thing", {"creating": "available"}, defaults={"deleting": 7})
    assert demo.duration("creating") == dt.timedelta(seconds=10)
    assert demo.duration("available") == dt.timedelta(0)


def test_at_time_scale_zero_everything_is_due_at_once(settings):
    settings.STRATOLAB_TIME_SCALE = 0
    assert s3_lifecycle.day() == dt.timedelta(0)
    assert NAT_GATEWAY.duration("deleted") == dt.timedelta(0)
