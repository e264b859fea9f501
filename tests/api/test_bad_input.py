"""Input PostgreSQL cannot store, or that the schema refuses, is a 400 problem document
at the REST door and changes nothing: NUL bytes and unpaired surrogates in the query,
the path or a JSON body; bodies nested too deep; regions outside the enum."""

from __future__ import annotations

import json

import pytest

from services.ec2.models import Volume

PROBLEM = "application/problem+json"
VOLUMES = "/api/v1/ec2/volumes/"


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == code
    return body


@pytest.mark.parametrize(
    "query",
    [
        "status=%00",
        "tag:Name=web%00",
        "%00=x",
        "state=%00",
        "region=us-east-1%00",
        "limit=1%00",
    ],
)
def test_a_nul_byte_in_a_query_parameter_is_a_400(api, query):
    problem(api.get(f"{VOLUMES}?{query}"), 400, "InvalidCharacter")


@pytest.mark.parametrize("value", ["%ED%A0%80", "%FF%FE", "%C0%80", "%01%1F%7F"])
def test_invalid_utf8_and_control_characters_in_a_filter_match_nothing(api, value):
    api.post(VOLUMES, {"AvailabilityZone": "us-east-1a", "Size": 8}, format="json")
    response = api.get(f"{VOLUMES}?availability-zone={value}")
    assert response.status_code == 200, response.content
    assert response.json()["results"] == []


def test_a_nul_byte_in_an_iam_list_query_is_a_400(api):
    problem(api.get("/api/v1/iam/users/?state=%00"), 400, "InvalidCharacter")


def test_a_nul_byte_in_the_path_is_a_400(api):
    problem(api.get(f"{VOLUMES}vol-%00/"), 400, "InvalidCharacter")
    problem(api.delete("/api/v1/iam/users/AIDA%00/"), 400, "InvalidCharacter")


@pytest.mark.parametrize(
    "body",
    [
        '{"AvailabilityZone": "us-east-1a\\u0000", "Size": 8}',
        '{"AvailabilityZone": "us-east-1a", "Size": 8, "TagSpecifications": [{"ResourceType":'
        ' "volume", "Tags": [{"Key": "Name", "Value": "\\ud800"}]}]}',
        '{"\\u0000": 1}',
    ],
)
def test_bad_characters_in_a_json_body_are_a_400_and_create_nothing(api, body):
    response = api.post(VOLUMES, body, content_type="application/json")
    problem(response, 400, "InvalidCharacter")
    assert not Volume.objects.exists()


def test_a_nul_in_an_iam_body_is_a_400(api):
    response = api.post("/api/v1/iam/users/", {"UserName": "a\x00b"}, format="json")
    problem(response, 400, "InvalidCharacter")


def test_a_body_nested_too_deep_is_a_400(api):
    deep = "[" * 100_000 + "]" * 100_000
    problem(api.post(VOLUMES, deep, content_type="application/json"), 400, "SerializationException")
    nested = json.dumps({"Size": 8, "AvailabilityZone": "us-east-1a", "X": [[[[[[[[[]]]]]]]]] * 1})
    assert api.post(VOLUMES, nested, content_type="application/json").status_code == 400
    problem(
        api.post(VOLUMES, "[" * 40 + "]" * 40, content_type="application/json"),
        400,
        "SerializationException",
    )


@pytest.mark.parametrize("region", ["", "mars-1", "US-EAST-1"])
def test_a_region_outside_the_enum_is_a_400_even_for_iam(api, region):
    problem(api.get(f"/api/v1/iam/users/?region={region}"), 400, "InvalidRegion")
    problem(api.get(f"{VOLUMES}?region={region}"), 400, "InvalidRegion")


def test_a_region_given_twice_is_a_400(api):
    response = api.get(f"{VOLUMES}?region=us-east-1&region=eu-west-1")
    problem(response, 400, "InvalidParameterValue")


def test_a_body_the_schema_refuses_is_the_operations_protocol_error(api):
    wrong_type = api.post(VOLUMES, {"AvailabilityZone": "us-east-1a", "Size": "8"}, format="json")
    assert "Size" in problem(wrong_type, 400, "InvalidParameterValue")["detail"]
    enum = {"AvailabilityZone": "us-east-1a", "Size": 8, "VolumeType": "floppy"}
    problem(api.post(VOLUMES, enum, format="json"), 400, "InvalidParameterValue")
    too_big = {"AvailabilityZone": "us-east-1a", "Size": 2**40}
    problem(api.post(VOLUMES, too_big, format="json"), 400, "InvalidParameterValue")
    long_name = api.post("/api/v1/iam/users/", {"UserName": "u" * 65}, format="json")
    problem(long_name, 400, "ValidationError")
    assert not Volume.objects.exists()


def test_a_valid_body_is_still_accepted(api):
    response = api.post(VOLUMES, {"AvailabilityZone": "us-east-1a", "Size": 8}, format="json")
    assert response.status_code == 201, response.content


def test_an_iam_resource_that_does_not_exist_is_no_such_entity(api):
    problem(api.get("/api/v1/iam/users/AIDAAAAAAAAAAAAAAAAAA/"), 404, "NoSuchEntity")
    problem(api.delete("/api/v1/iam/users/AIDAAAAAAAAAAAAAAAAAA/"), 404, "NoSuchEntity")


@pytest.mark.parametrize("body", ["null", "[]", "8", '"x"'])
def test_a_body_that_is_not_an_object_is_a_400(api, body):
    response = api.post(VOLUMES, body, content_type="application/json")
    problem(response, 400, "SerializationException")


def test_a_path_with_a_newline_is_a_problem_404(api):
    problem(api.get("/api/v1/ec2/volumes/%0A/x/"), 404, "NotFound")
    problem(api.get("/api/v1/classrooms/%0D%0A/"), 404, "NotFound")


@pytest.mark.parametrize("resource_id", ["vol-xyz", "vol-0123", "VOL-0123456789abcdef0", "x"])
def test_an_id_no_volume_can_have_is_a_404(api, resource_id):
    problem(api.get(f"{VOLUMES}{resource_id}/"), 404, "InvalidVolume.NotFound")
    problem(api.delete(f"{VOLUMES}{resource_id}/"), 404, "InvalidVolume.NotFound")
