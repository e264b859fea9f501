"""S3 through the core authorization path (issue 13): every S3 call is authorized as
its IAM action on S3's resource ARNs (arn:aws:s3:::bucket, arn:aws:s3:::bucket/key),
so an identity policy scoped to objects reads them and nothing more, through the AWS
door (boto3), the console and the operation layer alike; a denial is S3's 403
AccessDenied naming the action and the ARN."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from django.test import Client

from services.core import operations
from services.core.context import CallContext
from services.core.errors import AwsError
from services.s3.models import Bucket
from tests.pages import text

PASSWORD = "Corr3ct-horse-battery"
READ_ONLY_OBJECTS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}
        ],
    }
)


def _root(account) -> CallContext:
    from services.core.context import Principal

    return CallContext(account, "us-east-1", Principal.root(account.id), "system")


def _setup(account) -> None:
    root = _root(account)
    operations.call(root, "s3", "CreateBucket", {"Bucket": "bkt"})
    operations.call(root, "s3", "PutObject", {"Bucket": "bkt", "Key": "notes.txt", "Body": b"hi"})


def _user(account, name: str = "reader", document: str = READ_ONLY_OBJECTS) -> dict:
    root = _root(account)
    operations.call(root, "iam", "CreateUser", {"UserName": name})
    operations.call(
        root,
        "iam",
        "PutUserPolicy",
        {"UserName": name, "PolicyName": "objects", "PolicyDocument": document},
    )
    return operations.call(root, "iam", "CreateAccessKey", {"UserName": name})["AccessKey"]


def _error(excinfo) -> tuple[str, int, str]:
    err = excinfo.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Message"]


def test_a_get_object_only_user_reads_but_cannot_list_or_delete_with_boto3(student):
    from services.core.models import Account

    account = Account.objects.get(id=student.account_id)
    _setup(account)
    key = _user(account)
    s3 = student.client("s3", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])

    assert s3.get_object(Bucket="bkt", Key="notes.txt")["Body"].read() == b"hi"
    assert s3.head_object(Bucket="bkt", Key="notes.txt")["ContentLength"] == 2

    with pytest.raises(ClientError) as listing:
        s3.list_objects_v2(Bucket="bkt")
    code, status, message = _error(listing)
    assert (code, status) == ("AccessDenied", 403)
    assert "s3:ListBucket" in message and '"arn:aws:s3:::bkt"' in message

    with pytest.raises(ClientError) as deleting:
        s3.delete_object(Bucket="bkt", Key="notes.txt")
    code, status, message = _error(deleting)
    assert (code, status) == ("AccessDenied", 403)
    assert "s3:DeleteObject" in message and '"arn:aws:s3:::bkt/notes.txt"' in message

    with pytest.raises(ClientError) as buckets:
        s3.list_buckets()
    assert _error(buckets)[:2] == ("AccessDenied", 403)
    assert "s3:ListAllMyBuckets" in _error(buckets)[2]

    with pytest.raises(ClientError) as versioned:
        s3.get_object(Bucket="bkt", Key="notes.txt", VersionId="null")
    assert "s3:GetObjectVersion" in _error(versioned)[2]

    # Nothing changed: the object is still there.
    assert Bucket.objects.get(resource_id="bkt").versions.filter(key="notes.txt").exists()


def _sign_in(account, name: str) -> Client:
    root = _root(account)
    operations.call(root, "iam", "CreateLoginProfile", {"UserName": name, "Password": PASSWORD})
    client = Client()
    response = client.post(
        "/signin", {"mode": "iam", "account": account.id, "username": name, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:300]
    return client


def test_a_get_object_only_user_in_the_console_downloads_but_cannot_list_or_delete(account):
    _setup(account)
    _user(account)
    client = _sign_in(account, "reader")
    base = "/us-east-1/s3/buckets/"

    download = client.get(base + "bkt/download/?key=notes.txt")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"hi"

    listing = text(client.get(base + "bkt/"))
    assert "s3:ListBucket" in listing and "notes.txt" not in listing

    response = client.post(
        base + "bkt/delete-objects/", {"keys": ["notes.txt"], "prefix": "", "confirm": "delete"}
    )
    assert response.status_code == 302
    shown = text(client.get(response["Location"]))
    assert "Failed to delete 1 object(s)" in shown and "s3:DeleteObject" in shown
    assert "Successfully deleted" not in shown
    assert Bucket.objects.get(resource_id="bkt").versions.filter(key="notes.txt").exists()


def test_the_decision_is_the_core_path_with_s3_arns(account):
    """No S3 operation skips the core authorization; each names its IAM action."""
    s3_ops = operations.registered("s3")
    assert s3_ops and all(op.needs_permission for op in s3_ops)
    actions = {op.action: op.iam_action for op in s3_ops}
    assert actions["ListObjectsV2"] == "s3:ListBucket"
    assert actions["HeadObject"] == "s3:GetObject"
    assert actions["ListBuckets"] == "s3:ListAllMyBuckets"
    assert actions["DeleteBucketCors"] == "s3:PutBucketCORS"

    from services.core import authz

    _setup(account)
    targets = authz.targets_of(
        _root(account), "s3:GetObjectTagging", {"Bucket": "bkt", "Key": "k", "VersionId": "v1"}
    )
    assert [(t.arn, t.action) for t in targets] == [
        ("arn:aws:s3:::bkt/k", "s3:GetObjectVersionTagging")
    ]
    copy = authz.targets_of(
        _root(account), "s3:PutObject", {"Bucket": "bkt", "Key": "to", "CopySource": "bkt/from"}
    )
    assert [(t.arn, t.action) for t in copy] == [
        ("arn:aws:s3:::bkt/from", "s3:GetObject"),
        ("arn:aws:s3:::bkt/to", "s3:PutObject"),
    ]


def test_an_operation_layer_denial_is_access_denied_403(account):
    from services.iam.credentials import principal_for_access_key

    _setup(account)
    key = _user(account)
    creds = principal_for_access_key(key["AccessKeyId"])
    ctx = CallContext(creds.account, "us-east-1", creds.principal, "aws")
    assert operations.call(ctx, "s3", "GetObject", {"Bucket": "bkt", "Key": "notes.txt"})
    with pytest.raises(AwsError) as denied:
        operations.call(ctx, "s3", "DeleteObject", {"Bucket": "bkt", "Key": "notes.txt"})
    assert (denied.value.code, denied.value.status) == ("AccessDenied", 403)
    # DeleteObjects answers each refused key in its Errors, as S3 does.
    delete = {"Objects": [{"Key": "notes.txt"}]}
    result = operations.call(ctx, "s3", "DeleteObjects", {"Bucket": "bkt", "Delete": delete})
    assert [(e["Key"], e["Code"]) for e in result["Errors"]] == [("notes.txt", "AccessDenied")]


def test_delete_objects_authorizes_each_key_on_its_own(account):
    """A policy scoped to a prefix deletes the keys under it in one DeleteObjects call
    (as `aws s3 rm --recursive` and the console send it); the others are that key's
    AccessDenied in the answer, not a refusal of the whole call."""
    from services.iam.credentials import principal_for_access_key

    _setup(account)
    root = _root(account)
    operations.call(root, "s3", "PutObject", {"Bucket": "bkt", "Key": "tmp/a", "Body": b"1"})
    document = json.dumps(
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": "s3:DeleteObject",
                        "Resource": "arn:aws:s3:::bkt/tmp/*"}]}
    )  # fmt: skip
    key = _user(account, "cleaner", document)
    creds = principal_for_access_key(key["AccessKeyId"])
    ctx = CallContext(creds.account, "us-east-1", creds.principal, "aws")
    delete = {"Objects": [{"Key": "tmp/a"}, {"Key": "notes.txt"}]}
    result = operations.call(ctx, "s3", "DeleteObjects", {"Bucket": "bkt", "Delete": delete})
    assert result["Deleted"] == [{"Key": "tmp/a"}]
    (refused,) = result["Errors"]
    assert (refused["Key"], refused["Code"]) == ("notes.txt", "AccessDenied")
    assert "s3:DeleteObject" in refused["Message"]
    versions = Bucket.objects.get(resource_id="bkt").versions
    assert not versions.filter(key="tmp/a").exists() and versions.filter(key="notes.txt").exists()
    with pytest.raises(AwsError) as missing:
        operations.call(ctx, "s3", "DeleteObjects", {"Bucket": "no-such-bkt", "Delete": delete})
    assert missing.value.code == "NoSuchBucket"


def test_emptying_a_bucket_whose_keys_are_refused_says_so_and_stops(account):
    _setup(account)
    document = json.dumps(
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": ["s3:ListBucketVersions",
                                                      "s3:ListAllMyBuckets"],
                        "Resource": "*"}]}
    )  # fmt: skip
    _user(account, "emptier", document)
    client = _sign_in(account, "emptier")
    response = client.post("/us-east-1/s3/buckets/bkt/empty/", {"confirm": "permanently delete"})
    assert response.status_code == 302
    shown = text(client.get(response["Location"]))
    assert "Failed to delete 1 object(s)" in shown and "AccessDenied" in shown
    assert Bucket.objects.get(resource_id="bkt").versions.filter(key="notes.txt").exists()
