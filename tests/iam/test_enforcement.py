"""Enforcement end to end through services.core.operations.call: every operation of
every service is authorized by the IAM evaluator for IAM users and assumed roles."""

from __future__ import annotations

import pytest

from services.core.errors import AwsError
from services.core.models import Event
from services.ec2.models import Volume
from tests.iam.conftest import allow, call, deny, policy

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
EC2_READ = "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess"
VOLUME = {"AvailabilityZone": "us-east-1a", "Size": 8}


def denied(ctx, service, action, **params) -> AwsError:
    with pytest.raises(AwsError) as err:
        call(ctx, service, action, **params)
    return err.value


def test_a_new_user_can_do_nothing(user_ctx, account) -> None:
    """IAM-01: implicit deny until a policy allows."""
    alice = user_ctx("alice")
    err = denied(alice, "ec2", "DescribeVolumes")
    assert (err.code, err.status) == ("UnauthorizedOperation", 403)
    assert err.message == (
        "You are not authorized to perform this operation. User: "
        f"arn:aws:iam::{account.id}:user/alice is not authorized to perform: "
        "ec2:DescribeVolumes because no identity-based policy allows the ec2:DescribeVolumes "
        "action"
    )
    err = denied(alice, "iam", "CreateUser", UserName="bob")
    assert (err.code, err.status) == ("AccessDenied", 403)
    assert err.message == (
        f"User: arn:aws:iam::{account.id}:user/alice is not authorized to perform: "
        f"iam:CreateUser on resource: arn:aws:iam::{account.id}:user/bob because no "
        "identity-based policy allows the iam:CreateUser action"
    )
    err = denied(alice, "cloudtrail", "LookupEvents")
    assert err.code == "AccessDeniedException"


def test_ec2_read_only_describes_but_cannot_create(user_ctx, ctx, account) -> None:
    mine = call(ctx, "ec2", "CreateVolume", **VOLUME)["VolumeId"]
    alice = user_ctx("alice", managed=(EC2_READ,))
    volumes = call(alice, "ec2", "DescribeVolumes")["Volumes"]
    assert [v["VolumeId"] for v in volumes] == [mine]
    err = denied(alice, "ec2", "CreateVolume", **VOLUME)
    assert err.code == "UnauthorizedOperation"
    assert err.message == (
        "You are not authorized to perform this operation. User: "
        f"arn:aws:iam::{account.id}:user/alice is not authorized to perform: "
        f"ec2:CreateVolume on resource: arn:aws:ec2:us-east-1:{account.id}:volume/* because "
        "no identity-based policy allows the ec2:CreateVolume action"
    )
    err = denied(alice, "ec2", "DeleteVolume", VolumeId=mine)
    assert f"on resource: arn:aws:ec2:us-east-1:{account.id}:volume/{mine}" in err.message
    # The denied call changed nothing and is in the event history as denied.
    assert Volume.objects.count() == 1
    event = Event.objects.filter(event_name="CreateVolume", user_name="alice").get()
    assert event.error_code == "UnauthorizedOperation" and event.denied
    assert event.principal_arn == f"arn:aws:iam::{account.id}:user/alice"


def test_dry_run_answers_whether_the_call_would_be_allowed(user_ctx) -> None:
    reader = user_ctx("reader", managed=(EC2_READ,))
    admin = user_ctx("admin", managed=(ADMIN,))
    assert denied(admin, "ec2", "CreateVolume", DryRun=True, **VOLUME).code == "DryRunOperation"
    assert denied(reader, "ec2", "CreateVolume", DryRun=True, **VOLUME).code == (
        "UnauthorizedOperation"
    )
    assert not Volume.objects.exists()


