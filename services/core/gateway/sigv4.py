"""Signature Version 4, checked the way AWS checks it.

The signature covers a canonical form of the request: method, path, query, the headers
the client chose to sign, and a hash of the body. We rebuild that form from the raw
request, derive the signing key from the caller's secret and the credential scope
(date/region/service/aws4_request), and compare. Written from the SigV4 specification:
https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote

from services.core.gateway.wire import WireRequest

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
MAX_SKEW = dt.timedelta(minutes=15)
MAX_PRESIGN_EXPIRES = 7 * 24 * 3600
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class SignatureProblem(Exception):
    """Why a request's signature is refused. `kind` is one of: malformed, unknown_key,
    mismatch, skewed, expired, content_sha256; each door renders it in the service's
    own words."""

    def __init__(self, kind: str, message: str = "", **details: str) -> None:
        super().__init__(message or kind)
        self.kind = kind
        self.message = message
        self.details = details


@dataclass(frozen=True)
class Credential:
    access_key_id: str
    date: str  # yyyymmdd
    region: str
    service: str

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


@dataclass(frozen=True)
class Signed:
    """What a request claims about its own signature."""

    credential: Credential
    signed_headers: tuple[str, ...]
    signature: str
    timestamp: dt.datetime
    amz_date: str  # the timestamp as written in the request
    presigned: bool = False
    expires: int = 0
    security_token: str = ""


def is_signed(req: WireRequest) -> bool:
    """Whether the request carries SigV4 (header or presigned query) at all."""
    auth = req.headers.get("authorization") or ""
    if auth.startswith(ALGORITHM):
        return True
    return "X-Amz-Credential=" in req.query_string or "X-Amz-Algorithm=" in req.query_string


def _parse_credential(text: str) -> Credential:
    parts = text.split("/")
    if len(parts) != 5 or not all(parts):
        raise SignatureProblem(
            "malformed",
            f"Credential should be scoped to a valid region. Credential={text}"
            if len(parts) == 5
            else f"Credential should be of the form AccessKeyId/Date/Region/Service/aws4_request, "
            f"got '{text}'.",
        )
    if parts[4] != "aws4_request":
        raise SignatureProblem(
            "malformed", f"Credential should be scoped with a valid terminator: 'aws4_request', "
            f"not '{parts[4]}'."
        )  # fmt: skip
    return Credential(parts[0], parts[1], parts[2], parts[3])


def _parse_timestamp(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, AMZ_DATE_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        pass
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def parse(req: WireRequest) -> Signed:
    """Read the signature fields of a SigV4 request (header or presigned URL)."""
    auth = req.headers.get("authorization") or ""
    if auth.startswith(ALGORITHM):
        return _parse_header(req, auth)
    return _parse_query(req)


def _parse_header(req: WireRequest, auth: str) -> Signed:
    fields: dict[str, str] = {}
    for part in auth[len(ALGORITHM) :].split(","):
        name, sep, value = part.strip().partition("=")
        if sep:
            fields[name.strip()] = value.strip()
    missing = [f for f in ("Credential", "SignedHeaders", "Signature") if f not in fields]
    if missing:
        raise SignatureProblem(
            "malformed",
            " ".join(f"Authorization header requires '{f}' parameter." for f in missing)
            + f" Authorization={auth}",
        )
    credential = _parse_credential(fields["Credential"])
    amz_date = req.headers.get("x-amz-date") or req.headers.get("date") or ""
    timestamp = _parse_timestamp(amz_date)
    if timestamp is None:
        raise SignatureProblem(
            "malformed",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
            f"header. Authorization={auth}",
        )
    return Signed(
        credential=credential,
        signed_headers=tuple(h.strip().lower() for h in fields["SignedHeaders"].split(";")),
        signature=fields["Signature"].lower(),
        timestamp=timestamp,
        # The string to sign always carries the ISO basic form, even for a Date header.
        amz_date=timestamp.strftime(AMZ_DATE_FORMAT),
        security_token=req.headers.get("x-amz-security-token") or "",
    )


def _parse_query(req: WireRequest) -> Signed:
    params = dict(req.query)
    required = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date",
                "X-Amz-SignedHeaders"]  # fmt: skip
    missing = [p for p in required if p not in params]
    if missing:
        raise SignatureProblem(
            "malformed",
            "AWS query-string parameters must include "
            + ", ".join(f"'{p}'" for p in required)
            + ". Re-examine the query-string parameters.",
        )
    if params["X-Amz-Algorithm"] != ALGORITHM:
        raise SignatureProblem("malformed", 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"')
    timestamp = _parse_timestamp(params["X-Amz-Date"])
    if timestamp is None:
        raise SignatureProblem(
            "malformed", "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""
        )
    try:
        expires = int(params.get("X-Amz-Expires", "900"))
    except ValueError as exc:
        raise SignatureProblem("malformed", "X-Amz-Expires should be a number") from exc
    if expires < 0:
        raise SignatureProblem("malformed", "X-Amz-Expires must be non-negative")
    if expires > MAX_PRESIGN_EXPIRES:
        raise SignatureProblem(
            "malformed",
            f"X-Amz-Expires must be less than a week (in seconds) that is {MAX_PRESIGN_EXPIRES}",
        )
    return Signed(
        credential=_parse_credential(params["X-Amz-Credential"]),
        signed_headers=tuple(h.lower() for h in params["X-Amz-SignedHeaders"].split(";")),
        signature=params["X-Amz-Signature"].lower(),
        timestamp=timestamp,
        amz_date=params["X-Amz-Date"],
        presigned=True,
        expires=expires,
        security_token=params.get("X-Amz-Security-Token", ""),
    )


def check_time(signed: Signed, now: dt.datetime) -> None:
    """Refuse a request signed more than 15 minutes from now, or a presigned URL past its
    expiry (RequestExpired and friends)."""
    stamp = signed.timestamp
    if signed.presigned:
        if now > stamp + dt.timedelta(seconds=signed.expires):
            raise SignatureProblem(
                "expired",
                "Request has expired",
                expires=(stamp + dt.timedelta(seconds=signed.expires)).strftime(AMZ_DATE_FORMAT),
                server_time=now.strftime(AMZ_DATE_FORMAT),
            )
        if stamp > now + MAX_SKEW:
            raise SignatureProblem("skewed", "", direction="future", **_skew(signed, now))
        return
    if stamp < now - MAX_SKEW:
        raise SignatureProblem("skewed", "", direction="past", **_skew(signed, now))
    if stamp > now + MAX_SKEW:
        raise SignatureProblem("skewed", "", direction="future", **_skew(signed, now))


def _skew(signed: Signed, now: dt.datetime) -> dict[str, str]:
    return {
        "request_time": signed.timestamp.strftime(AMZ_DATE_FORMAT),
        "server_time": now.strftime(AMZ_DATE_FORMAT),
        "earliest": (now - MAX_SKEW).strftime(AMZ_DATE_FORMAT),
        "latest": (now + MAX_SKEW).strftime(AMZ_DATE_FORMAT),
    }


# --- the canonical request --------------------------------------------------------------


def _uri_encode(text: str) -> str:
    # SigV4's UriEncode: everything but the unreserved characters, space as %20.
    return quote(text, safe="-_.~")


def canonical_query(query_string: str, *, drop_signature: bool) -> str:
    pairs = []
    for piece in query_string.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        key, value = unquote(key), unquote(value)
        if drop_signature and key == "X-Amz-Signature":
            continue
        pairs.append((_uri_encode(key), _uri_encode(value)))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def _remove_dot_segments(path: str) -> str:
    # RFC 3986 5.2.4, and AWS also drops empty segments (consecutive slashes).
    out: list[str] = []
    for segment in path.split("/"):
        if not segment or segment == ".":
            continue
        if segment == "..":
            if out:
                out.pop()
        else:
            out.append(segment)
    result = "/" + "/".join(out)
    if path.endswith("/") and result != "/":
        result += "/"
    return result


def canonical_path(raw_path: str, *, s3: bool) -> str:
    """S3 signs the path as sent; every other service signs it normalised and encoded
    once more (the raw path is already encoded, so `%` itself becomes `%25`)."""
    if s3:
        return raw_path or "/"
    return quote(_remove_dot_segments(raw_path or "/"), safe="/~")


def _trim(value: str) -> str:
    return " ".join(value.split())


def payload_hash(req: WireRequest, signed: Signed, *, s3: bool) -> str:
    declared = req.headers.get("x-amz-content-sha256")
    if declared:
        return declared
    if signed.presigned and s3:
        return UNSIGNED_PAYLOAD
    return hashlib.sha256(req.body).hexdigest()


def canonical_request(req: WireRequest, signed: Signed, *, s3: bool) -> str:
    headers = []
    for name in signed.signed_headers:
        value = req.headers.get(name)
        headers.append(f"{name}:{_trim(value) if value is not None else ''}\n")
    return "\n".join(
        [
            req.method,
            canonical_path(req.path, s3=s3),
            canonical_query(req.query_string, drop_signature=signed.presigned),
            "".join(headers),
            ";".join(signed.signed_headers),
            payload_hash(req, signed, s3=s3),
        ]
    )


def string_to_sign(signed: Signed, canonical: str) -> str:
    return "\n".join(
        [
            ALGORITHM,
            signed.amz_date,
            signed.credential.scope,
            hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        ]
    )


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret: str, credential: Credential) -> bytes:
    key = _hmac(f"AWS4{secret}".encode(), credential.date)
    key = _hmac(key, credential.region)
    key = _hmac(key, credential.service)
    return _hmac(key, "aws4_request")


def verify(
    req: WireRequest, signed: Signed, secret: str, *, s3: bool, check_payload: bool = True
) -> None:
    """Raise SignatureProblem unless `signed.signature` is right for `secret`. With
    `check_payload=False` the body's SHA-256 is left to the caller (S3 streams bodies
    and checks the hash once the whole body has gone by)."""
    if "host" not in signed.signed_headers and not signed.presigned:
        raise SignatureProblem(
            "mismatch", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        )
    if signed.credential.date != signed.amz_date[:8] and not signed.presigned:
        raise SignatureProblem(
            "malformed",
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{signed.credential.date}' != '{signed.amz_date[:8]}', from "
            f"ISO-8601 version of date from HTTP: '{signed.amz_date}'",
        )
    canonical = canonical_request(req, signed, s3=s3)
    to_sign = string_to_sign(signed, canonical)
    expected = hmac.new(
        signing_key(secret, signed.credential), to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, signed.signature):
        # S3 shows the caller what it signed, to help find the difference.
        raise SignatureProblem(
            "mismatch",
            AWSAccessKeyId=signed.credential.access_key_id,
            StringToSign=to_sign,
            SignatureProvided=signed.signature,
            CanonicalRequest=canonical,
        )
    declared = req.headers.get("x-amz-content-sha256") or ""
    if (
        check_payload
        and _HEX64.match(declared)
        and hashlib.sha256(req.body).hexdigest() != declared
    ):
        raise SignatureProblem(
            "content_sha256", computed=hashlib.sha256(req.body).hexdigest(), declared=declared
        )
