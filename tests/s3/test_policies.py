"""Who may do what (S3-03): private by default, bucket policies evaluated with the IAM
evaluator (explicit deny wins, even over the owner's root user), other accounts and
anonymous callers allowed only by the policy or an ACL, Block Public Access over both."""

import json

import pytest

from services.core import operations
from services.core.context import Principal
from services.core.errors import AwsError
from tests.s3.conftest import caller

FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
NO_BPA = dict.fromkeys(FLAGS, False)


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def bucket(s3):
    s3("CreateBucket", Bucket="guarded")
    s3("PutObject", Bucket="guarded", Key="doc.txt", Body=b"private")
    return "guarded"


@pytest.fixture
def user(s3, account):
    """An IAM user of the bucket's account allowed s3:* by an inline policy."""
    root = s3.ctx
    operations.call(root, "iam", "CreateUser", {"UserName": "alice"})
    document = policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    operations.call(
        root,
        "iam",
        "PutUserPolicy",
        {"UserName": "alice", "PolicyName": "s3", "PolicyDocument": document},
    )
    return caller(account, Principal(account.id, "IAMUser", "alice"))


def denied(call, *args, **kwargs) -> AwsError:
    with pytest.raises(AwsError) as err:
        call(*args, **kwargs)
    assert (err.value.code, err.value.status) == ("AccessDenied", 403)
    return err.value


def test_s3_03_private_by_default(bucket, other_s3, anonymous_s3):
    denied(other_s3, "GetObject", Bucket=bucket, Key="doc.txt")
    error = denied(anonymous_s3, "GetObject", Bucket=bucket, Key="doc.txt")
    assert error.message == "Access Denied"
    denied(anonymous_s3, "ListObjectsV2", Bucket=bucket)


def test_s3_03_explicit_deny_beats_the_users_allow_and_binds_root(s3, bucket, user):
    assert user.read(bucket, "doc.txt") == b"private"
    s3("PutBucketPolicy", Bucket=bucket, Policy=policy(
        {"Sid": "NoReads", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{bucket}/*"}))  # fmt: skip
    error = denied(user, "GetObject", Bucket=bucket, Key="doc.txt")
    assert "explicit deny in a resource-based policy" in error.message
    assert "arn:aws:iam::" in error.message and "user/alice" in error.message
    denied(s3, "GetObject", Bucket=bucket, Key="doc.txt")  # the root user too
    # ... but the root user can always remove the policy.
    s3("DeleteBucketPolicy", Bucket=bucket)
    assert s3.read(bucket, "doc.txt") == b"private"


def test_s3_03_an_iam_user_needs_an_allow(s3, bucket, account):
    operations.call(s3.ctx, "iam", "CreateUser", {"UserName": "bob"})
    bob = caller(account, Principal(account.id, "IAMUser", "bob"))
    error = denied(bob, "GetObject", Bucket=bucket, Key="doc.txt")
    assert "because no identity-based policy allows the s3:GetObject action" in error.message
    # The bucket policy alone can grant a principal of the same account.
    s3("PutBucketPolicy", Bucket=bucket, Policy=policy(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account.id}:user/bob"},
         "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/doc.txt"}))  # fmt: skip
    assert bob.read(bucket, "doc.txt") == b"private"
    denied(bob, "PutObject", Bucket=bucket, Key="doc.txt", Body=b"x")


def test_s3_03_another_account_needs_the_bucket_policy(s3, other_s3, other_account, bucket):
    s3("PutBucketPolicy", Bucket=bucket, Policy=policy(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other_account.id}:root"},
         "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}))  # fmt: skip
    assert other_s3.read(bucket, "doc.txt") == b"private"
    assert other_s3("ListObjectsV2", Bucket=bucket)["KeyCount"] == 1
    denied(other_s3, "DeleteObject", Bucket=bucket, Key="doc.txt")


def test_s3_03_block_public_access_over_policies_and_acls(s3, bucket, anonymous_s3):
    public = policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                     "Resource": f"arn:aws:s3:::{bucket}/*"})  # fmt: skip
    error = denied(s3, "PutBucketPolicy", Bucket=bucket, Policy=public)
    assert "BlockPublicPolicy" in error.message
    # ACLs are disabled on new buckets ...
    with pytest.raises(AwsError) as err:
        s3("PutBucketAcl", Bucket=bucket, ACL="public-read")
    assert err.value.code == "AccessControlListNotSupported"
    # ... and with them enabled, BlockPublicAcls refuses a public one.
    s3("PutBucketOwnershipControls", Bucket=bucket,
       OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})  # fmt: skip
    denied(s3, "PutBucketAcl", Bucket=bucket, ACL="public-read")
    denied(s3, "PutObject", Bucket=bucket, Key="p", Body=b"x", ACL="public-read")
    # Without Block Public Access the policy makes objects public ...
    s3("PutPublicAccessBlock", Bucket=bucket, PublicAccessBlockConfiguration=NO_BPA)
    s3("PutBucketPolicy", Bucket=bucket, Policy=public)
    assert s3("GetBucketPolicyStatus", Bucket=bucket)["PolicyStatus"]["IsPublic"] is True
    assert anonymous_s3.read(bucket, "doc.txt") == b"private"
    # ... until RestrictPublicBuckets is turned back on.
    s3("PutPublicAccessBlock", Bucket=bucket,
       PublicAccessBlockConfiguration={**NO_BPA, "RestrictPublicBuckets": True})  # fmt: skip
    denied(anonymous_s3, "GetObject", Bucket=bucket, Key="doc.txt")


def test_public_read_object_acl_when_allowed(s3, bucket, anonymous_s3):
    s3("PutBucketOwnershipControls", Bucket=bucket,
       OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})  # fmt: skip
    s3("PutPublicAccessBlock", Bucket=bucket, PublicAccessBlockConfiguration=NO_BPA)
    s3("PutObject", Bucket=bucket, Key="public.txt", Body=b"hi", ACL="public-read")
    assert anonymous_s3.read(bucket, "public.txt") == b"hi"
    acl = s3("GetObjectAcl", Bucket=bucket, Key="public.txt")
    assert {g["Permission"] for g in acl["Grants"]} == {"FULL_CONTROL", "READ"}
    denied(anonymous_s3, "GetObject", Bucket=bucket, Key="doc.txt")  # still private
    s3("PutPublicAccessBlock", Bucket=bucket,
       PublicAccessBlockConfiguration={**NO_BPA, "IgnorePublicAcls": True})  # fmt: skip
    denied(anonymous_s3, "GetObject", Bucket=bucket, Key="public.txt")


def test_malformed_policies(s3, bucket):
    for text, message in [
        ("{not json", None),
        (policy({"Effect": "Allow", "Action": "s3:GetObject",
                 "Resource": f"arn:aws:s3:::{bucket}/*"}), "Principal"),
        (policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::another-bucket/*"}), "Policy has invalid resource"),
    ]:  # fmt: skip
        with pytest.raises(AwsError) as err:
            s3("PutBucketPolicy", Bucket=bucket, Policy=text)
        assert err.value.code == "MalformedPolicy"
        if message:
            assert message in err.value.message
    with pytest.raises(AwsError) as err:
        s3("GetBucketPolicy", Bucket=bucket)
    assert err.value.code == "NoSuchBucketPolicy"
