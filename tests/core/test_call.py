"""The operation layer's guarantees: one transaction, one audit event per call (secrets
hidden), AWS errors for everything, DryRun and authorization, regions, scoping."""

from __future__ import annotations

import pytest

from services.core import operations
from services.core.authz import Decision
from services.core.context import CallContext, Principal
from services.core.errors import AwsError
from services.core.models import Event
from services.ec2.models import Volume

ZONE = {"AvailabilityZone": "us-east-1a", "Size": 8}


def as_user(ctx: CallContext, name: str = "bob") -> CallContext:
    return CallContext(ctx.account, ctx.region, Principal(ctx.account.id, "IAMUser", name), "aws")


def test_ct_01_a_successful_call_is_one_event(ctx):
    out = operations.call(ctx, "ec2", "CreateVolume", ZONE)
    event = Event.objects.get()
    assert (event.event_name, event.event_source, event.region) == (
        "CreateVolume",
        "ec2.amazonaws.com",
        "us-east-1",
    )
    assert (event.door, event.error_code, event.read_only) == ("console", "", False)
    assert event.request_id == ctx.request_id
    assert event.principal_arn == f"arn:aws:iam::{ctx.account.id}:root"
    assert event.response_elements["VolumeId"] == out["VolumeId"]
    assert event.resources[0]["ResourceName"] == out["VolumeId"]
    record = event.cloudtrail_record()
    assert record["eventName"] == "CreateVolume" and "errorCode" not in record


def test_a_read_is_audited_without_its_response(ctx):
    operations.call(ctx, "ec2", "DescribeVolumes", {})
    event = Event.objects.get()
    assert event.read_only and event.response_elements is None


def test_ct_01_a_failed_call_is_one_event_with_the_error(ctx):
    with pytest.raises(AwsError):
        operations.call(ctx, "ec2", "DeleteVolume", {"VolumeId": "vol-0123456789abcdef0"})
    event = Event.objects.get()
    assert event.error_code == "InvalidVolume.NotFound"
    assert "vol-0123456789abcdef0" in event.error_message
    assert event.cloudtrail_record()["errorCode"] == "InvalidVolume.NotFound"


def test_secrets_never_reach_the_event_history(ctx, throwaway):
    throwaway(
        "StratolabTestSecrets",
        lambda c, p: {"AccessKey": {"AccessKeyId": "AKIA", "SecretAccessKey": "s3cr3t"}},
    )
    operations.call(
        ctx,
        "ec2",
        "StratolabTestSecrets",
        {"UserName": "bob", "Password": "hunter22", "Nested": [{"OldPassword": "x"}]},
    )
    event = Event.objects.get()
    assert event.request_parameters == {
        "UserName": "bob",
        "Password": "HIDDEN_DUE_TO_SECURITY_REASONS",
        "Nested": [{"OldPassword": "HIDDEN_DUE_TO_SECURITY_REASONS"}],
    }
    assert event.response_elements["AccessKey"]["SecretAccessKey"] == (
        "HIDDEN_DUE_TO_SECURITY_REASONS"
    )
    assert "hunter22" not in str(event.cloudtrail_record())


def test_an_error_rolls_back_everything_the_call_wrote(ctx, throwaway):
    def half_done(c, params):
        Volume(account=c.account, region=c.region, availability_zone="us-east-1a", size=8).begin(
            "creating"
        )
        raise AwsError("VolumeLimitExceeded", "You have exceeded your maximum gp2 storage limit.")

    throwaway("StratolabTestHalfDone", half_done)
    with pytest.raises(AwsError) as err:
        operations.call(ctx, "ec2", "StratolabTestHalfDone", {})
    assert err.value.code == "VolumeLimitExceeded"
    assert not Volume.objects.exists()
    assert Event.objects.get().error_code == "VolumeLimitExceeded"


