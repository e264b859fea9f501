"""The console's Create bucket page runs CreateBucket and the settings the user chose
(Block Public Access, versioning, encryption) as one: when a setting fails after the
bucket was made, the user sees the error and no half-configured bucket is left."""

from __future__ import annotations

import json

from django.test import Client

from services.core import operations
from services.core.context import CallContext, Principal
from services.core.models import Event
from services.s3.models import Bucket
from tests.pages import text

PASSWORD = "Corr3ct-horse-battery"
BASE = "/us-east-1/s3/buckets/"


def _form(**fields) -> dict:
    return {"name": "half-made", "region": "us-east-1",
            "object_ownership": "BucketOwnerEnforced", "block_all": "on",
            "versioning": "Disabled", "encryption": "AES256", **fields}  # fmt: skip


def _user_console(account, *actions: str) -> Client:
    root = CallContext(account, "us-east-1", Principal.root(account.id), "system")
    document = json.dumps(
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]}
    )  # fmt: skip
    operations.call(root, "iam", "CreateUser", {"UserName": "maker"})
    inline = {"UserName": "maker", "PolicyName": "p", "PolicyDocument": document}
    operations.call(root, "iam", "PutUserPolicy", inline)
    operations.call(root, "iam", "CreateLoginProfile", {"UserName": "maker", "Password": PASSWORD})
    client = Client()
    response = client.post(
        "/signin", {"mode": "iam", "account": account.id, "username": "maker", "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_a_setting_denied_after_the_bucket_was_made_leaves_no_bucket(account):
    client = _user_console(account, "s3:CreateBucket", "s3:ListAllMyBuckets")
    response = client.post(BASE + "create/", _form(versioning="Enabled"))
    assert response.status_code == 200  # the form again, with the error
    page = text(response)
    assert "AccessDenied" in page and "s3:PutBucketVersioning" in page
    assert not Bucket.objects.filter(resource_id="half-made").exists()
    assert "half-made" not in text(client.get(BASE))
    # The failed call is in the event history; the rolled-back creation is not.
    denied = Event.objects.get(event_name="PutBucketVersioning")
    assert denied.error_code == "AccessDenied"
    assert not Event.objects.filter(event_name="CreateBucket", error_code="").exists()


def test_a_later_setting_denied_undoes_the_ones_that_succeeded(account):
    client = _user_console(
        account, "s3:CreateBucket", "s3:PutBucketPublicAccessBlock", "s3:ListAllMyBuckets"
    )
    response = client.post(BASE + "create/", _form(block_all="", encryption="aws:kms"))
    assert response.status_code == 200
    assert "s3:PutEncryptionConfiguration" in text(response)
    assert not Bucket.objects.filter(resource_id="half-made").exists()


def test_the_same_settings_allowed_make_the_configured_bucket(account):
    client = _user_console(
        account, "s3:CreateBucket", "s3:PutBucketVersioning", "s3:ListAllMyBuckets"
    )
    response = client.post(BASE + "create/", _form(versioning="Enabled"))
    assert response.status_code == 302
    assert Bucket.objects.get(resource_id="half-made").versioning == "Enabled"
