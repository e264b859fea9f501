"""The API's own pages: root, regions, account, schema and docs; unknown paths."""

from __future__ import annotations

import json

import pytest


def test_root_lists_services_and_resource_types(api):
    body = api.get("/api/v1/").json()
    ec2 = next(s for s in body["services"] if s["code"] == "ec2")
    volumes = next(t for t in ec2["resource_types"] if t["slug"] == "volumes")
    assert volumes["url"] == "http://testserver/api/v1/ec2/volumes/"
    assert volumes["create_operation"] == "CreateVolume"
    assert volumes["delete_operation"] == "DeleteVolume"
    assert body["regions"] == "http://testserver/api/v1/regions/"


def test_glb_01_regions_list_their_availability_zones(client, db):
    body = client.get("/api/v1/regions/").json()
    assert body["default"] == "us-east-1"
    regions = {r["code"]: r for r in body["regions"]}
    east = regions["us-east-1"]
    assert east["name"] == "US East (N. Virginia)"
    assert [z["name"] for z in east["availability_zones"]] == [
        f"us-east-1{letter}" for letter in "abcdef"
    ]
    assert sorted(z["zone_id"] for z in east["availability_zones"]) == [
        f"use1-az{n}" for n in range(1, 7)
    ]
    assert all(len(r["availability_zones"]) >= 3 for r in regions.values())


def test_account_shows_the_caller(api, account, root_key):
    body = api.get("/api/v1/account/").json()
    assert body["account_id"] == account.id
    assert body["alias"] == "student"
    assert body["email"] == "student@example.com"
    assert body["caller"] == {
        "arn": f"arn:aws:iam::{account.id}:root",
        "type": "Root",
        "user_name": None,
        "access_key_id": root_key.access_key_id,
    }


def test_an_iam_user_does_not_see_the_root_email(account):
    from services.core.models import AccessKey
    from tests.api.conftest import key_client

    key = AccessKey.objects.create(account=account, user_name="alice")
    body = key_client(key).get("/api/v1/account/").json()
    assert body["email"] is None
    assert body["caller"]["arn"] == f"arn:aws:iam::{account.id}:user/alice"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nope/",
        "/api/v1/ec2/",
        "/api/v1/ec2/widgets/",
        "/api/v1/ec2/widgets/w-1/",
        "/api/v1/ec2/volumes/vol-1/actions/",
    ],
)
def test_an_unknown_path_is_a_404_problem(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "NotFound"


def test_a_missing_final_slash_is_pointed_out(api):
    response = api.get("/api/v1/ec2/volumes")
    assert response.status_code == 404
    assert "/api/v1/ec2/volumes/" in response.json()["detail"]


def test_the_schema_describes_each_resource_type_from_botocore(client, db):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/ec2/volumes/"])
    assert {"get", "delete"} <= set(paths["/api/v1/ec2/volumes/{resource_id}/"])
    create = paths["/api/v1/ec2/volumes/"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["AvailabilityZone"]["type"] == "string"
    assert body["properties"]["Size"]["type"] == "integer"
    assert "gp3" in body["properties"]["VolumeType"]["enum"]
    shown = create["responses"]["201"]["content"]["application/json"]["schema"]
    assert {"id", "arn", "tags", "availability_zone", "size"} <= set(shown["properties"])
    # The sandbox API's two schemes, and the classroom API's Basic and session.
    assert set(schema["components"]["securitySchemes"]) == {
        "accessKey",
        "consoleSession",
        "basicAuth",
        "cookieAuth",
    }
    assert "Token <access key id>:<secret access key>" in schema["info"]["description"]
    ids = [op["operationId"] for p in paths.values() for op in p.values()]
    assert len(ids) == len(set(ids))


def test_the_docs_page_works_without_internet(client, db):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/v1/schema/" in html
    assert "cdn" not in html.lower()
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert asset["Content-Type"] == "text/javascript"
    assert b"SwaggerUIBundle" in b"".join(asset.streaming_content)
    assert client.get("/api/v1/docs/assets/..%2fLICENSE").status_code == 404


def test_a_bug_in_a_view_is_an_internal_failure_document(rf):
    from services.core.api.errors import exception_handler

    request = rf.get("/api/v1/ec2/volumes/")
    request.request_id = "req-1"
    response = exception_handler(ZeroDivisionError("oops"), {"request": request})
    assert response.status_code == 500
    assert response.data["code"] == "InternalFailure"
    assert "oops" not in str(response.data)
    assert response.data["request_id"] == "req-1"


def test_head_and_options_answer(api):
    assert api.head("/api/v1/ec2/volumes/").status_code == 200
    response = api.options("/api/v1/ec2/volumes/")
    assert response.status_code == 200
    assert "application/json" in response.json()["parses"]