def test_a_bug_is_internal_failure_500_and_rolls_back(ctx, throwaway):
    def broken(c, params):
        Volume(account=c.account, region=c.region, availability_zone="us-east-1a", size=8).begin(
            "creating"
        )
        return {"x": 1 / 0}

    throwaway("StratolabTestBroken", broken)
    with pytest.raises(AwsError) as err:
        operations.call(ctx, "ec2", "StratolabTestBroken", {})
    assert (err.value.code, err.value.status) == ("InternalFailure", 500)
    assert err.value.message == (
        "The request processing has failed because of an unknown error, exception or failure."
    )
    assert "ZeroDivision" not in err.value.message
    assert not Volume.objects.exists()
    assert Event.objects.get().error_code == "InternalFailure"


def test_a_database_error_is_internal_failure_too(ctx, throwaway):
    def too_big(c, params):
        Volume.objects.create(account=c.account, region=c.region, size=10**6, state="creating")
        return {}

    throwaway("StratolabTestTooBig", too_big)
    with pytest.raises(AwsError) as err:
        operations.call(ctx, "ec2", "StratolabTestTooBig", {})
    assert err.value.code == "InternalFailure"
    # The outer transaction is still usable: the failed call's savepoint was rolled back.
    assert Event.objects.get().error_code == "InternalFailure"


def test_an_unknown_operation_is_not_implemented(ctx):
    with pytest.raises(AwsError) as err:
        operations.call(ctx, "ec2", "LaunchRocket", {})
    assert (err.value.code, err.value.status) == ("NotImplemented", 501)


@pytest.mark.parametrize("region", ["us-east-9", "", "mars-north-1" * 5])
def test_an_unknown_region_is_invalid_region_and_audited(ctx, region):
    with pytest.raises(AwsError) as err:
        operations.call(ctx.in_region(region), "ec2", "CreateVolume", ZONE)
    assert (err.value.code, err.value.status) == ("InvalidRegion", 400)
    assert not Volume.objects.exists()
    assert Event.objects.get().error_code == "InvalidRegion"


def test_a_global_operation_ignores_the_region(ctx, throwaway):
    throwaway("StratolabTestGlobal", lambda c, p: {"ok": True}, global_service=True)
    assert operations.call(ctx.in_region("nowhere-1"), "ec2", "StratolabTestGlobal", {}) == {
        "ok": True
    }
    assert Event.objects.get().region == "us-east-1"


# --- DryRun and authorization -----------------------------------------------------------


def test_dry_run_answers_dry_run_operation_412_and_changes_nothing(ctx):
    with pytest.raises(AwsError) as err:
        operations.call(ctx, "ec2", "CreateVolume", {**ZONE, "DryRun": True})
    assert (err.value.code, err.value.status) == ("DryRunOperation", 412)
    assert err.value.message == "Request would have succeeded, but DryRun flag is set."
    assert not Volume.objects.exists()
    assert Event.objects.get().error_code == "DryRunOperation"


def test_iam_01_a_user_is_denied_until_a_policy_allows(ctx, evaluator):
    evaluator(lambda c, action, arns, params: Decision(False, "no policy allows it"))
    with pytest.raises(AwsError) as err:
        operations.call(as_user(ctx), "ec2", "CreateVolume", ZONE)
    assert (err.value.code, err.value.status) == ("UnauthorizedOperation", 403)
    message = err.value.message
    assert message.startswith("You are not authorized to perform this operation. User: ")
    assert f"arn:aws:iam::{ctx.account.id}:user/bob is not authorized to perform: " in message
    assert "ec2:CreateVolume" in message
    assert not Volume.objects.exists()
    event = Event.objects.get()
    assert (event.error_code, event.user_name, event.principal_type) == (
        "UnauthorizedOperation",
        "bob",
        "IAMUser",
    )
    assert event.denied


def test_dry_run_tells_whether_the_caller_may(ctx, evaluator):
    allowed = {"alice"}
    evaluator(lambda c, action, arns, params: Decision(c.principal.name in allowed, "no"))
    with pytest.raises(AwsError) as err:
        operations.call(as_user(ctx, "alice"), "ec2", "CreateVolume", {**ZONE, "DryRun": True})
    assert err.value.code == "DryRunOperation"
    with pytest.raises(AwsError) as err:
        operations.call(as_user(ctx, "bob"), "ec2", "CreateVolume", {**ZONE, "DryRun": True})
    assert err.value.code == "UnauthorizedOperation"
    assert not Volume.objects.exists()


