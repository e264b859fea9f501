"""The generic REST door over a registered resource type (EBS volumes): create, list,
describe, delete and actions, each one audited operation call with door "rest"."""

from __future__ import annotations

import re

import pytest

from services.core.lifecycle import settle
from services.core.models import Event
from services.ec2.models import Volume

VOLUMES = "/api/v1/ec2/volumes/"
PROBLEM = "application/problem+json"


def create(api, **body):
    params = {"AvailabilityZone": "us-east-1a", "Size": 8, **body}
    region = params.pop("region", "us-east-1")
    return api.post(f"{VOLUMES}?region={region}", params, format="json")


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == code
    assert body["title"] == code
    assert body["status"] == status
    assert body["request_id"] == response["x-amzn-RequestId"]
    assert response["x-amzn-ErrorType"] == code
    return body


# --- create --------------------------------------------------------------------------


def test_it_creates_a_volume_from_the_aws_request_shape(api, root_key):
    response = create(
        api,
        VolumeType="gp3",
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "data"}]}],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert re.fullmatch(r"vol-[0-9a-f]{17}", body["id"])
    assert body["arn"] == f"arn:aws:ec2:us-east-1:{root_key.account_id}:volume/{body['id']}"
    assert body["region"] == "us-east-1"
    assert body["state"] == "creating"
    assert body["tags"] == {"Name": "data"}
    assert body["availability_zone"] == "us-east-1a"
    assert body["size"] == 8
    assert body["volume_type"] == "gp3"
    assert body["iops"] == 3000
    assert "volume_id" not in body  # it is `id`
    assert response["Location"].endswith(f"{VOLUMES}{body['id']}/?region=us-east-1")
    assert Volume.objects.get(resource_id=body["id"]).account_id == root_key.account_id


def test_create_is_audited_with_door_rest_and_the_response_request_id(api, root_key):
    response = create(api, Size=9)
    event = Event.objects.get(event_name="CreateVolume")
    assert event.door == "rest"
    assert event.error_code == ""
    assert event.request_id == response["x-amzn-RequestId"]
    assert event.access_key_id == root_key.access_key_id
    assert event.principal_arn == f"arn:aws:iam::{root_key.account_id}:root"
    assert event.request_parameters == {"AvailabilityZone": "us-east-1a", "Size": 9}
    assert response.json()["id"] in str(event.resources)


def test_a_refused_create_is_a_problem_document_and_changes_nothing(api):
    body = assert_problem(create(api, AvailabilityZone="us-east-1z"), 400, "InvalidZone.NotFound")
    assert body["detail"] == "The zone 'us-east-1z' does not exist."
    assert body["type"] == "urn:stratolab:error:InvalidZone.NotFound"
    assert body["instance"] == VOLUMES
    assert not Volume.objects.exists()
    event = Event.objects.get(event_name="CreateVolume")
    assert (event.door, event.error_code) == ("rest", "InvalidZone.NotFound")


def test_a_zone_of_another_region_is_not_found(api):
    assert_problem(create(api, region="us-west-2"), 400, "InvalidZone.NotFound")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"Size": "big"}, "InvalidParameterValue"),
        ({"Size": 20000}, "InvalidParameterValue"),
        ({"Sise": 8}, "UnknownParameter"),
        ({"VolumeType": "gp9"}, "InvalidParameterValue"),
    ],
)
def test_bad_parameters_get_the_aws_error(api, body, code):
    assert_problem(create(api, **body), 400, code)
    assert not Volume.objects.exists()


def test_a_missing_parameter_is_missing_parameter(api):
    response = api.post(VOLUMES, {"Size": 8}, format="json")
    body = assert_problem(response, 400, "MissingParameter")
    assert "AvailabilityZone" in body["detail"]


def test_dry_run_answers_412_and_creates_nothing(api):
    body = assert_problem(create(api, DryRun=True), 412, "DryRunOperation")
    assert body["detail"] == "Request would have succeeded, but DryRun flag is set."
    assert not Volume.objects.exists()


