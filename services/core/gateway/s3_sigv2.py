"""S3's legacy Signature Version 2: `Authorization: AWS <key>:<signature>` headers and
query-string URLs with AWSAccessKeyId, Signature and Expires.

It still matters because `aws s3 presign` and boto3's `generate_presigned_url` sign
S3 URLs this way when a custom endpoint is configured and the client does not ask for
s3v4. The signature is base64(HMAC-SHA1(secret, StringToSign)) where StringToSign is

    METHOD \\n Content-MD5 \\n Content-Type \\n Date-or-Expires \\n
    x-amz-* headers (lower-case, sorted, "name:value\\n" each) + CanonicalizedResource

and CanonicalizedResource is "/bucket" (for virtual-hosted requests) + the path as sent
+ the sub-resources it names (?acl, ?versionId=..., response-* overrides), sorted.
Written from the S3 "Signing and authenticating REST requests" documentation.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl

from services.core.gateway.sigv4 import MAX_SKEW, SignatureProblem
from services.core.gateway.wire import WireRequest

SUBRESOURCES = frozenset(
    {
        "accelerate", "acl", "cors", "defaultObjectAcl", "delete", "lifecycle", "location",
        "logging", "notification", "partNumber", "policy", "requestPayment", "replication",
        "response-cache-control", "response-content-disposition", "response-content-encoding",
        "response-content-language", "response-content-type", "response-expires", "restore",
        "select", "select-type", "storageClass", "tagging", "torrent", "uploadId", "uploads",
        "versionId", "versioning", "versions", "website", "analytics", "metrics", "inventory",
        "object-lock", "publicAccessBlock", "ownershipControls", "encryption", "policyStatus",
        "intelligent-tiering", "legal-hold", "retention", "attributes",
    }
)  # fmt: skip


@dataclass(frozen=True)
class SignedV2:
    access_key_id: str
    signature: str
    presigned: bool
    expires: int = 0  # epoch seconds, for presigned URLs
    security_token: str = ""


def uses_sigv2(req: WireRequest) -> bool:
    if (req.headers.get("authorization") or "").startswith("AWS "):
        return True
    keys = {k for k, _ in req.query}
    return "AWSAccessKeyId" in keys and "Signature" in keys and "X-Amz-Credential" not in keys


def parse(req: WireRequest) -> SignedV2:
    auth = req.headers.get("authorization") or ""
    if auth.startswith("AWS "):
        key, sep, signature = auth[4:].strip().rpartition(":")
        if not sep or not key or not signature:
            raise SignatureProblem("malformed", "AWS authorization header is invalid.  Expected "
                                   "AwsAccessKeyId:signature")  # fmt: skip
        return SignedV2(key, signature, False, security_token=req.headers.get(
            "x-amz-security-token") or "")  # fmt: skip
    params = dict(req.query)
    try:
        expires = int(params.get("Expires", ""))
    except ValueError:
        raise SignatureProblem(
            "malformed", "Query-string authentication requires the Signature, Expires and "
            "AWSAccessKeyId parameters"
        ) from None  # fmt: skip
    return SignedV2(
        params["AWSAccessKeyId"],
        params["Signature"],
        True,
        expires,
        params.get("x-amz-security-token", ""),
    )


def check_time(req: WireRequest, signed: SignedV2, now: dt.datetime) -> None:
    if signed.presigned:
        if now.timestamp() > signed.expires:
            expires = dt.datetime.fromtimestamp(signed.expires, dt.UTC)
            raise SignatureProblem(
                "expired",
                "Request has expired",
                expires=expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
                server_time=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
        return
    text = req.headers.get("x-amz-date") or req.headers.get("date") or ""
    try:
        stamp = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        raise SignatureProblem(
            "access_denied", "AWS authentication requires a valid Date or x-amz-date header"
        ) from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    if abs(now - stamp) > MAX_SKEW:
        fmt = "%Y%m%dT%H%M%SZ"
        raise SignatureProblem(
            "skewed",
            "",
            direction="past" if stamp < now else "future",
            request_time=stamp.strftime(fmt),
            server_time=now.strftime(fmt),
            earliest=(now - MAX_SKEW).strftime(fmt),
            latest=(now + MAX_SKEW).strftime(fmt),
        )


def string_to_sign(req: WireRequest, signed: SignedV2, *, virtual_bucket: str = "") -> str:
    amz: dict[str, list[str]] = {}
    for name, value in req.headers.items():
        if name.startswith("x-amz-"):
            amz.setdefault(name, []).append(value.strip())
    if signed.presigned:
        # Headers the signer moved into the query string were signed as headers.
        for name, value in req.query:
            if name.lower().startswith("x-amz-"):
                amz.setdefault(name.lower(), []).append(value.strip())
        date = str(signed.expires)
    else:
        date = "" if "x-amz-date" in amz else (req.headers.get("date") or "")
    lines = [
        req.method,
        req.headers.get("content-md5") or "",
        req.headers.get("content-type") or "",
        date,
    ]
    lines += [f"{name}:{','.join(values)}" for name, values in sorted(amz.items())]
    resource = (f"/{virtual_bucket}" if virtual_bucket else "") + req.path
    subresources = []
    for piece in req.query_string.split("&"):
        name, sep, value = piece.partition("=")
        if name in SUBRESOURCES:
            subresources.append((name, dict(parse_qsl(piece, keep_blank_values=True)).get(
                name, "") if sep else None))  # fmt: skip
    if subresources:
        subresources.sort(key=lambda item: item[0])
        resource += "?" + "&".join(n if v is None else f"{n}={v}" for n, v in subresources)
    return "\n".join([*lines, resource])


def verify(req: WireRequest, signed: SignedV2, secret: str, *, virtual_bucket: str = "") -> None:
    to_sign = string_to_sign(req, signed, virtual_bucket=virtual_bucket)
    digest = hmac.new(secret.encode(), to_sign.encode("utf-8"), hashlib.sha1).digest()
    expected = base64.b64encode(digest).decode()
    if not hmac.compare_digest(expected, signed.signature):
        raise SignatureProblem(
            "mismatch",
            AWSAccessKeyId=signed.access_key_id,
            StringToSign=to_sign,
            SignatureProvided=signed.signature,
        )
