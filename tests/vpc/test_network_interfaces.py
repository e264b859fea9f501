"""Network interfaces as a registered type: EC2's console lists them under "Network &
Security" with details, create and delete pages, and the REST door and its OpenAPI
schema have /api/v1/ec2/network-interfaces/, all running the EC2 operations."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from services.core.models import AccessKey, Event
from services.vpc.models import NetworkInterface, Subnet
from tests.pages import html
from tests.pages import text as page_text

PAGES = "/us-east-1/ec2/network-interfaces/"
API = "/api/v1/ec2/network-interfaces/"


@pytest.fixture
def rest(account) -> APIClient:
    key = AccessKey.objects.get(account=account, user_name="")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key.access_key_id}:{key.secret_access_key}")
    return client


@pytest.fixture
def subnet(account) -> Subnet:
    return Subnet.objects.filter(account=account, region="us-east-1").order_by("cidr_block")[0]


def test_the_ec2_console_lists_them_under_network_and_security(console, api, subnet):
    eni = api.CreateNetworkInterface(SubnetId=subnet.resource_id, Description="lab eni")
    eni_id = eni["NetworkInterface"]["NetworkInterfaceId"]
    page = console.get(PAGES)
    assert page.status_code == 200
    shown = page_text(page)
    assert eni_id in shown and "lab eni" in shown and subnet.resource_id in shown
    assert "Network interfaces (1)" in shown
    nav = html(page).split('class="sidenav"', 1)[1].split("</nav>", 1)[0]
    assert "Network & Security" in nav and f'href="{PAGES}"' in nav
    details = page_text(console.get(f"{PAGES}{eni_id}/"))
    for expected in ("MAC address", eni["NetworkInterface"]["MacAddress"], "default",
                     eni["NetworkInterface"]["PrivateIpAddress"], "available"):  # fmt: skip
        assert expected.lower() in details.lower()


def test_create_and_delete_from_the_console(console, account, subnet):
    form = console.get(f"{PAGES}create/")
    assert form.status_code == 200 and subnet.resource_id in html(form)
    created = console.post(
        f"{PAGES}create/",
        {"SubnetId": subnet.resource_id, "Description": "made here", "Name": "web"},
        follow=True,
    )
    eni = NetworkInterface.objects.get(account=account, description="made here")
    assert f"Successfully created network interface {eni.resource_id}" in page_text(created)
    assert eni.tags == {"Name": "web"}
    url = f"{PAGES}actions/DeleteNetworkInterface/"
    console.post(url, {"ids": [eni.resource_id], "confirmation": "delete"}, follow=True)
    assert not NetworkInterface.objects.filter(pk=eni.pk).exists()
    assert Event.objects.filter(event_name="DeleteNetworkInterface", door="console").exists()


def test_an_attached_interface_cannot_be_deleted_from_the_console(console, api, account, subnet):
    eni_id = api.CreateNetworkInterface(SubnetId=subnet.resource_id)["NetworkInterface"][
        "NetworkInterfaceId"
    ]
    NetworkInterface.objects.filter(resource_id=eni_id).update(status="in-use")
    url = f"{PAGES}actions/DeleteNetworkInterface/"
    console.post(url, {"ids": [eni_id], "confirmation": "delete"}, follow=True)
    assert NetworkInterface.objects.filter(resource_id=eni_id).exists()


def test_rest_list_create_get_delete(rest, subnet):
    created = rest.post(
        f"{API}?region=us-east-1",
        {"SubnetId": subnet.resource_id, "Description": "from rest"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    eni_id = body["id"]
    assert eni_id.startswith("eni-") and body["subnet_id"] == subnet.resource_id
    assert body["description"] == "from rest" and body["status"] == "available"
    assert created["Location"].endswith(f"{API}{eni_id}/?region=us-east-1")
    listed = rest.get(f"{API}?subnet-id={subnet.resource_id}")
    assert [r["id"] for r in listed.json()["results"]] == [eni_id]
    assert rest.get(f"{API}{eni_id}/").json()["mac_address"]
    gone = rest.delete(f"{API}{eni_id}/")
    assert gone.status_code == 204, gone.content
    missing = rest.get(f"{API}{eni_id}/")
    assert missing.status_code == 404, missing.content
    assert missing.json()["code"] == "InvalidNetworkInterfaceID.NotFound"
    assert Event.objects.filter(event_name="CreateNetworkInterface", door="rest").exists()


def test_rest_create_in_an_unknown_subnet_is_the_aws_error(rest):
    response = rest.post(API, {"SubnetId": "subnet-0123456789abcdef0"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidSubnetID.NotFound"
    assert not NetworkInterface.objects.exists()


def test_the_openapi_schema_documents_them(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    assert set(paths[API]) >= {"get", "post"}
    assert "delete" in paths[API + "{resource_id}/"]
    create = paths[API]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "SubnetId" in create["required"]
    shown = paths[API + "{resource_id}/"]["get"]["responses"]["200"]["content"]
    properties = shown["application/json"]["schema"]["properties"]
    assert {"subnet_id", "mac_address", "private_ip_address", "groups"} <= set(properties)
