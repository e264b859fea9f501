"""The REST door over the VPC resource types: list, create, get and delete run the same
EC2 operations as the console and the AWS door."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from services.core.models import AccessKey, Event


@pytest.fixture
def rest(account) -> APIClient:
    key = AccessKey.objects.get(account=account, user_name="")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key.access_key_id}:{key.secret_access_key}")
    return client


def test_vpcs_list_create_get_delete(rest):
    listed = rest.get("/api/v1/vpc/vpcs/?region=us-east-1")
    assert listed.status_code == 200, listed.content
    created = rest.post(
        "/api/v1/vpc/vpcs/?region=us-east-1", {"CidrBlock": "10.0.0.0/16"}, format="json"
    )
    assert created.status_code == 201, created.content
    vpc_id = created.json()["id"]
    got = rest.get(f"/api/v1/vpc/vpcs/{vpc_id}/?region=us-east-1")
    assert got.status_code == 200 and got.json()["cidr_block"] == "10.0.0.0/16"
    gone = rest.delete(f"/api/v1/vpc/vpcs/{vpc_id}/?region=us-east-1")
    assert gone.status_code in (200, 202, 204), gone.content
    assert Event.objects.filter(event_name="DeleteVpc", door="rest", error_code="").exists()


def test_delete_vpc_with_subnets_is_a_dependency_violation_problem(rest, api):
    vpc = api.CreateVpc(CidrBlock="10.0.0.0/16")["Vpc"]
    api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24")
    response = rest.delete(f"/api/v1/vpc/vpcs/{vpc['VpcId']}/?region=us-east-1")
    assert response.status_code == 400
    assert response.json()["code"] == "DependencyViolation"


@pytest.mark.parametrize(
    "slug,body",
    [
        ("internet-gateways", {}),
        ("elastic-ips", {"Domain": "vpc"}),
        ("security-groups", {"GroupName": "web", "Description": "web"}),
    ],
)
def test_other_types_create_and_delete(rest, slug, body):
    created = rest.post(f"/api/v1/vpc/{slug}/?region=us-east-1", body, format="json")
    assert created.status_code == 201, created.content
    rid = created.json()["id"]
    assert rest.get(f"/api/v1/vpc/{slug}/?region=us-east-1").status_code == 200
    assert rest.get(f"/api/v1/vpc/{slug}/{rid}/?region=us-east-1").status_code == 200
    assert rest.delete(f"/api/v1/vpc/{slug}/{rid}/?region=us-east-1").status_code in (200, 202, 204)