def test_an_unknown_region_is_invalid_region(api):
    body = assert_problem(create(api, region="mars-north-1"), 400, "InvalidRegion")
    assert "mars-north-1" in body["detail"]
    assert_problem(api.get(f"{VOLUMES}?region=mars-north-1"), 400, "InvalidRegion")


def test_bad_json_is_a_400_not_a_500(api):
    response = api.generic("POST", VOLUMES, "{not json", content_type="application/json")
    assert_problem(response, 400, "SerializationException")


def test_a_body_that_is_not_an_object_is_refused(api):
    response = api.post(VOLUMES, [1, 2], format="json")
    assert_problem(response, 400, "SerializationException")


def test_a_form_body_is_unsupported_media_type(api):
    response = api.post(VOLUMES, {"Size": "8"})  # multipart, as a browser form sends
    assert_problem(response, 415, "UnsupportedMediaType")


# --- list ----------------------------------------------------------------------------


def test_list_shows_only_the_callers_volumes_in_the_region(api, other_api):
    mine = create(api).json()["id"]
    create(api, region="us-west-2", AvailabilityZone="us-west-2a")
    create(other_api)
    body = api.get(VOLUMES).json()
    assert [v["id"] for v in body["results"]] == [mine]
    assert body["count"] == 1
    west = api.get(f"{VOLUMES}?region=us-west-2").json()["results"]
    assert [v["availability_zone"] for v in west] == ["us-west-2a"]


def test_glb_03_listing_one_region_never_shows_another(api):
    create(api, region="eu-west-1", AvailabilityZone="eu-west-1b")
    assert api.get(VOLUMES).json()["results"] == []


def test_list_is_audited_as_a_read(api):
    api.get(VOLUMES)
    event = Event.objects.get(event_name="DescribeVolumes")
    assert (event.door, event.read_only, event.error_code) == ("rest", True, "")


def test_list_filters_are_describe_filters(api):
    web = create(
        api,
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "web-1"}]}],
    ).json()["id"]
    db = create(
        api,
        AvailabilityZone="us-east-1b",
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "db"}]}],
    ).json()["id"]

    def ids(query: str) -> list[str]:
        response = api.get(f"{VOLUMES}?{query}")
        assert response.status_code == 200, response.content
        return [v["id"] for v in response.json()["results"]]

    assert ids("tag:Name=web*") == [web]
    assert ids("availability-zone=us-east-1b") == [db]
    assert ids("availability-zone=us-east-1a&availability-zone=us-east-1b") == [web, db]
    assert ids("tag-key=Name") == [web, db]
    assert ids("status=creating") == [web, db]
    assert ids("state=available") == []
    assert ids("state=creating&tag:Name=db") == [db]
    settle()
    assert ids("state=available") == [web, db]


def test_an_unknown_filter_is_the_aws_error(api):
    body = assert_problem(api.get(f"{VOLUMES}?colour=red"), 400, "InvalidParameterValue")
    assert body["detail"] == "The filter 'colour' is invalid"


def test_list_pages_with_limit_and_offset(api):
    made = [create(api).json()["id"] for _ in range(3)]
    first = api.get(f"{VOLUMES}?limit=2").json()
    assert first["count"] == 3
    assert [v["id"] for v in first["results"]] == made[:2]
    assert "offset=2" in first["next"]
    second = api.get(first["next"]).json()
    assert [v["id"] for v in second["results"]] == made[2:]
    assert second["next"] is None


