"""The OpenAPI document says what the API answers: problem documents for errors, each
action's request, the types and bounds of the query parameters, the classroom API."""

from __future__ import annotations

import json

import pytest

PROBLEM = "application/problem+json"


@pytest.fixture
def schema(client, db) -> dict:
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_every_error_answer_is_a_problem_document(schema):
    assert set(schema["components"]["schemas"]["Problem"]["required"]) >= {"code", "detail"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    content = response["content"]
                    assert list(content) == [PROBLEM], (method, path, status)
                    assert content[PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
            if method != "get" or "{" in path or path in ("/api/v1/schema/", "/api/v1/docs/"):
                continue
            assert "406" in operation["responses"], path


def test_writes_document_conflicts_dry_runs_and_content_types(schema):
    create = schema["paths"]["/api/v1/ec2/volumes/"]["post"]
    assert {"400", "401", "403", "404", "409", "412", "415", "429"} <= set(create["responses"])


def test_list_parameters_have_their_types_bounds_and_enums(schema):
    params = {p["name"]: p for p in schema["paths"]["/api/v1/ec2/volumes/"]["get"]["parameters"]}
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000}
    assert params["offset"]["schema"]["minimum"] == 0
    assert "eu-west-1" in params["region"]["schema"]["enum"]
    assert params["state"]["schema"]["type"] == "array"


def test_each_action_is_an_operation_with_its_request(schema):
    attach = schema["paths"]["/api/v1/ec2/volumes/{resource_id}/actions/AttachVolume/"]["post"]
    body = attach["requestBody"]["content"]["application/json"]["schema"]
    # The URL names the volume; the body gives the rest of AttachVolume's request.
    assert "VolumeId" not in body["properties"]
    assert {"InstanceId", "Device"} <= set(body["properties"])
    assert body["additionalProperties"] is False
    ids = {p["name"]: p for p in attach["parameters"]}["resource_id"]
    assert ids["schema"]["pattern"] == "^vol-([0-9a-f]{8}|[0-9a-f]{17})$"


def test_request_bodies_carry_the_models_bounds(schema):
    user = schema["paths"]["/api/v1/iam/users/"]["post"]
    body = user["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["UserName"]
    assert body["properties"]["UserName"]["maxLength"] == 64
    assert body["properties"]["UserName"]["minLength"] == 1
    volume = schema["paths"]["/api/v1/ec2/volumes/"]["post"]
    size = volume["requestBody"]["content"]["application/json"]["schema"]["properties"]["Size"]
    assert size["maximum"] == 2**31 - 1


def test_the_classroom_api_is_documented_with_basic_auth_and_429(schema):
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/classrooms/"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/classrooms/{id}/"])
    assert "get" in paths["/api/v1/labs/"]
    create = paths["/api/v1/classrooms/"]["post"]
    assert {"basicAuth": []} in create["security"]
    assert "429" in create["responses"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["name"]
    assert "first_ec2_instance" in body["properties"]["lab"]["enum"]
    action = paths["/api/v1/classrooms/{id}/students/{student}/{action}/"]["post"]
    names = {p["name"]: p for p in action["parameters"]}
    assert set(names["action"]["schema"]["enum"]) == {"reset", "suspend", "resume"}