def test_deny_on_a_tag_condition_wins_over_administrator_access(user_ctx, ctx) -> None:
    """IAM-02: an explicit Deny overrides any Allow."""
    tagged = {"TagSpecifications": [{"ResourceType": "volume",
                                     "Tags": [{"Key": "env", "Value": "prod"}]}]}  # fmt: skip
    prod = call(ctx, "ec2", "CreateVolume", **VOLUME, **tagged)["VolumeId"]
    dev = call(ctx, "ec2", "CreateVolume", **VOLUME)["VolumeId"]
    protect = policy(
        deny("ec2:DeleteVolume", Sid="ProtectProd",
             Condition={"StringEquals": {"aws:ResourceTag/env": "prod"}})
    )  # fmt: skip
    alice = user_ctx("alice", managed=(ADMIN,), inline=(protect,))
    err = denied(alice, "ec2", "DeleteVolume", VolumeId=prod)
    assert err.code == "UnauthorizedOperation"
    assert err.message.endswith("with an explicit deny in an identity-based policy")
    call(alice, "ec2", "DeleteVolume", VolumeId=dev)
    assert Volume.objects.get(resource_id=prod).state != "deleting"


def test_request_tags_can_be_required(user_ctx) -> None:
    require = policy(
        allow("ec2:*"),
        deny("ec2:CreateVolume", Condition={"Null": {"aws:RequestTag/cost-center": "true"}}),
    )
    alice = user_ctx("alice", inline=(require,))
    assert denied(alice, "ec2", "CreateVolume", **VOLUME).code == "UnauthorizedOperation"
    tags = [{"ResourceType": "volume", "Tags": [{"Key": "cost-center", "Value": "42"}]}]
    call(alice, "ec2", "CreateVolume", TagSpecifications=tags, **VOLUME)


def test_group_policies_are_inherited(iam, user_ctx) -> None:
    """IAM-03: a user inherits the policies of all their groups."""
    alice = user_ctx("alice")
    iam("CreateGroup", GroupName="readers")
    iam("AttachGroupPolicy", GroupName="readers", PolicyArn=EC2_READ)
    iam("CreateGroup", GroupName="iam-readers")
    iam("PutGroupPolicy", GroupName="iam-readers", PolicyName="list",
        PolicyDocument=policy(allow("iam:List*")))  # fmt: skip
    iam("AddUserToGroup", GroupName="readers", UserName="alice")
    assert denied(alice, "iam", "ListUsers").code == "AccessDenied"
    iam("AddUserToGroup", GroupName="iam-readers", UserName="alice")
    call(alice, "ec2", "DescribeVolumes")
    assert [u["UserName"] for u in call(alice, "iam", "ListUsers")["Users"]] == ["alice"]


def test_users_manage_their_own_keys_with_a_policy_variable(iam, user_ctx, account) -> None:
    own = policy(allow("iam:*AccessKey*", f"arn:aws:iam::{account.id}:user/${{aws:username}}"))
    alice = user_ctx("alice", inline=(own,))
    iam("CreateUser", UserName="bob")
    created = call(alice, "iam", "CreateAccessKey")["AccessKey"]
    assert created["UserName"] == "alice"
    err = denied(alice, "iam", "CreateAccessKey", UserName="bob")
    assert f"on resource: arn:aws:iam::{account.id}:user/bob" in err.message


def test_permissions_boundary_caps_administrator_access(iam, user_ctx, account) -> None:
    """IAM-09: a permissions boundary limits what identity policies grant."""
    alice = user_ctx("alice", managed=(ADMIN,))
    iam("PutUserPermissionsBoundary", UserName="alice", PermissionsBoundary=EC2_READ)
    call(alice, "ec2", "DescribeVolumes")
    err = denied(alice, "ec2", "CreateVolume", **VOLUME)
    assert err.message.endswith(
        "because no permissions boundary allows the ec2:CreateVolume action"
    )
    assert iam("GetUser", UserName="alice")["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": EC2_READ,
    }


