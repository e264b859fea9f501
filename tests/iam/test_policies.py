"""Managed policies (AWS and customer managed, with versions), attachments, inline
policies, groups and roles."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest

from services.core.errors import AwsError
from tests.iam.conftest import allow, policy

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
EC2_READ = "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess"
AWS_MANAGED = {
    "AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess",
    "AmazonEC2FullAccess", "AmazonEC2ReadOnlyAccess", "AmazonVPCFullAccess",
    "AmazonS3FullAccess", "AmazonS3ReadOnlyAccess",
}  # fmt: skip


def error(fn, *args, **kwargs) -> AwsError:
    with pytest.raises(AwsError) as err:
        fn(*args, **kwargs)
    return err.value


def test_aws_managed_policies_with_their_documents(iam) -> None:
    names = {p["PolicyName"] for p in iam("ListPolicies", Scope="AWS", MaxItems=1000)["Policies"]}
    assert AWS_MANAGED <= names
    got = iam("GetPolicy", PolicyArn=EC2_READ)["Policy"]
    assert got["Arn"] == EC2_READ and got["AttachmentCount"] == 0 and got["IsAttachable"]
    version = iam("GetPolicyVersion", PolicyArn=EC2_READ, VersionId=got["DefaultVersionId"])
    document = json.loads(unquote(version["PolicyVersion"]["Document"]))
    assert document["Statement"][0]["Action"] == ["ec2:Describe*", "ec2:Get*"]
    admin = json.loads(unquote(iam("GetPolicyVersion", PolicyArn=ADMIN, VersionId="v1")[
        "PolicyVersion"]["Document"]))  # fmt: skip
    assert admin["Statement"] == [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    assert error(iam, "DeletePolicy", PolicyArn=ADMIN).code == "AccessDenied"


def test_customer_managed_policy_versions(iam, account) -> None:
    created = iam("CreatePolicy", PolicyName="ReadVolumes", Path="/team/",
                  PolicyDocument=policy(allow("ec2:DescribeVolumes")))["Policy"]  # fmt: skip
    arn = created["Arn"]
    assert arn == f"arn:aws:iam::{account.id}:policy/team/ReadVolumes"
    assert created["PolicyId"].startswith("ANPA") and created["DefaultVersionId"] == "v1"
    for n in range(2, 6):
        v = iam("CreatePolicyVersion", PolicyArn=arn, SetAsDefault=n == 3,
                PolicyDocument=policy(allow(f"ec2:Describe{n}")))["PolicyVersion"]  # fmt: skip
        assert v["VersionId"] == f"v{n}"
    err = error(iam, "CreatePolicyVersion", PolicyArn=arn, PolicyDocument=policy(allow()))
    assert (err.code, err.status) == ("LimitExceeded", 409)
    assert err.message.startswith("A managed policy can have up to 5 versions.")
    versions = iam("ListPolicyVersions", PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v5", "v4", "v3", "v2", "v1"]
    assert [v["IsDefaultVersion"] for v in versions] == [False, False, True, False, False]
    err = error(iam, "DeletePolicyVersion", PolicyArn=arn, VersionId="v3")
    assert (err.code, err.message) == (
        "DeleteConflict",
        "Cannot delete the default version of a policy.",
    )
    iam("DeletePolicyVersion", PolicyArn=arn, VersionId="v1")
    iam("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=policy(allow()))  # v6
    iam("SetDefaultPolicyVersion", PolicyArn=arn, VersionId="v6")
    assert iam("GetPolicy", PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v6"
    assert error(iam, "GetPolicyVersion", PolicyArn=arn, VersionId="v1").code == "NoSuchEntity"


def test_malformed_policies_are_refused(iam) -> None:
    """IAM-04: malformed documents are refused with MalformedPolicyDocument."""
    err = error(
        iam,
        "CreatePolicy",
        PolicyName="bad",
        PolicyDocument='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}',
    )
    assert (err.code, err.status) == ("MalformedPolicyDocument", 400)
    assert err.message == "Policy statement must contain actions."
    err = error(iam, "CreatePolicy", PolicyName="bad", PolicyDocument="{not json")
    assert err.code == "MalformedPolicyDocument"
    assert iam("ListPolicies", Scope="Local")["Policies"] == []


def test_delete_policy_rules(iam) -> None:
    arn = iam("CreatePolicy", PolicyName="p", PolicyDocument=policy(allow()))["Policy"]["Arn"]
    iam(
        "CreateRole",
        RoleName="app",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                    }
                ],
            }
        ),
    )
    iam("AttachRolePolicy", RoleName="app", PolicyArn=arn)
    assert iam("GetPolicy", PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    err = error(iam, "DeletePolicy", PolicyArn=arn)
    assert (err.code, err.message) == (
        "DeleteConflict",
        "Cannot delete a policy attached to entities.",
    )
    entities = iam("ListEntitiesForPolicy", PolicyArn=arn)
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == ["app"]
    iam("DetachRolePolicy", RoleName="app", PolicyArn=arn)
    iam("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=policy(allow("s3:*")))
    assert error(iam, "DeletePolicy", PolicyArn=arn).code == "DeleteConflict"
    iam("DeletePolicyVersion", PolicyArn=arn, VersionId="v2")
    iam("DeletePolicy", PolicyArn=arn)
    assert error(iam, "GetPolicy", PolicyArn=arn).code == "NoSuchEntity"


def test_attachments(iam) -> None:
    iam("CreateUser", UserName="alice")
    err = error(
        iam, "AttachUserPolicy", UserName="alice", PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicy"
    )
    assert err.code == "NoSuchEntity"
    assert (
        err.message
        == "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable."
    )
    arns = [iam("CreatePolicy", PolicyName=f"p{i}", PolicyDocument=policy(allow()))["Policy"]["Arn"]
            for i in range(10)]  # fmt: skip
    for arn in arns:
        iam("AttachUserPolicy", UserName="alice", PolicyArn=arn)
    iam("AttachUserPolicy", UserName="alice", PolicyArn=arns[0])  # twice is fine
    err = error(iam, "AttachUserPolicy", UserName="alice", PolicyArn=ADMIN)
    assert (err.code, err.message) == (
        "LimitExceeded",
        "Cannot exceed quota for PoliciesPerUser: 10",
    )
    attached = iam("ListAttachedUserPolicies", UserName="alice")["AttachedPolicies"]
    assert len(attached) == 10 and attached[0] == {"PolicyName": "p0", "PolicyArn": arns[0]}
    err = error(iam, "DetachUserPolicy", UserName="alice", PolicyArn=ADMIN)
    assert (err.code, err.message) == ("NoSuchEntity", f"Policy {ADMIN} was not found.")


def test_inline_policies(iam) -> None:
    iam("CreateGroup", GroupName="devs")
    document = policy(allow("s3:GetObject", "arn:aws:s3:::bucket/*"))
    iam("PutGroupPolicy", GroupName="devs", PolicyName="read", PolicyDocument=document)
    got = iam("GetGroupPolicy", GroupName="devs", PolicyName="read")
    assert got["GroupName"] == "devs" and json.loads(unquote(got["PolicyDocument"])) == json.loads(
        document
    )
    assert iam("ListGroupPolicies", GroupName="devs")["PolicyNames"] == ["read"]
    big = policy(*[allow(f"s3:Get{'x' * 60}{i}") for i in range(80)])
    err = error(iam, "PutGroupPolicy", GroupName="devs", PolicyName="big", PolicyDocument=big)
    assert err.code == "LimitExceeded"
    assert err.message == "Maximum policy size of 5120 bytes exceeded for group devs"
    iam("DeleteGroupPolicy", GroupName="devs", PolicyName="read")
    err = error(iam, "GetGroupPolicy", GroupName="devs", PolicyName="read")
    assert (err.code, err.message) == (
        "NoSuchEntity",
        "The group policy with name read cannot be found.",
    )


def test_groups_hold_users_only(iam) -> None:
    """IAM-03: groups contain users only; a user may be in several groups."""
    iam("CreateUser", UserName="alice")
    iam("CreateGroup", GroupName="devs")
    iam("CreateGroup", GroupName="ops")
    iam("AddUserToGroup", GroupName="devs", UserName="alice")
    iam("AddUserToGroup", GroupName="ops", UserName="alice")
    groups = iam("ListGroupsForUser", UserName="alice")["Groups"]
    assert [g["GroupName"] for g in groups] == ["devs", "ops"]
    assert groups[0]["GroupId"].startswith("AGPA")
    # A group is not a user: it cannot be put in a group.
    err = error(iam, "AddUserToGroup", GroupName="devs", UserName="ops")
    assert (err.code, err.message) == ("NoSuchEntity", "The user with name ops cannot be found.")
    got = iam("GetGroup", GroupName="devs")
    assert [u["UserName"] for u in got["Users"]] == ["alice"]
    err = error(iam, "DeleteGroup", GroupName="devs")
    assert err.message == "Cannot delete entity, must remove users from group first."


TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def test_roles_and_instance_profiles(iam, account) -> None:
    role = iam("CreateRole", RoleName="web", Path="/app/", AssumeRolePolicyDocument=TRUST,
               Description="web servers", MaxSessionDuration=7200)["Role"]  # fmt: skip
    assert role["RoleId"].startswith("AROA")
    assert role["Arn"] == f"arn:aws:iam::{account.id}:role/app/web"
    assert json.loads(unquote(role["AssumeRolePolicyDocument"])) == json.loads(TRUST)
    got = iam("GetRole", RoleName="web")["Role"]
    assert got["MaxSessionDuration"] == 7200 and got["RoleLastUsed"] == {}
    profile = iam("CreateInstanceProfile", InstanceProfileName="web")["InstanceProfile"]
    assert profile["InstanceProfileId"].startswith("AIPA") and profile["Roles"] == []
    iam("AddRoleToInstanceProfile", InstanceProfileName="web", RoleName="web")
    iam("CreateRole", RoleName="other", AssumeRolePolicyDocument=TRUST)
    err = error(iam, "AddRoleToInstanceProfile", InstanceProfileName="web", RoleName="other")
    assert err.message == "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"
    err = error(iam, "DeleteRole", RoleName="web")
    assert err.message == "Cannot delete entity, must remove roles from instance profile first."
    roles = iam("GetInstanceProfile", InstanceProfileName="web")["InstanceProfile"]["Roles"]
    assert [r["RoleName"] for r in roles] == ["web"]
    iam("RemoveRoleFromInstanceProfile", InstanceProfileName="web", RoleName="web")
    iam("DeleteRole", RoleName="web")


def test_trust_policies_are_validated(iam, account) -> None:
    """IAM-04 and IAM-06: a trust policy names principals, not resources."""
    bad = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Resource": "*",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                }
            ],
        }
    )
    err = error(iam, "CreateRole", RoleName="r", AssumeRolePolicyDocument=bad)
    assert (err.code, err.message) == ("MalformedPolicyDocument", "Has prohibited field Resource")
    ghost = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"AWS": f"arn:aws:iam::{account.id}:user/ghost"},
                }
            ],
        }
    )
    err = error(iam, "CreateRole", RoleName="r", AssumeRolePolicyDocument=ghost)
    assert (
        err.message == f'Invalid principal in policy: "AWS":"arn:aws:iam::{account.id}:user/ghost"'
    )
    err = error(
        iam, "CreateRole", RoleName="r", AssumeRolePolicyDocument=TRUST, MaxSessionDuration=60
    )
    assert err.code == "ValidationError"
    assert iam("ListRoles")["Roles"] == []


def test_paging_with_marker(iam) -> None:
    for i in range(5):
        iam("CreateUser", UserName=f"user{i}")
    first = iam("ListUsers", MaxItems=2)
    assert [u["UserName"] for u in first["Users"]] == ["user0", "user1"] and first["IsTruncated"]
    rest = iam("ListUsers", MaxItems=10, Marker=first["Marker"])
    assert [u["UserName"] for u in rest["Users"]] == ["user2", "user3", "user4"]
    assert rest["IsTruncated"] is False and "Marker" not in rest
