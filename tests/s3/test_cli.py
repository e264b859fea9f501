"""The AWS CLI, unchanged, against the live server: the high-level `aws s3` commands
and `aws s3api`, byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

from tests.s3.conftest import run_cli as cli


def _run_ok(done):
    assert done.returncode == 0, done.stderr
    return done


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _put(url: str, body: bytes) -> int:
    """A plain PUT without the Content-Type urllib would add (the URL did not sign one)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=30)
    connection.request("PUT", f"{parts.path}?{parts.query}", body=body)
    status = connection.getresponse().status
    connection.close()
    return status


def test_cp_of_20_mb_goes_multipart_and_comes_back_byte_for_byte(student, tmp_path):
    _run_ok(cli(student, "s3", "mb", "s3://cli-big"))
    data = os.urandom(20 * 1024 * 1024)
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    _run_ok(cli(student, "s3", "cp", str(source), "s3://cli-big/big.bin"))
    head = _run_ok(cli(student, "s3api", "head-object", "--bucket", "cli-big", "--key", "big.bin"))
    # The CLI sends 8 MiB parts: three parts, and S3's multipart ETag says so.
    part_md5s = b"".join(
        hashlib.md5(data[i : i + 8 * 1024 * 1024]).digest()
        for i in range(0, len(data), 8 * 1024 * 1024)
    )
    assert head.data["ETag"] == f'"{hashlib.md5(part_md5s).hexdigest()}-3"'
    assert head.data["ContentLength"] == len(data)
    target = tmp_path / "down.bin"
    _run_ok(cli(student, "s3", "cp", "s3://cli-big/big.bin", str(target)))
    assert target.read_bytes() == data


def test_sync_ls_and_rm_recursive(student, tmp_path):
    _run_ok(cli(student, "s3", "mb", "s3://cli-sync"))
    folder = tmp_path / "site"
    (folder / "css").mkdir(parents=True)
    (folder / "index.html").write_text("<h1>hello</h1>")
    (folder / "css" / "main.css").write_text("body { color: red }")
    (folder / "notes with spaces.txt").write_text("spaces & plus+signs")
    _run_ok(cli(student, "s3", "sync", str(folder), "s3://cli-sync/site"))
    listing = _run_ok(cli(student, "s3", "ls", "s3://cli-sync/site/")).stdout
    assert "PRE css/" in listing
    assert "index.html" in listing and "notes with spaces.txt" in listing
    recursive = _run_ok(cli(student, "s3", "ls", "--recursive", "s3://cli-sync")).stdout
    assert "site/css/main.css" in recursive
    # A second sync has nothing to do.
    again = _run_ok(cli(student, "s3", "sync", str(folder), "s3://cli-sync/site"))
    assert "upload:" not in again.stdout
    back = tmp_path / "back"
    _run_ok(cli(student, "s3", "sync", "s3://cli-sync/site", str(back)))
    assert (back / "notes with spaces.txt").read_text() == "spaces & plus+signs"
    assert (back / "css" / "main.css").read_text() == "body { color: red }"
    buckets = _run_ok(cli(student, "s3", "ls")).stdout
    assert "cli-sync" in buckets
    _run_ok(cli(student, "s3", "rm", "--recursive", "s3://cli-sync/site"))
    assert _run_ok(cli(student, "s3", "ls", "--recursive", "s3://cli-sync")).stdout == ""
    _run_ok(cli(student, "s3", "rb", "s3://cli-sync"))


def test_s3_06_cli_presign_sigv2_then_plain_get(student, tmp_path):
    _run_ok(cli(student, "s3", "mb", "s3://cli-presign"))
    source = tmp_path / "report.txt"
    source.write_bytes(b"quarterly numbers")
    _run_ok(cli(student, "s3", "cp", str(source), "s3://cli-presign/reports/q1 report.txt"))
    url = _run_ok(cli(student, "s3", "presign", "s3://cli-presign/reports/q1 report.txt")).stdout
    url = url.strip()
    assert "AWSAccessKeyId=" in url and "Signature=" in url and "Expires=" in url
    assert _get(url) == (200, b"quarterly numbers")
    # Tampering with the URL breaks the signature.
    status, body = _get(url.replace("q1%20report", "q2%20report"))
    assert status == 403 and b"SignatureDoesNotMatch" in body
    # s3v4, as `s3 = signature_version = s3v4` in the CLI config asks.
    done = cli(
        student, "s3", "presign", "s3://cli-presign/reports/q1 report.txt", "--expires-in", "60",
        config="[default]\ns3 =\n    signature_version = s3v4\n",
    )  # fmt: skip
    url = _run_ok(done).stdout.strip()
    assert "X-Amz-Credential=" in url
    assert _get(url) == (200, b"quarterly numbers")


