"""IAM through the generic console pages and the REST API: users, groups, roles and
policies are listed, created and deleted there too; the policy editor refuses invalid
JSON with the line at fault."""

from __future__ import annotations

from services.iam.models import ManagedPolicy, User
from tests.pages import text

USERS = "/us-east-1/iam/users/"


def test_users_table(console, iam) -> None:
    iam("CreateUser", UserName="alice", Path="/dev/")
    page = text(console.get(USERS))
    assert "alice" in page and "/dev/" in page and "Disabled" in page


def test_create_user_in_the_console(console) -> None:
    response = console.post(USERS + "create/", {"UserName": "bob", "Path": "/"})
    user = User.objects.get(name="bob")
    assert response.status_code == 302 and user.resource_id in response["Location"]
    assert user.arn in text(console.get(response["Location"]))


def test_policy_editor_points_at_the_line(console) -> None:
    document = (
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n'
        '    {"Effect": "Permit", "Action": "s3:*", "Resource": "*"}\n  ]\n}'
    )
    response = console.post(
        "/us-east-1/iam/policies/create/", {"PolicyName": "p", "PolicyDocument": document}
    )
    assert response.status_code == 200
    assert 'Line 4: Effect must be "Allow" or "Deny", not \'Permit\'.' in text(response)
    assert not ManagedPolicy.objects.exists()


def test_rest_lists_iam_users(iam, api) -> None:
    iam("CreateUser", UserName="alice")
    body = api.get("/api/v1/iam/users/").json()
    (item,) = body["results"]
    assert item["user_name"] == "alice" and item["region"] is None
    assert item["arn"].endswith(":user/alice")


def test_rest_door_enforces_iam(iam, ctx) -> None:
    """The REST door: an EC2 read-only user lists volumes but cannot create one."""
    from services.core import operations
    from services.core.models import AccessKey
    from tests.iam.conftest import key_client

    operations.call(ctx, "ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": 8})
    iam("CreateUser", UserName="reader")
    iam("AttachUserPolicy", UserName="reader",
        PolicyArn="arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess")  # fmt: skip
    key_id = iam("CreateAccessKey", UserName="reader")["AccessKey"]["AccessKeyId"]
    client = key_client(AccessKey.objects.get(access_key_id=key_id))
    listed = client.get("/api/v1/ec2/volumes/")
    assert listed.status_code == 200 and len(listed.json()["results"]) == 1
    refused = client.post(
        "/api/v1/ec2/volumes/", {"AvailabilityZone": "us-east-1a", "Size": 8}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "UnauthorizedOperation"
    assert "ec2:CreateVolume" in refused.json()["detail"]


def test_dashboard_recommends_root_mfa_and_no_root_keys(console, account) -> None:
    page = text(console.get("/us-east-1/iam/"))
    assert "IAM dashboard" in page
    assert "Add MFA for root user" in page
    assert "Root user has active access keys" in page
    assert "No password policy" in page
    assert f"/signin?account={account.alias}" in page


def test_policy_simulator_page_explains_the_decision(console, iam, account) -> None:
    iam("CreateUser", UserName="alice")
    iam("AttachUserPolicy", UserName="alice",
        PolicyArn="arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess")  # fmt: skip
    response = console.post(
        "/us-east-1/iam/simulator/",
        {
            "principal": f"arn:aws:iam::{account.id}:user/alice",
            "actions": "ec2:DescribeVolumes, ec2:RunInstances",
        },
    )
    page = text(response)
    assert "Allowed by AmazonEC2ReadOnlyAccess (aws-managed, line 4)" in page
    assert "Implicitly denied: no statement allowed it." in page