def test_the_evaluator_sees_the_iam_action_and_the_root_user_is_never_asked(ctx, evaluator):
    asked = []
    evaluator(lambda c, action, arns, params: asked.append(action) or Decision(True))
    operations.call(as_user(ctx), "ec2", "CreateVolume", ZONE)
    operations.call(ctx, "ec2", "DescribeVolumes", {})
    assert asked == ["ec2:CreateVolume"]


def test_a_root_principal_of_another_account_is_denied(ctx, other_account):
    stranger = CallContext(ctx.account, "us-east-1", Principal.root(other_account.id), "aws")
    with pytest.raises(AwsError) as err:
        operations.call(stranger, "ec2", "CreateVolume", ZONE)
    assert err.value.code == "UnauthorizedOperation"


def test_non_ec2_services_say_access_denied(ctx, evaluator):
    from services.core import authz

    evaluator(lambda c, action, arns, params: Decision(False, "no policy allows it"))
    with pytest.raises(AwsError) as err:
        authz.authorize(as_user(ctx), "s3:ListAllMyBuckets", [], {})
    assert (err.value.code, err.value.status) == ("AccessDenied", 403)
    assert not err.value.message.startswith("You are not authorized")


# --- shapes: the botocore model checks the request ----------------------------------------


def test_parameters_are_checked_against_the_botocore_model(ctx):
    cases = [
        ({"Size": 8}, "MissingParameter"),  # the operation asks for its zone
        ({**ZONE, "Size": "big"}, "InvalidParameterValue"),
        ({**ZONE, "Colour": "red"}, "UnknownParameter"),
    ]
    for params, code in cases:
        with pytest.raises(AwsError) as err:
            operations.call(ctx, "ec2", "CreateVolume", params)
        assert err.value.code == code, params
    assert not Volume.objects.exists()


def test_text_from_forms_is_coerced_to_the_model_types(ctx):
    out = operations.call(
        ctx, "ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": "12"}
    )
    assert out["Size"] == 12


# --- scoping -------------------------------------------------------------------------


def test_visible_to_is_the_callers_account_and_region(ctx, other_account):
    mine = operations.call(ctx, "ec2", "CreateVolume", ZONE)["VolumeId"]
    west = ctx.in_region("us-west-2")
    operations.call(west, "ec2", "CreateVolume", {**ZONE, "AvailabilityZone": "us-west-2a"})
    theirs = CallContext(other_account, "us-east-1", Principal.root(other_account.id), "aws")
    operations.call(theirs, "ec2", "CreateVolume", ZONE)
    assert list(Volume.objects.visible_to(ctx).values_list("resource_id", flat=True)) == [mine]
    assert Volume.objects.visible_to(west).get().availability_zone == "us-west-2a"
    assert Volume.objects.visible_to(theirs).count() == 1
    assert Volume.objects.count() == 3


def test_in_region_is_a_new_call_with_a_new_request_id(ctx):
    west = ctx.in_region("us-west-2")
    assert (west.account, west.principal, west.door) == (ctx.account, ctx.principal, ctx.door)
    assert west.region == "us-west-2" and west.request_id != ctx.request_id
    assert west.resources == []


def test_a_nul_character_is_invalid_character_and_still_audited(ctx):
    with pytest.raises(AwsError) as err:
        operations.call(ctx, "ec2", "DeleteVolume", {"VolumeId": "vol-\x00"})
    assert (err.value.code, err.value.message) == (
        "InvalidCharacter",
        "A specified character is invalid.",
    )
    assert Event.objects.get().request_parameters == {"VolumeId": "vol-\ufffd"}


def test_a_nul_in_an_unknown_region_is_still_audited(ctx):
    with pytest.raises(AwsError) as err:
        operations.call(ctx.in_region("us-east-1\x00"), "ec2", "DescribeVolumes", {})
    assert err.value.code == "InvalidRegion"
    assert Event.objects.get().region == "us-east-1\ufffd"