def test_s3_06_presigned_urls_expire_and_carry_the_signers_permissions(student, monkeypatch):
    import datetime as dt

    import botocore.auth

    client = student.client("s3")
    client.create_bucket(Bucket="presign-boto")
    client.put_object(Bucket="presign-boto", Key="k", Body=b"v")
    for config in (Config(), Config(signature_version="s3v4")):
        signer = boto3.client(
            "s3", region_name="us-east-1", endpoint_url=student.endpoint, config=config,
            aws_access_key_id=student.access_key_id,
            aws_secret_access_key=student.secret_access_key,
        )  # fmt: skip
        params = {"Bucket": "presign-boto", "Key": "k"}
        url = signer.generate_presigned_url("get_object", Params=params, ExpiresIn=60)
        assert _get(url) == (200, b"v")
        # Signed two hours ago for one minute: expired.
        past = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=2)
        epoch = str(int(past.replace(tzinfo=dt.UTC).timestamp()) + 60)
        with monkeypatch.context() as patch:
            patch.setattr(botocore.auth, "get_current_datetime", lambda p=past: p)
            patch.setattr(botocore.auth.HmacV1QueryAuth, "_get_date", lambda self, e=epoch: e)
            expired = signer.generate_presigned_url("get_object", Params=params, ExpiresIn=60)
        status, body = _get(expired)
        assert status == 403 and b"<Code>AccessDenied</Code>" in body
        assert b"Request has expired" in body
        # A key that does not exist is refused whatever it signs.
        forged = boto3.client(
            "s3", region_name="us-east-1", endpoint_url=student.endpoint, config=config,
            aws_access_key_id="AKIAEXAMPLEEXAMPLE12", aws_secret_access_key="x" * 40,
        )  # fmt: skip
        status, body = _get(forged.generate_presigned_url("get_object", Params=params))
        assert status == 403 and b"InvalidAccessKeyId" in body
    # A presigned PUT uploads with the signer's rights.
    put_url = client.generate_presigned_url(
        "put_object", Params={"Bucket": "presign-boto", "Key": "up"}, ExpiresIn=60
    )
    assert _put(put_url, b"uploaded") == 200
    assert client.get_object(Bucket="presign-boto", Key="up")["Body"].read() == b"uploaded"


def test_s3api_bad_digest_no_such_key_and_bad_names(student, tmp_path):
    _run_ok(cli(student, "s3api", "create-bucket", "--bucket", "cli-api"))
    body = tmp_path / "b.txt"
    body.write_bytes(b"some bytes")
    wrong = "1B2M2Y8AsgTpgAmY7PhCfg=="  # the MD5 of nothing
    done = cli(student, "s3api", "put-object", "--bucket", "cli-api", "--key", "b.txt",
                       "--body", str(body), "--content-md5", wrong)  # fmt: skip
    assert done.returncode != 0 and "BadDigest" in done.stderr
    done = cli(student, "s3api", "get-object", "--bucket", "cli-api", "--key", "nope",
                       str(tmp_path / "out"))  # fmt: skip
    assert done.returncode != 0 and "NoSuchKey" in done.stderr
    for name in ("Bad_Name", "ab", "192.168.1.1"):
        done = cli(student, "s3api", "create-bucket", "--bucket", name)
        assert done.returncode != 0
        assert "InvalidBucketName" in done.stderr or "Invalid bucket name" in done.stderr, name


