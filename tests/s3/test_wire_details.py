"""S3 on the wire, the known traps: aws-chunked bodies with trailing checksums and chunk
signatures, virtual-hosted requests, unnormalised paths, encoding-type=url listings,
206/304/412 answers, CORS preflights."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import http.client
import zlib
from urllib.parse import urlsplit

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError


@pytest.fixture
def s3c(student):
    client = student.client("s3")
    client.create_bucket(Bucket="wire")
    return client


def send(student, method, path, *, body=b"", headers=None, host=None, sign=True, trailer=False):
    """A raw request signed with botocore's SigV4 signer (or not), sent as is. With
    `trailer`, signed as botocore signs a body with a trailing checksum (over HTTPS)."""
    netloc = urlsplit(student.endpoint).netloc
    url = f"http://{host or netloc}{path}"
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    if trailer:
        request.context["checksum"] = {"request_algorithm": {"in": "trailer"}}
    if sign:
        creds = Credentials(student.access_key_id, student.secret_access_key)
        S3SigV4Auth(creds, "s3", "us-east-1").add_auth(request)
    connection = http.client.HTTPConnection(netloc, timeout=30)
    sent = dict(request.headers.items())
    sent["Host"] = host or netloc
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), data


def _crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def test_unsigned_aws_chunked_body_with_a_trailing_checksum(student, s3c):
    data = b"chunk one|" * 1000 + b"the end"
    pieces = [data[:4096], data[4096:]]

    def framed(checksum: str) -> bytes:
        out = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in pieces)
        return out + b"0\r\n" + f"x-amz-checksum-crc32:{checksum}\r\n\r\n".encode()

    headers = {
        "Content-Encoding": "aws-chunked",
        "X-Amz-Content-SHA256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "X-Amz-Trailer": "x-amz-checksum-crc32",
        "X-Amz-Decoded-Content-Length": str(len(data)),
    }
    status, answer, _ = send(student, "PUT", "/wire/chunked.bin", body=framed(_crc32(data)),
                             headers=headers, trailer=True)  # fmt: skip
    assert status == 200
    assert answer["x-amz-checksum-crc32"] == _crc32(data)
    got = s3c.get_object(Bucket="wire", Key="chunked.bin")
    assert got["Body"].read() == data
    assert "ContentEncoding" not in got  # aws-chunked is not kept as the object's encoding
    status, _, body = send(student, "PUT", "/wire/bad.bin", body=framed("AAAAAA=="),
                           headers=headers, trailer=True)  # fmt: skip
    assert status == 400 and b"<Code>BadDigest</Code>" in body
    with pytest.raises(ClientError):
        s3c.head_object(Bucket="wire", Key="bad.bin")


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def test_signed_aws_chunked_body(student, s3c):
    """STREAMING-AWS4-HMAC-SHA256-PAYLOAD, signed chunk by chunk as the SigV4
    documentation describes ("Signature calculations for the Authorization header:
    transferring payload in multiple chunks")."""
    data = bytes(range(256)) * 300
    pieces = [data[:65536], data[65536:]]
    now = dt.datetime.now(dt.UTC)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = f"{day}/us-east-1/s3/aws4_request"
    netloc = urlsplit(student.endpoint).netloc
    framed_length = sum(len(f"{len(p):x};chunk-signature=") + 64 + 2 + len(p) + 2
                        for p in [*pieces, b""])  # fmt: skip
    headers = {
        "host": netloc,
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-date": amz_date,
        "x-amz-decoded-content-length": str(len(data)),
        "content-encoding": "aws-chunked",
        "content-length": str(framed_length),
    }
    names = sorted(headers)
    canonical = "\n".join([
        "PUT", "/wire/signed-chunks.bin", "",
        "".join(f"{n}:{headers[n]}\n" for n in names), ";".join(names),
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    ])  # fmt: skip
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])  # fmt: skip
    key = _hmac(f"AWS4{student.secret_access_key}".encode(), day)
    for part in ("us-east-1", "s3", "aws4_request"):
        key = _hmac(key, part)
    seed = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()

    def body(tamper: bool) -> bytes:
        previous, out = seed, b""
        for piece in [*pieces, b""]:
            chunk_to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous,
                                       hashlib.sha256(b"").hexdigest(),
                                       hashlib.sha256(piece).hexdigest()])  # fmt: skip
            signature = hmac.new(key, chunk_to_sign.encode(), hashlib.sha256).hexdigest()
            previous = signature
            sent = piece[:-1] + b"X" if tamper and piece else piece
            out += f"{len(piece):x};chunk-signature={signature}\r\n".encode() + sent + b"\r\n"
        return out

    auth = (f"AWS4-HMAC-SHA256 Credential={student.access_key_id}/{scope}, "
            f"SignedHeaders={';'.join(names)}, Signature={seed}")  # fmt: skip
    for tamper, expected in ((False, 200), (True, 403)):
        connection = http.client.HTTPConnection(netloc, timeout=30)
        connection.request("PUT", "/wire/signed-chunks.bin", body=body(tamper),
                           headers={**headers, "Authorization": auth})  # fmt: skip
        response = connection.getresponse()
        answer = response.read()
        connection.close()
        assert response.status == expected, answer
    assert s3c.get_object(Bucket="wire", Key="signed-chunks.bin")["Body"].read() == data


