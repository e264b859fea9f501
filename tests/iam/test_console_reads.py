"""Console pages that show data run the IAM authorization of the Describe/List/Get call
they stand for, as the signed-in principal, and show AWS's alert when it is denied
(issue 11 item 2): an IAM user without policies, or with `Deny ec2:*`, sees no
instance, volume, VPC, IAM user, bucket or event of the account in the console, as the
CLI and REST would not show them either."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from services.core import operations
from services.core.models import Event
from services.ec2 import ami_catalog
from services.ec2.models import Instance
from services.iam.models import User
from services.vpc.models import RouteTable, SecurityGroup, Vpc
from tests.iam.conftest import allow, deny, policy
from tests.pages import html

R = "/us-east-1"
PASSWORD = "Corr3ct-horse-battery"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
EC2_TITLE = "You are not authorized to perform this operation."


def _tags(resource_type: str, name: str) -> list[dict]:
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


@pytest.fixture
def world(ctx, console) -> dict:
    """What the account holds, made by its root user: a resource of every kind a
    console page shows, each with a name that must not appear on a denied page."""

    def run(service: str, action: str, **params) -> dict:
        return operations.call(ctx, service, action, params)

    image = ami_catalog.default_image().image_id("us-east-1")
    instance = run("ec2", "RunInstances", ImageId=image, InstanceType="t2.micro", MinCount=1,
                   MaxCount=1, TagSpecifications=_tags("instance", "hidden-instance-4711"),
                   )["Instances"][0]["InstanceId"]  # fmt: skip
    volume = run("ec2", "CreateVolume", AvailabilityZone="us-east-1a", Size=8,
                 TagSpecifications=_tags("volume", "hidden-volume-4711"))["VolumeId"]  # fmt: skip
    vpc = run("ec2", "CreateVpc", CidrBlock="10.47.0.0/16",
              TagSpecifications=_tags("vpc", "hidden-vpc-4711"))["Vpc"]["VpcId"]  # fmt: skip
    subnet = run("ec2", "CreateSubnet", VpcId=vpc, CidrBlock="10.47.1.0/24")["Subnet"]["SubnetId"]
    group = SecurityGroup.objects.get(vpc__resource_id=vpc, group_name="default").resource_id
    table = RouteTable.objects.filter(vpc__resource_id=vpc).first().resource_id
    run("iam", "CreateUser", UserName="hidden-user-4711")
    user_id = User.objects.get(name="hidden-user-4711").resource_id
    assert console.post(f"{R}/s3/buckets/create/", {
        "name": "hidden-bucket-4711", "region": "us-east-1",
        "object_ownership": "BucketOwnerEnforced", "block_all": "on",
        "versioning": "Disabled", "encryption": "AES256",
    }).status_code == 302  # fmt: skip
    upload = console.generic("PUT", f"{R}/s3/buckets/hidden-bucket-4711/upload/"
                             "?key=private/hidden-object-4711.txt", data=b"secret",
                             content_type="text/plain")  # fmt: skip
    assert upload.status_code == 200
    event = Event.objects.filter(account=ctx.account, event_name="CreateVpc").first()
    default_vpc = Vpc.objects.get(account=ctx.account, region="us-east-1", is_default=True)
    return {
        "instance": instance,
        "volume": volume,
        "vpc": vpc,
        "subnet": subnet,
        "group": group,
        "route_table": table,
        "default_vpc": default_vpc.resource_id,
        "user": "hidden-user-4711",
        "user_id": user_id,
        "bucket": "hidden-bucket-4711",
        "key": "private/hidden-object-4711.txt",
        "event": str(event.event_id),
        "names": [
            "hidden-instance-4711",
            "hidden-volume-4711",
            "hidden-vpc-4711",
            "10.47.1.0/24",
            "hidden-object-4711",
        ],  # fmt: skip
    }


def _sign_in(iam, account, name: str, *, managed: tuple = (), inline: str = "") -> Client:
    iam("CreateUser", UserName=name)
    iam("CreateLoginProfile", UserName=name, Password=PASSWORD)
    for arn in managed:
        iam("AttachUserPolicy", UserName=name, PolicyArn=arn)
    if inline:
        iam("PutUserPolicy", UserName=name, PolicyName="inline", PolicyDocument=inline)
    client = Client()
    response = client.post(
        "/signin", {"mode": "iam", "account": account.id, "username": name, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:300]
    return client


def _ec2_pages(w: dict) -> list[tuple[str, str]]:
    """(page, the action its alert names) of EC2 and VPC."""
    return [
        (f"{R}/ec2/home/", "ec2:DescribeInstances"),
        (f"{R}/ec2/instances/", "ec2:DescribeInstances"),
        (f"{R}/ec2/instances/{w['instance']}/", "ec2:DescribeInstances"),
        (f"{R}/ec2/instances/{w['instance']}/?tab=storage", "ec2:DescribeInstances"),
        (f"{R}/ec2/volumes/", "ec2:DescribeVolumes"),
        (f"{R}/ec2/volumes/{w['volume']}/", "ec2:DescribeVolumes"),
        (f"{R}/ec2/snapshots/", "ec2:DescribeSnapshots"),
        (f"{R}/ec2/key-pairs/", "ec2:DescribeKeyPairs"),
        (f"{R}/ec2/amis/", "ec2:DescribeImages"),
        (f"{R}/vpc/", "ec2:DescribeVpcs"),
        (f"{R}/vpc/vpcs/", "ec2:DescribeVpcs"),
        (f"{R}/vpc/vpcs/{w['vpc']}/", "ec2:DescribeVpcs"),
        (f"{R}/vpc/subnets/", "ec2:DescribeSubnets"),
        (f"{R}/vpc/subnets/{w['subnet']}/", "ec2:DescribeSubnets"),
        (f"{R}/vpc/security-groups/", "ec2:DescribeSecurityGroups"),
        (f"{R}/vpc/security-groups/{w['group']}/", "ec2:DescribeSecurityGroups"),
        (f"{R}/vpc/security-groups/{w['group']}/edit-inbound-rules/", "ec2:DescribeSecurityGroups"),
        (f"{R}/vpc/route-tables/", "ec2:DescribeRouteTables"),
        (f"{R}/vpc/route-tables/{w['route_table']}/", "ec2:DescribeRouteTables"),
        (f"{R}/vpc/route-tables/{w['route_table']}/edit-routes/", "ec2:DescribeRouteTables"),
        (f"{R}/vpc/internet-gateways/", "ec2:DescribeInternetGateways"),
        (f"{R}/vpc/network-acls/", "ec2:DescribeNetworkAcls"),
        (f"{R}/vpc/elastic-ips/", "ec2:DescribeAddresses"),
    ]


def _other_pages(w: dict) -> list[tuple[str, str]]:
    """(page, the action its alert names) of IAM, CloudTrail and S3."""
    bucket = f"{R}/s3/buckets/{w['bucket']}/"
    return [
        (f"{R}/iam/", "iam:GetAccountSummary"),
        (f"{R}/iam/users/", "iam:ListUsers"),
        (f"{R}/iam/users/{w['user_id']}/", "iam:GetUser"),
        (f"{R}/iam/groups/", "iam:ListGroups"),
        (f"{R}/iam/roles/", "iam:ListRoles"),
        (f"{R}/iam/policies/", "iam:ListPolicies"),
        (f"{R}/cloudtrail/events/", "cloudtrail:LookupEvents"),
        (f"{R}/cloudtrail/events/{w['event']}/", "cloudtrail:LookupEvents"),
        (f"{R}/s3/buckets/", "s3:ListAllMyBuckets"),
        (bucket, "s3:ListBucket"),
        (f"{bucket}object/?key={w['key']}", "s3:GetObject"),
    ]


def _secrets(w: dict) -> list[str]:
    return [
        w["instance"], w["volume"], w["vpc"], w["subnet"], w["group"], w["default_vpc"],
        w["route_table"],
        w["user"], w["user_id"], w["bucket"], w["key"], *w["names"],
    ]  # fmt: skip


def _assert_denied(client: Client, url: str, action: str, secrets: list[str]) -> None:
    response = client.get(url)
    assert response.status_code in (200, 403), (url, response.status_code)
    page = html(response)
    assert f'data-denied="{action}"' in page, url
    if action.startswith("ec2:"):
        assert EC2_TITLE in page, url
    else:
        assert "Access denied" in page and f"You don't have permission to {action}." in page
    assert f"is not authorized to perform: {action}" in page, url
    # Nothing of the account shows, but what the address itself names.
    for secret in secrets:
        if secret not in url:
            assert secret not in page, (url, secret)


def test_a_user_without_policies_sees_the_alert_and_no_data_on_every_page(iam, account, world):
    client = _sign_in(iam, account, "newcomer")
    for url, action in _ec2_pages(world) + _other_pages(world):
        _assert_denied(client, url, action, _secrets(world))
    # The search in the top bar lists no resource of a type they may not list.
    page = html(client.get("/search/?q=hidden"))
    for secret in _secrets(world):
        assert secret not in page
    page = html(client.get(f"/search/?q={world['instance'][:8]}", HTTP_HX_REQUEST="true"))
    assert world["instance"] not in page


def test_an_explicit_deny_of_ec2_wins_over_allow_all(iam, account, world):
    document = policy(allow("*"), deny("ec2:*"))
    client = _sign_in(iam, account, "no-ec2", inline=document)
    ec2_secrets = [world[k] for k in ("instance", "volume", "vpc", "subnet", "group",
                                      "default_vpc")] + world["names"][:4]  # fmt: skip
    for url, action in _ec2_pages(world):
        _assert_denied(client, url, action, ec2_secrets)
        assert "with an explicit deny in an identity-based policy" in html(client.get(url))
    # The rest of the account is theirs to read.
    assert world["user"] in html(client.get(f"{R}/iam/users/"))
    assert world["bucket"] in html(client.get(f"{R}/s3/buckets/"))
    assert world["user_id"] in html(client.get(f"/search/?q={world['user_id']}"))
    found = html(client.get("/search/?q=hidden"))
    assert "hidden-instance-4711" not in found and "hidden-vpc-4711" not in found


def test_the_launch_page_offers_no_network_or_key_the_user_may_not_describe(iam, account, world):
    client = _sign_in(iam, account, "newcomer", inline=policy(allow("ec2:RunInstances")))
    page = html(client.get(f"{R}/ec2/launch/"))
    for secret in (world["default_vpc"], world["vpc"], world["subnet"], world["group"]):
        assert secret not in page
    # Nor an instance to make an image of.
    page = html(client.get(f"{R}/ec2/instances/actions/CreateImage/"))
    assert world["instance"] not in page


def test_a_read_only_user_sees_the_data(iam, account, world):
    client = _sign_in(iam, account, "reader", managed=(READ_ONLY,))
    _assert_readable(client, world)


def test_the_root_user_sees_everything(console, world):
    _assert_readable(console, world)


def _assert_readable(client: Client, w: dict) -> None:
    shows = {
        f"{R}/ec2/instances/": w["instance"],
        f"{R}/ec2/instances/{w['instance']}/": "hidden-instance-4711",
        f"{R}/ec2/volumes/": w["volume"],
        f"{R}/ec2/home/": w["default_vpc"],
        f"{R}/vpc/vpcs/": w["vpc"],
        f"{R}/vpc/subnets/{w['subnet']}/": "10.47.1.0/24",
        f"{R}/vpc/security-groups/{w['group']}/": w["vpc"],
        f"{R}/iam/users/": w["user"],
        f"{R}/iam/users/{w['user_id']}/": w["user"],
        f"{R}/cloudtrail/events/": "CreateVpc",
        f"{R}/cloudtrail/events/{w['event']}/": "CreateVpc",
        f"{R}/s3/buckets/": w["bucket"],
        f"{R}/s3/buckets/{w['bucket']}/?prefix=private/": "hidden-object-4711.txt",
        f"{R}/s3/buckets/{w['bucket']}/object/?key={w['key']}": "hidden-object-4711.txt",
    }
    for url, wanted in shows.items():
        response = client.get(url)
        assert response.status_code == 200, url
        page = html(response)
        assert wanted in page, url
        assert "data-denied" not in page, url
    assert "hidden-vpc-4711" in html(client.get("/search/?q=hidden"))


def test_a_denied_read_is_in_the_event_history(iam, account, world):
    client = _sign_in(iam, account, "newcomer")
    client.get(f"{R}/ec2/instances/")
    event = Event.objects.get(event_name="DescribeInstances", user_name="newcomer")
    assert (event.error_code, event.door) == ("UnauthorizedOperation", "console")


def test_a_polled_table_of_a_denied_user_keeps_no_rows(iam, account, world):
    Instance.objects.filter(resource_id=world["instance"]).update(state="pending")
    client = _sign_in(iam, account, "newcomer")
    response = client.get(f"{R}/ec2/instances/", HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="rt-results")  # fmt: skip
    page = html(response)
    assert 'data-denied="ec2:DescribeInstances"' in page
    assert world["instance"] not in page and "data-polling" not in page


# --- a console session whose identity is gone ends at its next request --------------------


def _signed_out(client: Client, url: str = f"{R}/ec2/volumes/") -> str:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/signin")
    page = html(client.get(response["Location"]))
    assert "data-session-ended" in page
    # And the session is gone for good: no page, no REST call.
    assert client.get(f"{R}/ec2/volumes/").status_code == 302
    assert client.get("/api/v1/account/").status_code in (401, 403)
    return page


def test_a_deleted_users_session_ends_at_its_next_request(iam, account, world):
    client = _sign_in(iam, account, "leaver", managed=(READ_ONLY,))
    assert client.get(f"{R}/ec2/volumes/").status_code == 200
    iam("DeleteLoginProfile", UserName="leaver")
    iam("DetachUserPolicy", UserName="leaver", PolicyArn=READ_ONLY)
    iam("DeleteUser", UserName="leaver")
    page = _signed_out(client)
    assert "leaver" in page and "Sign in again" in page


def test_a_user_whose_console_password_was_deleted_is_signed_out(iam, account):
    client = _sign_in(iam, account, "no-console", managed=(READ_ONLY,))
    assert client.get(f"{R}/ec2/volumes/").status_code == 200
    iam("DeleteLoginProfile", UserName="no-console")
    _signed_out(client)
    # An htmx poll is sent to the sign-in page as a whole page, not swapped into a table.
    client = _sign_in(iam, account, "poller", managed=(READ_ONLY,))
    iam("DeleteLoginProfile", UserName="poller")
    poll = client.get(f"{R}/ec2/volumes/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="rt-results")
    assert poll["HX-Redirect"].startswith("/signin")


def _trust(account_id: str) -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                 "Action": "sts:AssumeRole"}  # fmt: skip
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _switched(iam, account, world, role_policy: str = "") -> Client:
    client = _sign_in(iam, account, "switcher", inline=policy(allow("sts:AssumeRole")))
    iam("CreateRole", RoleName="Visitor", AssumeRolePolicyDocument=_trust(account.id))
    if role_policy:
        iam("AttachRolePolicy", RoleName="Visitor", PolicyArn=role_policy)
    data = {"account": account.id, "role": "Visitor", "display": "Visitor", "colour": "blue"}
    client.post(f"{R}/iam/switch-role/", data)
    return client


def test_a_role_session_without_permissions_sees_the_alert(iam, account, world):
    client = _switched(iam, account, world)
    page = html(client.get(f"{R}/ec2/instances/"))
    assert "assumed-role/Visitor/" in page
    _assert_denied(client, f"{R}/ec2/instances/", "ec2:DescribeInstances", _secrets(world))
    _assert_denied(client, f"{R}/iam/users/", "iam:ListUsers", _secrets(world))


def test_a_role_session_whose_role_was_deleted_is_signed_out(iam, account, world):
    client = _switched(iam, account, world, READ_ONLY)
    assert world["instance"] in html(client.get(f"{R}/ec2/instances/"))
    iam("DetachRolePolicy", RoleName="Visitor", PolicyArn=READ_ONLY)
    iam("DeleteRole", RoleName="Visitor")
    page = _signed_out(client, f"{R}/ec2/instances/")
    assert "Visitor" in page


def test_every_registered_table_names_the_call_it_stands_for():
    """A new resource type gets the same protection without writing a view: its table
    and details page authorize its Describe/List operation."""
    from services.core import registry
    from services.core.api.calls import describe_operation, find_operation

    for rt in registry.resource_types():
        assert describe_operation(rt) is not None, rt.key
        if "detail_operation" in rt.extra:
            assert find_operation(rt, rt.extra["detail_operation"]) is not None, rt.key


def test_a_bucket_tab_names_each_read_it_may_not_make(iam, account, world):
    document = policy(allow(["s3:ListAllMyBuckets", "s3:ListBucket"]))
    client = _sign_in(iam, account, "lister", inline=document)
    objects = html(client.get(f"{R}/s3/buckets/{world['bucket']}/?prefix=private/"))
    assert "hidden-object-4711.txt" in objects and "data-denied" not in objects
    page = html(client.get(f"{R}/s3/buckets/{world['bucket']}/?tab=properties"))
    assert 'data-denied="s3:GetBucketVersioning"' in page
    assert 'data-denied="s3:GetBucketTagging"' in page


def test_a_user_created_again_under_the_same_name_is_not_the_old_session(iam, account):
    client = _sign_in(iam, account, "twin", managed=(READ_ONLY,))
    assert client.get(f"{R}/ec2/volumes/").status_code == 200
    iam("DeleteLoginProfile", UserName="twin")
    iam("DetachUserPolicy", UserName="twin", PolicyArn=READ_ONLY)
    iam("DeleteUser", UserName="twin")
    iam("CreateUser", UserName="twin")
    iam("CreateLoginProfile", UserName="twin", Password=PASSWORD)
    _signed_out(client)


def test_an_instance_page_hides_the_rules_and_volumes_the_user_may_not_describe(
    iam, account, world
):
    document = policy(allow("ec2:DescribeInstances"))
    client = _sign_in(iam, account, "instances-only", inline=document)
    instance = Instance.objects.get(resource_id=world["instance"])
    volume = instance.volume_attachments.first().volume.resource_id
    page = html(client.get(f"{R}/ec2/instances/{world['instance']}/?tab=storage"))
    assert 'data-denied="ec2:DescribeVolumes"' in page and volume not in page
    page = html(client.get(f"{R}/ec2/instances/{world['instance']}/?tab=security"))
    assert 'data-denied="ec2:DescribeSecurityGroups"' in page and "data-rules" not in page
    assert "hidden-instance-4711" in html(client.get(f"{R}/ec2/instances/{world['instance']}/"))
