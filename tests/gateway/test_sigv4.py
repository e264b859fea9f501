"""Our SigV4 and aws-chunked code against the worked examples of AWS's documentation
(the IAM ListUsers request of the SigV4 guide, and S3's GET with Range and its chunked
upload of 66,560 bytes), which fix every byte of the expected signatures."""

from __future__ import annotations

import io

import pytest
from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum

from services.core.gateway import chunked, sigv4
from services.core.gateway.wire import Headers, WireRequest

S3_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def _request(method, path, query, headers, body=b"") -> WireRequest:
    return WireRequest(method, path, query, Headers(headers), body)


def test_the_iam_list_users_example_of_the_sigv4_guide_verifies():
    auth = (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, "
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    )
    req = _request("GET", "/", "Action=ListUsers&Version=2010-05-08", [
        ("Host", "iam.amazonaws.com"),
        ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ("X-Amz-Date", "20150830T123600Z"),
        ("Authorization", auth),
    ])  # fmt: skip
    signed = sigv4.parse(req)
    assert signed.credential.service == "iam" and signed.credential.region == "us-east-1"
    sigv4.verify(req, signed, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", s3=False)
    with pytest.raises(sigv4.SignatureProblem) as problem:
        sigv4.verify(req, signed, S3_SECRET, s3=False)
    assert problem.value.kind == "mismatch"


def test_the_s3_get_object_example_verifies():
    auth = (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )
    req = _request("GET", "/test.txt", "", [
        ("Host", "examplebucket.s3.amazonaws.com"),
        ("Range", "bytes=0-9"),
        ("x-amz-content-sha256", sigv4.EMPTY_SHA256),
        ("x-amz-date", "20130524T000000Z"),
        ("Authorization", auth),
    ])  # fmt: skip
    sigv4.verify(req, sigv4.parse(req), S3_SECRET, s3=True)


def _chunked_upload(body: bytes) -> WireRequest:
    auth = (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
        "x-amz-decoded-content-length;x-amz-storage-class,"
        "Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    )
    return _request("PUT", "/examplebucket/chunkObject.txt", "", [
        ("Host", "s3.amazonaws.com"),
        ("x-amz-date", "20130524T000000Z"),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ("Content-Encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", "66560"),
        ("Content-Length", "66824"),
        ("x-amz-content-sha256", chunked.SIGNED),
        ("Authorization", auth),
    ], body)  # fmt: skip


_CHUNK_SIGNATURES = [
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
]


def _framed(sizes=(65536, 1024, 0), signatures=_CHUNK_SIGNATURES) -> bytes:
    return b"".join(
        f"{size:x};chunk-signature={sig}\r\n".encode() + b"a" * size + b"\r\n"
        for size, sig in zip(sizes, signatures, strict=True)
    )


def test_the_s3_chunked_upload_example_verifies_chunk_by_chunk():
    body = _framed()
    assert len(body) == 66824
    req = _chunked_upload(body)
    signed = sigv4.parse(req)
    sigv4.verify(req, signed, S3_SECRET, s3=True)
    key = sigv4.signing_key(S3_SECRET, signed.credential)
    decoded = chunked.decode(body, chunked.SIGNED, signed=signed, key=key)
    assert decoded.data == b"a" * 66560


def test_a_tampered_chunk_is_refused():
    body = _framed().replace(b"aaaa", b"aaab", 1)
    req = _chunked_upload(body)
    signed = sigv4.parse(req)
    key = sigv4.signing_key(S3_SECRET, signed.credential)
    with pytest.raises(chunked.ChunkError) as problem:
        chunked.decode(body, chunked.SIGNED, signed=signed, key=key)
    assert problem.value.signature


def test_botocores_unsigned_chunks_with_a_checksum_trailer_decode():
    data = b"0123456789" * 5000
    wrapped = AwsChunkedWrapper(io.BytesIO(data), checksum_cls=Crc32Checksum,
                                checksum_name="x-amz-checksum-crc32", chunk_size=4096)  # fmt: skip
    decoded = chunked.decode(wrapped.read(), chunked.UNSIGNED_TRAILER)
    assert decoded.data == data
    checksum = Crc32Checksum()
    checksum.update(data)
    assert decoded.trailers == {"x-amz-checksum-crc32": checksum.b64digest()}


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        ("/", "/"),
        ("/a/./b/../c", "/a/c"),
        ("//double//slash/", "/double/slash/"),
        ("/my%3Afunction/invocations", "/my%253Afunction/invocations"),
        ("/with%20space", "/with%2520space"),
    ],
)
def test_paths_are_normalised_and_encoded_again_except_for_s3(path, canonical):
    assert sigv4.canonical_path(path, s3=False) == canonical
    assert sigv4.canonical_path(path, s3=True) == path


def test_the_canonical_query_is_sorted_and_encoded():
    assert sigv4.canonical_query("b=2&a=%20x&a=1&empty", drop_signature=False) == (
        "a=%20x&a=1&b=2&empty="
    )
    assert sigv4.canonical_query("X-Amz-Signature=abc&a=1", drop_signature=True) == "a=1"