def test_s3api_versioning_and_delimiter_listing(student, tmp_path):
    _run_ok(cli(student, "s3api", "create-bucket", "--bucket", "cli-versions"))
    _run_ok(cli(student, "s3api", "put-bucket-versioning", "--bucket", "cli-versions",
                        "--versioning-configuration", "Status=Enabled"))  # fmt: skip
    ids = []
    for text in (b"one", b"two"):
        path = tmp_path / "v.txt"
        path.write_bytes(text)
        out = _run_ok(cli(student, "s3api", "put-object", "--bucket", "cli-versions", "--key",
                                  "docs/v.txt", "--body", str(path)))  # fmt: skip
        ids.append(out.data["VersionId"])
    _run_ok(cli(student, "s3api", "put-object", "--bucket", "cli-versions", "--key", "top.txt"))
    versions = _run_ok(cli(student, "s3api", "list-object-versions", "--bucket", "cli-versions"))
    assert [v["VersionId"] for v in versions.data["Versions"] if v["Key"] == "docs/v.txt"] == [
        ids[1],
        ids[0],
    ]
    old = tmp_path / "old.txt"
    _run_ok(cli(student, "s3api", "get-object", "--bucket", "cli-versions", "--key", "docs/v.txt",
                        "--version-id", ids[0], str(old)))  # fmt: skip
    assert old.read_bytes() == b"one"
    listing = _run_ok(cli(student, "s3api", "list-objects-v2", "--bucket", "cli-versions",
                                  "--delimiter", "/"))  # fmt: skip
    assert [p["Prefix"] for p in listing.data["CommonPrefixes"]] == ["docs/"]
    assert [c["Key"] for c in listing.data["Contents"]] == ["top.txt"]


def test_policy_that_denies_and_public_read_under_bpa(student, tmp_path):
    _run_ok(cli(student, "s3", "mb", "s3://cli-guarded"))
    source = tmp_path / "f.txt"
    source.write_bytes(b"secret")
    _run_ok(cli(student, "s3", "cp", str(source), "s3://cli-guarded/f.txt"))
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::cli-guarded/*"}],
    }  # fmt: skip
    _run_ok(cli(student, "s3api", "put-bucket-policy", "--bucket", "cli-guarded", "--policy",
                        json.dumps(deny)))  # fmt: skip
    done = cli(student, "s3", "cp", "s3://cli-guarded/f.txt", str(tmp_path / "x"))
    assert done.returncode != 0 and "403" in done.stderr
    done = cli(student, "s3api", "get-object", "--bucket", "cli-guarded", "--key", "f.txt",
                       str(tmp_path / "x"))  # fmt: skip
    assert done.returncode != 0 and "AccessDenied" in done.stderr
    # The owner can always remove the policy that locks it out.
    _run_ok(cli(student, "s3api", "delete-bucket-policy", "--bucket", "cli-guarded"))
    _run_ok(cli(student, "s3", "cp", "s3://cli-guarded/f.txt", str(tmp_path / "x")))
    # Public access is blocked by default: a public-read ACL is refused.
    rules = "Rules=[{ObjectOwnership=ObjectWriter}]"
    _run_ok(cli(student, "s3api", "put-bucket-ownership-controls", "--bucket", "cli-guarded",
                "--ownership-controls", rules))  # fmt: skip
    done = cli(student, "s3api", "put-bucket-acl", "--bucket", "cli-guarded", "--acl",
                       "public-read")  # fmt: skip
    assert done.returncode != 0 and "AccessDenied" in done.stderr
    public = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::cli-guarded/*"}],
    }  # fmt: skip
    done = cli(student, "s3api", "put-bucket-policy", "--bucket", "cli-guarded", "--policy",
                       json.dumps(public))  # fmt: skip
    assert done.returncode != 0 and "AccessDenied" in done.stderr
    assert "BlockPublicPolicy" in done.stderr


def test_s3_06_a_presigned_url_has_only_the_signers_permissions(student):
    from services.core import operations
    from services.core.context import CallContext, Principal
    from services.core.models import Account

    account = Account.objects.get(id=student.account_id)
    root = CallContext(account=account, region="us-east-1",
                       principal=Principal.root(account.id), door="console")  # fmt: skip
    operations.call(root, "iam", "CreateUser", {"UserName": "reader"})
    key = operations.call(root, "iam", "CreateAccessKey", {"UserName": "reader"})["AccessKey"]
    owner = student.client("s3")
    owner.create_bucket(Bucket="presign-rights")
    owner.put_object(Bucket="presign-rights", Key="k", Body=b"v")
    signer = boto3.client(
        "s3", region_name="us-east-1", endpoint_url=student.endpoint,
        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
    )  # fmt: skip
    url = signer.generate_presigned_url("get_object", Params={"Bucket": "presign-rights",
                                                              "Key": "k"})  # fmt: skip
    status, body = _get(url)
    assert status == 403 and b"AccessDenied" in body and b"user/reader" in body
    document = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})  # fmt: skip
    grant = {"UserName": "reader", "PolicyName": "read", "PolicyDocument": document}
    operations.call(root, "iam", "PutUserPolicy", grant)
    assert _get(url) == (200, b"v")
