"""The S3 console: buckets list (global, with regions), Create bucket with AWS's
options, the object browser with folders, uploads streamed to PutObject, downloads,
object details, and the bucket's settings tabs."""

import pytest

from services.s3.models import Bucket, ObjectVersion
from tests.pages import text

BASE = "/us-east-1/s3/buckets/"


def create(console, **fields):
    data = {"name": "console-bucket", "region": "us-east-1",
            "object_ownership": "BucketOwnerEnforced", "block_all": "on",
            "versioning": "Disabled", "encryption": "AES256", **fields}  # fmt: skip
    return console.post(BASE + "create/", data)


def test_create_bucket_with_the_aws_options(console):
    response = create(console, name="made-in-eu", region="eu-west-1", versioning="Enabled",
                      encryption="aws:kms", tag_key="team", tag_value="blue")  # fmt: skip
    assert response.status_code == 302
    bucket = Bucket.objects.get(resource_id="made-in-eu")
    assert bucket.region == "eu-west-1"
    assert bucket.versioning == "Enabled"
    assert bucket.tags == {"team": "blue"}
    assert bucket.encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == (
        "aws:kms"
    )
    page = text(console.get(BASE))
    assert "made-in-eu" in page and "eu-west-1" in page
    # The list is global: the same from any region.
    assert "made-in-eu" in text(console.get("/ap-south-1/s3/buckets/"))


def test_create_bucket_names_the_broken_rule(console):
    response = create(console, name="Bad_Name")
    assert response.status_code == 200
    assert "Bucket name must not contain uppercase characters." in text(response)
    create(console, name="taken-name")
    response = create(console, name="taken-name", region="eu-west-1")
    assert "A bucket with the same name already exists" in text(response)
    assert Bucket.objects.count() == 1


def test_object_browser_folders_upload_download_and_delete(console):
    create(console)
    response = console.post(BASE + "console-bucket/folder/", {"name": "photos", "prefix": ""})
    assert response.status_code == 302
    body = b"\x89PNG fake image bytes" * 100
    response = console.generic("PUT", BASE + "console-bucket/upload/?key=photos/cat.png",
                               data=body, content_type="image/png")  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["etag"].startswith('"')
    row = ObjectVersion.objects.get(key="photos/cat.png")
    assert (row.size, row.content_type) == (len(body), "image/png")
    top = text(console.get(BASE + "console-bucket/"))
    assert "photos/" in top and "cat.png" not in top
    inside = text(console.get(BASE + "console-bucket/?prefix=photos/"))
    assert "cat.png" in inside
    download = console.get(BASE + "console-bucket/download/?key=photos/cat.png")
    assert b"".join(download.streaming_content) == body
    assert "attachment" in download["Content-Disposition"]
    details = text(console.get(BASE + "console-bucket/object/?key=photos/cat.png"))
    assert "s3://console-bucket/photos/cat.png" in details
    assert "arn:aws:s3:::console-bucket/photos/cat.png" in details
    permissions = text(
        console.get(BASE + "console-bucket/object/?key=photos/cat.png&tab=permissions")
    )
    assert "FULL_CONTROL" in permissions
    response = console.post(BASE + "console-bucket/delete-objects/",
                            {"keys": ["photos/"], "prefix": "", "confirm": "delete"})  # fmt: skip
    assert response.status_code == 302
    assert not ObjectVersion.objects.exists()


def test_bucket_tabs_edit_settings(console):
    create(console)
    settings_url = BASE + "console-bucket/settings/"
    for tab in ("properties", "permissions", "management"):
        assert console.get(BASE + f"console-bucket/?tab={tab}").status_code == 200
    console.post(settings_url, {"what": "versioning", "status": "Enabled"})
    console.post(settings_url, {"what": "website", "enabled": "on", "index": "index.html"})
    console.post(settings_url, {"what": "bpa"})  # every box unticked
    bucket = Bucket.objects.get(resource_id="console-bucket")
    assert bucket.versioning == "Enabled"
    assert bucket.website == {"IndexDocument": {"Suffix": "index.html"}}
    assert not any(bucket.public_access_block.values())
    page = text(console.get(BASE + "console-bucket/?tab=properties", HTTP_HOST="127.0.0.1:8000"))
    assert "http://console-bucket.s3-website-us-east-1.localhost:8000/" in page
    response = console.post(settings_url, {"what": "policy", "document": "{bad json"}, follow=True)
    assert "MalformedPolicy" in text(response)


def test_delete_bucket_needs_its_name_typed(console):
    create(console)
    console.post(BASE + "console-bucket/delete/", {"confirm": "wrong"})
    assert Bucket.objects.exists()
    console.post(BASE + "console-bucket/delete/", {"confirm": "console-bucket"})
    assert not Bucket.objects.exists()


@pytest.mark.parametrize("path", ["", "create/", "nope/"])
def test_pages_need_a_session(client, path):
    response = client.get(BASE + path)
    assert response.status_code == 302 and "/signin" in response["Location"]
