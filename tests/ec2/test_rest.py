"""EC2's resource types through the REST door (/api/v1): the same operations as the
console, from the registry in services/ec2/resources.py."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from services.core import lifecycle
from services.ec2 import ami_catalog
from services.ec2.models import Instance, KeyPair

AL2023 = ami_catalog.default_image().image_id("us-east-1")


@pytest.fixture
def api(account) -> APIClient:
    key = account.access_keys.get(user_name="")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key.access_key_id}:{key.secret_access_key}")
    return client


def test_instances_list_create_get_action_delete(api):
    body = {"ImageId": AL2023, "InstanceType": "t2.micro", "MinCount": 1, "MaxCount": 1}
    made = api.post("/api/v1/ec2/instances/?region=us-east-1", body, format="json")
    assert made.status_code == 201, made.content
    iid = made.json()["id"]
    assert made.json()["state"] == "pending"
    lifecycle.settle()
    listed = api.get("/api/v1/ec2/instances/?region=us-east-1&instance-state-name=running")
    assert [r["id"] for r in listed.json()["results"]] == [iid]
    one = api.get(f"/api/v1/ec2/instances/{iid}/?region=us-east-1").json()
    assert one["instance_type"] == "t2.micro" and one["private_ip_address"]
    stop = api.post(f"/api/v1/ec2/instances/{iid}/actions/StopInstances/?region=us-east-1")
    assert stop.status_code == 200, stop.content
    assert Instance.objects.get(resource_id=iid).state == "stopping"
    change = api.post(
        f"/api/v1/ec2/instances/{iid}/actions/ModifyInstanceAttribute/?region=us-east-1",
        {"DisableApiTermination": {"Value": True}},
        format="json",
    )
    assert change.status_code == 200, change.content
    refused = api.delete(f"/api/v1/ec2/instances/{iid}/?region=us-east-1")
    assert refused.status_code == 400 and refused.json()["code"] == "OperationNotPermitted"


def test_key_pairs_and_images(api):
    made = api.post("/api/v1/ec2/key-pairs/?region=us-east-1", {"KeyName": "rest"}, format="json")
    assert made.status_code == 201, made.content
    key_id = made.json()["id"]
    assert api.get(f"/api/v1/ec2/key-pairs/{key_id}/?region=us-east-1").json()["key_name"] == "rest"
    assert api.delete(f"/api/v1/ec2/key-pairs/{key_id}/?region=us-east-1").status_code in (200, 204)
    assert not KeyPair.objects.exists()
    body = {"ImageId": AL2023, "InstanceType": "t2.micro", "MinCount": 1, "MaxCount": 1}
    iid = api.post("/api/v1/ec2/instances/?region=us-east-1", body, format="json").json()["id"]
    lifecycle.settle()
    image = api.post(
        "/api/v1/ec2/amis/?region=us-east-1", {"InstanceId": iid, "Name": "rest-ami"}, format="json"
    )
    assert image.status_code == 201, image.content
    assert image.json()["name"] == "rest-ami" and image.json()["state"] == "pending"
    snaps = api.get("/api/v1/ec2/snapshots/?region=us-east-1").json()["results"]
    assert len(snaps) == 1