def test_global_condition_keys(user_ctx) -> None:
    region_and_ip = policy(
        allow("ec2:Describe*"),
        deny("*", Condition={"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}),
        deny("ec2:DescribeVolumes", Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
    )
    home = user_ctx("alice", inline=(region_and_ip,), source_ip="10.1.2.3")
    call(home, "ec2", "DescribeVolumes")
    abroad = home.in_region("eu-west-1")
    assert denied(abroad, "ec2", "DescribeVolumes").code == "UnauthorizedOperation"
    from services.core.context import CallContext

    outside = CallContext(home.account, "us-east-1", home.principal, "aws",
                          source_ip="203.0.113.5", access_key_id=home.access_key_id)  # fmt: skip
    assert denied(outside, "ec2", "DescribeVolumes").code == "UnauthorizedOperation"


def test_principal_tags_and_mfa_keys(iam, user_ctx) -> None:
    by_team = policy(
        allow("ec2:Describe*", Condition={"StringEquals": {"aws:PrincipalTag/team": "storage"}}),
        deny("ec2:DescribeVolumes",
             Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}),
    )  # fmt: skip
    alice = user_ctx("alice", inline=(by_team,))
    assert denied(alice, "ec2", "DescribeSnapshots").code == "UnauthorizedOperation"
    iam("TagUser", UserName="alice", Tags=[{"Key": "team", "Value": "storage"}])
    call(alice, "ec2", "DescribeSnapshots")
    # Long-term access keys carry no MFA key, so a Bool test on it does not match...
    call(alice, "ec2", "DescribeVolumes")
    # ...a console session without MFA says false, and is denied.
    from services.core.context import CallContext

    console = CallContext(alice.account, "us-east-1", alice.principal, "console")
    assert denied(console, "ec2", "DescribeVolumes").code == "UnauthorizedOperation"


def test_user_path_shows_in_the_denial(iam, as_key, account) -> None:
    iam("CreateUser", UserName="carol", Path="/staff/")
    key = iam("CreateAccessKey", UserName="carol")["AccessKey"]["AccessKeyId"]
    err = denied(as_key(key), "iam", "ListUsers")
    assert err.message.startswith(f"User: arn:aws:iam::{account.id}:user/staff/carol is not")
    assert f"on resource: arn:aws:iam::{account.id}:user/ because" in err.message


def test_simulate_principal_policy_names_the_deciding_statement(iam, account) -> None:
    iam("CreateUser", UserName="alice")
    iam("AttachUserPolicy", UserName="alice", PolicyArn=ADMIN)
    iam("PutUserPolicy", UserName="alice", PolicyName="no-iam",
        PolicyDocument=policy(deny("iam:*", Sid="NoIam")))  # fmt: skip
    results = iam(
        "SimulatePrincipalPolicy",
        PolicySourceArn=f"arn:aws:iam::{account.id}:user/alice",
        ActionNames=["ec2:RunInstances", "iam:CreateUser"],
    )["EvaluationResults"]
    run, create = results
    assert run["EvalDecision"] == "allowed"
    assert run["MatchedStatements"][0]["SourcePolicyId"] == "AdministratorAccess"
    assert run["MatchedStatements"][0]["SourcePolicyType"] == "aws-managed"
    assert create["EvalDecision"] == "explicitDeny"
    document = policy(deny("iam:*", Sid="NoIam"))
    start, end = document.index('{"Effect"'), document.index("}]") + 1
    assert create["MatchedStatements"] == [{
        "SourcePolicyId": "no-iam", "SourcePolicyType": "user",
        "StartPosition": {"Line": 1, "Column": start + 1},
        "EndPosition": {"Line": 1, "Column": end + 1},
    }]  # fmt: skip
    custom = iam(
        "SimulateCustomPolicy",
        PolicyInputList=[policy(allow("s3:GetObject",
                                      Condition={"StringEquals": {"aws:username": "bob"}}))],
        ActionNames=["s3:GetObject"],
        ContextEntries=[{"ContextKeyName": "aws:username", "ContextKeyValues": ["bob"],
                         "ContextKeyType": "string"}],
    )["EvaluationResults"]  # fmt: skip
    assert custom[0]["EvalDecision"] == "allowed"