def test_virtual_hosted_requests(student, s3c):
    port = urlsplit(student.endpoint).port
    host = f"wire.s3.localhost:{port}"
    status, _, _ = send(student, "PUT", "/v.txt", body=b"virtual", host=host)
    assert status == 200
    assert s3c.get_object(Bucket="wire", Key="v.txt")["Body"].read() == b"virtual"
    status, _, body = send(student, "GET", "/v.txt", host=host)
    assert (status, body) == (200, b"virtual")
    status, _, body = send(student, "GET", "/?list-type=2", host=host)
    assert status == 200 and b"<Key>v.txt</Key>" in body
    # Anonymous: private by default.
    status, _, body = send(student, "GET", "/v.txt", host=host, sign=False)
    assert status == 403 and b"AccessDenied" in body


def test_paths_are_not_normalised(s3c):
    keys = ["a/../b.txt", "a//double", "./dot", "sp ace+plus%25", "ünï/cødé"]
    for key in keys:
        s3c.put_object(Bucket="wire", Key=key, Body=key.encode())
    for key in keys:
        assert s3c.get_object(Bucket="wire", Key=key)["Body"].read() == key.encode()
    listed = [c["Key"] for c in s3c.list_objects_v2(Bucket="wire")["Contents"]]
    assert sorted(listed, key=lambda k: k.encode()) == listed
    assert set(listed) == set(keys)


def test_encoding_type_url(s3c):
    s3c.put_object(Bucket="wire", Key="dir one/a+b c.txt", Body=b"x")
    # boto3 asks for encoding-type=url by itself and decodes the answer.
    auto = s3c.list_objects_v2(Bucket="wire", Delimiter="/")
    assert auto["CommonPrefixes"] == [{"Prefix": "dir one/"}]
    inner = s3c.list_objects_v2(Bucket="wire", Prefix="dir one/")
    assert [c["Key"] for c in inner["Contents"]] == ["dir one/a+b c.txt"]
    # Asked for explicitly, the keys come back encoded as S3 encodes them.
    raw = s3c.list_objects_v2(Bucket="wire", Prefix="dir one/", EncodingType="url")
    assert raw["EncodingType"] == "url"
    assert [c["Key"] for c in raw["Contents"]] == ["dir+one/a%2Bb+c.txt"]


def test_range_and_conditional_statuses(s3c):
    s3c.put_object(Bucket="wire", Key="r.txt", Body=b"0123456789")
    part = s3c.get_object(Bucket="wire", Key="r.txt", Range="bytes=2-4")
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert (part["Body"].read(), part["ContentRange"]) == (b"234", "bytes 2-4/10")
    etag = part["ETag"]
    with pytest.raises(ClientError) as err:
        s3c.get_object(Bucket="wire", Key="r.txt", IfNoneMatch=etag)
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304
    with pytest.raises(ClientError) as err:
        s3c.get_object(Bucket="wire", Key="r.txt", IfMatch='"nope"')
    assert err.value.response["Error"]["Code"] == "PreconditionFailed"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    with pytest.raises(ClientError) as err:
        s3c.get_object(Bucket="wire", Key="r.txt", Range="bytes=50-60")
    assert err.value.response["Error"]["Code"] == "InvalidRange"
    head = s3c.head_object(Bucket="wire", Key="r.txt")
    assert head["ContentLength"] == 10 and head["ETag"] == etag
    with pytest.raises(ClientError) as err:
        s3c.head_object(Bucket="wire", Key="missing")
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_delete_marker_header_and_version_headers(s3c):
    s3c.put_bucket_versioning(Bucket="wire", VersioningConfiguration={"Status": "Enabled"})
    version = s3c.put_object(Bucket="wire", Key="d", Body=b"x")["VersionId"]
    marker = s3c.delete_object(Bucket="wire", Key="d")
    assert marker["DeleteMarker"] is True
    with pytest.raises(ClientError) as err:
        s3c.get_object(Bucket="wire", Key="d")
    headers = err.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-delete-marker"] == "true"
    got = s3c.get_object(Bucket="wire", Key="d", VersionId=version)
    assert got["VersionId"] == version and got["Body"].read() == b"x"


def test_cors_preflight_and_headers(student, s3c):
    s3c.put_bucket_cors(Bucket="wire", CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET", "PUT"],
        "AllowedHeaders": ["*"], "MaxAgeSeconds": 600, "ExposeHeaders": ["ETag"]}]})  # fmt: skip
    s3c.put_object(Bucket="wire", Key="c.txt", Body=b"c")
    status, headers, _ = send(student, "OPTIONS", "/wire/c.txt", sign=False, headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type"})  # fmt: skip
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert headers["Access-Control-Max-Age"] == "600"
    status, _, body = send(student, "OPTIONS", "/wire/c.txt", sign=False, headers={
        "Origin": "https://evil.example.com", "Access-Control-Request-Method": "GET"})  # fmt: skip
    assert status == 403 and b"AccessForbidden" in body
    status, headers, _ = send(student, "GET", "/wire/c.txt",
                              headers={"Origin": "https://app.example.com"})  # fmt: skip
    assert status == 200 and headers["Access-Control-Expose-Headers"] == "ETag"
    assert s3c.get_bucket_cors(Bucket="wire")["CORSRules"][0]["MaxAgeSeconds"] == 600


def test_entity_too_large_is_refused_before_reading(student, s3c):
    netloc = urlsplit(student.endpoint).netloc
    request = AWSRequest(method="PUT", url=f"{student.endpoint}/wire/huge",
                         headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD",
                                  "Content-Length": str(5 * 1024**3 + 1)})  # fmt: skip
    S3SigV4Auth(Credentials(student.access_key_id, student.secret_access_key), "s3",
                "us-east-1").add_auth(request)  # fmt: skip
    connection = http.client.HTTPConnection(netloc, timeout=30)
    connection.putrequest("PUT", "/wire/huge", skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", netloc)
    for name, value in request.headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    connection.send(b"just the start")
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 400 and b"<Code>EntityTooLarge</Code>" in body  # S3-02