@pytest.mark.parametrize(
    "query",
    ["limit=abc", "limit=-3", "limit=0", "offset=-1", "limit=100000", "offset=x", "offset=1.5",
     "limit=2&limit=3", "limit="],
)  # fmt: skip
def test_paging_parameters_the_schema_refuses_are_a_400(api, query):
    """limit is 1 to 1000 and offset 0 or more, once each, as the OpenAPI schema says:
    anything else is refused rather than quietly replaced by the default."""
    create(api)
    response = api.get(f"{VOLUMES}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "InvalidParameterValue"


def test_paging_parameters_at_their_bounds_are_accepted(api):
    create(api)
    assert len(api.get(f"{VOLUMES}?limit=1000&offset=0").json()["results"]) == 1
    assert api.get(f"{VOLUMES}?limit=1&offset=99999999").json()["results"] == []


# --- detail, delete, actions ---------------------------------------------------------


def test_detail_describes_one_volume(api):
    made = create(api).json()
    response = api.get(f"{VOLUMES}{made['id']}/")
    assert response.status_code == 200
    assert response.json() == made | {"state": "creating"}
    assert Event.objects.filter(event_name="DescribeVolumes", door="rest").count() == 1


def test_another_accounts_volume_is_not_found(api, other_api):
    theirs = create(other_api).json()["id"]
    body = assert_problem(api.get(f"{VOLUMES}{theirs}/"), 404, "InvalidVolume.NotFound")
    assert body["detail"] == f"The volume '{theirs}' does not exist."
    assert_problem(api.delete(f"{VOLUMES}{theirs}/"), 404, "InvalidVolume.NotFound")
    assert Volume.objects.get(resource_id=theirs).state == "creating"


def test_a_volume_of_another_region_is_not_found_in_this_one(api):
    made = create(api).json()["id"]
    assert_problem(api.get(f"{VOLUMES}{made}/?region=us-west-2"), 404, "InvalidVolume.NotFound")
    assert api.get(f"{VOLUMES}{made}/?region=us-east-1").status_code == 200


def test_delete_runs_delete_volume_and_the_volume_goes_away(api):
    made = create(api).json()["id"]
    settle()
    response = api.delete(f"{VOLUMES}{made}/")
    assert response.status_code == 202
    assert response.json()["state"] == "deleting"
    event = Event.objects.get(event_name="DeleteVolume")
    assert (event.door, event.request_parameters) == ("rest", {"VolumeId": made})
    settle()
    assert_problem(api.get(f"{VOLUMES}{made}/"), 404, "InvalidVolume.NotFound")
    assert_problem(api.delete(f"{VOLUMES}{made}/"), 404, "InvalidVolume.NotFound")


def test_an_action_runs_its_operation(api):
    made = create(api).json()["id"]
    response = api.post(f"{VOLUMES}{made}/actions/DeleteVolume/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"resource": response.json()["resource"], "response": {}}
    assert response.json()["resource"]["state"] == "deleting"
    assert Event.objects.filter(event_name="DeleteVolume", door="rest").exists()


def test_a_body_cannot_name_another_resource_than_the_url(api, other_api):
    """The URL names the resource: its id is not a member of the action's body (the
    schema does not list it), so a body naming another one changes nothing."""
    mine = create(api).json()["id"]
    theirs = create(other_api).json()["id"]
    response = api.post(
        f"{VOLUMES}{mine}/actions/DeleteVolume/", {"VolumeId": theirs}, format="json"
    )
    assert_problem(response, 400, "UnknownParameter")
    assert Volume.objects.get(resource_id=theirs).state == "creating"
    assert Volume.objects.get(resource_id=mine).state == "creating"
    api.post(f"{VOLUMES}{mine}/actions/DeleteVolume/", {}, format="json")
    assert Volume.objects.get(resource_id=mine).state == "deleting"


def test_an_unknown_action_is_invalid_action(api):
    made = create(api).json()["id"]
    body = assert_problem(
        api.post(f"{VOLUMES}{made}/actions/RebootVolume/", {}, format="json"), 404, "InvalidAction"
    )
    assert "DeleteVolume" in body["detail"]


def test_a_wrong_method_is_method_not_allowed(api):
    assert_problem(api.put(VOLUMES, {}, format="json"), 405, "MethodNotAllowed")


def test_a_create_that_makes_several_answers_all_of_them(api):
    from services.ec2 import ami_catalog

    image = ami_catalog.default_image().image_id("us-east-1")
    body = {"ImageId": image, "InstanceType": "t3.micro", "MinCount": 2, "MaxCount": 2}
    response = api.post("/api/v1/ec2/instances/", body, format="json")
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["count"] == 2
    assert [r["state"] for r in made["results"]] == ["pending", "pending"]
    assert len({r["id"] for r in made["results"]}) == 2
