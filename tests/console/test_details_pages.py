"""Every details page extends the one details template (console/detail.html): the same
header, Actions menu, tabs and panel, and stylesheets only in the head (a `<link>` in the
body restyles the page after it was drawn, and is invalid HTML)."""

from __future__ import annotations

import re

import pytest

from services.core import lifecycle, operations
from services.core.context import CallContext, Principal
from services.core.models import Event
from services.ec2 import ami_catalog
from services.iam import aws_managed
from services.iam.models import ManagedPolicy
from services.vpc.models import RouteTable, SecurityGroup, Subnet, Vpc
from tests.pages import html

R = "/us-east-1"


@pytest.fixture
def call(account):
    ctx = CallContext(account, "us-east-1", Principal.root(account.id), "aws")
    return lambda service, action, **params: operations.call(ctx, service, action, params)


def head_and_body(response) -> tuple[str, str]:
    assert response.status_code == 200, response.content[:500]
    page = html(response)
    head, _, body = page.partition("<body")
    return head, body


def details_pages(call, account) -> dict[str, str]:
    image = ami_catalog.default_image().image_id("us-east-1")
    instance = call("ec2", "RunInstances", ImageId=image, InstanceType="t3.micro",
                    MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]  # fmt: skip
    volume = call("ec2", "CreateVolume", AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    lifecycle.settle()
    call("iam", "CreateUser", UserName="ada")
    call("iam", "CreatePolicy", PolicyName="Mine", PolicyDocument='{"Version": "2012-10-17", '
         '"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}')  # fmt: skip
    vpc = Vpc.objects.get(account=account, region="us-east-1")
    table = RouteTable.objects.filter(vpc=vpc).first()
    policy = ManagedPolicy.objects.get(name="Mine")
    admin = aws_managed.get("arn:aws:iam::aws:policy/AdministratorAccess")
    event = Event.objects.filter(account=account, event_name="CreateVolume").first()
    subnet = Subnet.objects.filter(vpc=vpc).first()
    eni = call("ec2", "CreateNetworkInterface", SubnetId=subnet.resource_id)
    group = SecurityGroup.objects.get(vpc=vpc, group_name="default")
    return {
        "instance": f"{R}/ec2/instances/{instance}/",
        "instance networking": f"{R}/ec2/instances/{instance}/?tab=networking",
        "volume": f"{R}/ec2/volumes/{volume}/",
        "volume tags": f"{R}/ec2/volumes/{volume}/?tab=tags",
        "vpc": f"{R}/vpc/vpcs/{vpc.resource_id}/",
        "route table": f"{R}/vpc/route-tables/{table.resource_id}/",
        "route table routes": f"{R}/vpc/route-tables/{table.resource_id}/?tab=routes",
        "user": f"{R}/iam/users/{call('iam', 'GetUser', UserName='ada')['User']['UserId']}/",
        "policy": f"{R}/iam/policies/{policy.resource_id}/",
        "aws managed policy": f"{R}/iam/policies/{admin.policy_id}/",
        "event": f"{R}/cloudtrail/events/{event.event_id}/",
        "network interface": f"{R}/ec2/network-interfaces/"
        f"{eni['NetworkInterface']['NetworkInterfaceId']}/",
        "security group rules": f"{R}/vpc/security-groups/{group.resource_id}/?tab=inbound",
    }


def test_no_details_page_has_a_stylesheet_in_its_body(console, call, account):
    for name, url in details_pages(call, account).items():
        head, body = head_and_body(console.get(url))
        assert "<link" not in body and "<style" not in body, name
        assert 'href="/static/css/console.css"' in head, name
        assert body.count('id="detail-panel"') <= 1, name


def test_the_service_stylesheets_are_in_the_head(console, call, account):
    pages = details_pages(call, account)
    head, _ = head_and_body(console.get(pages["instance"]))
    assert "ec2/ec2.css" in head
    head, _ = head_and_body(console.get(pages["route table"]))
    assert "vpc/vpc.css" in head
    for url in (f"{R}/vpc/", f"{R}/ec2/", f"{R}/vpc/vpcs/create/", f"{R}/s3/buckets/"):
        response = console.get(url, follow=True)
        head, body = head_and_body(response)
        assert "<link" not in body, url


def test_details_pages_share_the_header_tabs_and_actions(console, call, account):
    pages = details_pages(call, account)
    for name in ("instance", "volume", "vpc", "route table", "user", "policy", "network interface"):
        _, body = head_and_body(console.get(pages[name]))
        assert body.count('class="page-header"') == 1, name
        assert body.count('role="tablist"') == 1, name
        assert body.count('id="rt-form"') == 1, name
        assert "Actions" in body, name
    _, body = head_and_body(console.get(pages["instance"]))
    assert "Instance summary for i-" in body and 'aria-label="Instance details"' in body
    _, body = head_and_body(console.get(pages["instance networking"]))
    assert re.search(
        r'<a class="rid" href="/us-east-1/ec2/network-interfaces/eni-[0-9a-f]+/"', body
    )
    _, body = head_and_body(console.get(pages["route table routes"]))
    assert 'aria-label="Routes"' in body and "data-polling" not in body
    _, body = head_and_body(console.get(pages["aws managed policy"]))
    assert 'id="rt-form"' not in body and 'aria-label="Refresh"' not in body
    _, body = head_and_body(console.get(pages["event"]))
    assert 'role="tablist"' not in body and "Back to Event history" in body
    assert re.search(r"data-event-record>\s*\{", body)


def test_the_polling_panel_alone_is_the_same_panel(console, call, account):
    image = ami_catalog.default_image().image_id("us-east-1")
    instance = call("ec2", "RunInstances", ImageId=image, InstanceType="t3.micro",
                    MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]  # fmt: skip
    url = f"{R}/ec2/instances/{instance}/?tab=status"
    panel = html(console.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="detail-panel"))
    assert panel.lstrip().startswith('<div id="detail-panel"') and "data-polling" in panel
    assert "Status checks" in panel and "<body" not in panel
