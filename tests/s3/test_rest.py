"""S3 through the REST door: buckets are a registered resource type, so
/api/v1/s3/buckets/ lists (ListBuckets), creates (CreateBucket), describes and deletes
(DeleteBucket) them with the real operations, and a bucket's objects are listed by its
ListObjectsV2 action; all of it is in the OpenAPI schema."""

from __future__ import annotations

from services.core import operations
from services.core.context import CallContext, Principal
from services.s3.models import Bucket

URL = "/api/v1/s3/buckets/"


def _root(account) -> CallContext:
    return CallContext(account, "us-east-1", Principal.root(account.id), "system")


def test_create_list_describe_and_delete_a_bucket(api, account):
    made = api.post(URL, {"Bucket": "rest-made-bucket"}, format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["id"] == "rest-made-bucket"
    assert body["arn"] == "arn:aws:s3:::rest-made-bucket"
    assert body["bucket_region"] == "us-east-1"
    assert made["Location"].endswith("/api/v1/s3/buckets/rest-made-bucket/?region=us-east-1")

    listed = api.get(URL)
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["results"]] == ["rest-made-bucket"]

    one = api.get(URL + "rest-made-bucket/")
    assert one.status_code == 200 and one.json()["id"] == "rest-made-bucket"

    gone = api.delete(URL + "rest-made-bucket/")
    assert gone.status_code == 204
    assert not Bucket.objects.filter(resource_id="rest-made-bucket").exists()


def test_a_bucket_in_another_region_and_the_s3_errors(api, other_api, account):
    made = api.post(
        URL,
        {
            "Bucket": "rest-eu-bucket",
            "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"},
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    assert Bucket.objects.get(resource_id="rest-eu-bucket").region == "eu-west-1"

    taken = other_api.post(URL, {"Bucket": "rest-eu-bucket"}, format="json")
    assert taken.status_code == 409 and taken.json()["code"] == "BucketAlreadyExists"
    bad = api.post(URL, {"Bucket": "Bad_Name"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "InvalidBucketName"

    # Another account's bucket, or none: S3's NoSuchBucket.
    for client in (other_api, api):
        missing = client.get(URL + ("rest-eu-bucket/" if client is other_api else "nope-bucket/"))
        assert missing.status_code == 404, missing.content
        assert missing.json()["code"] == "NoSuchBucket"
    not_empty = api.post(URL, {"Bucket": "rest-full-bucket"}, format="json")
    assert not_empty.status_code == 201
    operations.call(
        _root(account), "s3", "PutObject", {"Bucket": "rest-full-bucket", "Key": "a", "Body": b"1"}
    )
    refused = api.delete(URL + "rest-full-bucket/")
    assert refused.status_code == 409 and refused.json()["code"] == "BucketNotEmpty"


def test_objects_are_listed_by_the_buckets_list_objects_action(api, account):
    root = _root(account)
    operations.call(root, "s3", "CreateBucket", {"Bucket": "rest-objects"})
    for key in ("a.txt", "photos/cat.png"):
        operations.call(
            root, "s3", "PutObject", {"Bucket": "rest-objects", "Key": key, "Body": b"x"}
        )
    listed = api.post(
        URL + "rest-objects/actions/ListObjectsV2/", {"Delimiter": "/"}, format="json"
    )
    assert listed.status_code == 200, listed.content
    response = listed.json()["response"]
    assert [o["Key"] for o in response["Contents"]] == ["a.txt"]
    assert response["CommonPrefixes"] == [{"Prefix": "photos/"}]


def test_an_iam_user_is_authorized_as_through_every_door(api, account):
    from rest_framework.test import APIClient

    root = _root(account)
    operations.call(root, "s3", "CreateBucket", {"Bucket": "rest-private"})
    operations.call(root, "iam", "CreateUser", {"UserName": "nobody"})
    key = operations.call(root, "iam", "CreateAccessKey", {"UserName": "nobody"})["AccessKey"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key['AccessKeyId']}:{key['SecretAccessKey']}")
    listed = client.get(URL)
    assert listed.status_code == 403
    assert listed.json()["code"] == "AccessDenied"
    assert "s3:ListAllMyBuckets" in listed.json()["detail"]
    made = client.post(URL, {"Bucket": "rest-not-allowed"}, format="json")
    assert made.status_code == 403 and "s3:CreateBucket" in made.json()["detail"]
    assert not Bucket.objects.filter(resource_id="rest-not-allowed").exists()


def test_the_schema_documents_the_bucket_routes(api):
    schema = api.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/s3/buckets/"])
    assert {"get", "delete"} <= set(paths["/api/v1/s3/buckets/{resource_id}/"])
    assert "post" in paths["/api/v1/s3/buckets/{resource_id}/actions/ListObjectsV2/"]
