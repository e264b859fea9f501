"""The operation layer: one transaction, one audit event per call, AWS errors."""

import pytest

from services.core import operations
from services.core.errors import AwsError
from services.core.models import Event
from services.ec2.models import Volume


def test_call_creates_resource_and_audits_it(ctx):
    out = operations.call(ctx, "ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": 8})
    assert out["VolumeId"].startswith("vol-") and len(out["VolumeId"]) == 21
    event = Event.objects.get(event_name="CreateVolume")
    assert event.error_code == ""
    assert event.door == "console"
    assert out["VolumeId"] in str(event.resources)


def test_error_changes_nothing_and_is_audited(ctx):
    with pytest.raises(AwsError) as err:
        operations.call(ctx, "ec2", "CreateVolume", {"AvailabilityZone": "us-east-1z", "Size": 8})
    assert err.value.code == "InvalidZone.NotFound"
    assert not Volume.objects.exists()
    assert Event.objects.get(event_name="CreateVolume").error_code == "InvalidZone.NotFound"


def test_other_accounts_resources_are_not_found(ctx, other_account):
    from services.core.context import CallContext, Principal

    vol = operations.call(ctx, "ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": 8})
    theirs = CallContext(other_account, "us-east-1", Principal.root(other_account.id), "aws")
    with pytest.raises(AwsError) as err:
        operations.call(theirs, "ec2", "DeleteVolume", {"VolumeId": vol["VolumeId"]})
    assert err.value.code == "InvalidVolume.NotFound"
