"""CORS: the bucket's rules (Put/Get/DeleteBucketCors), and answering a browser's
preflight (OPTIONS) and actual cross-origin requests with them."""

from __future__ import annotations

import fnmatch

from services.core.context import CallContext
from services.core.operations import operation
from services.s3.common import bucket_for
from services.s3.errors import error, invalid_argument, malformed_xml, not_configured
from services.s3.models import Bucket

METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD")


@operation("s3", "PutBucketCors", iam_action="s3:PutBucketCORS")
def put_bucket_cors(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    rules = (params.get("CORSConfiguration") or {}).get("CORSRules") or []
    if not rules or len(rules) > 100:
        raise malformed_xml()
    for rule in rules:
        if not rule.get("AllowedMethods") or not rule.get("AllowedOrigins"):
            raise malformed_xml()
        for method in rule["AllowedMethods"]:
            if method not in METHODS:
                raise invalid_argument(
                    f"Found unsupported HTTP method in CORS config. Unsupported method is {method}",
                    "CORSMethod",
                    method,
                )
        for origin in rule["AllowedOrigins"]:
            if origin.count("*") > 1:
                raise invalid_argument(
                    f'AllowedOrigin "{origin}" can not have more than one wildcard.',
                    "AllowedOrigin",
                    origin,
                )
    bucket.cors = rules
    bucket.save(update_fields=["cors"])
    return {}


@operation("s3", "GetBucketCors", iam_action="s3:GetBucketCORS")
def get_bucket_cors(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    if not bucket.cors:
        raise not_configured(
            "NoSuchCORSConfiguration", "The CORS configuration does not exist", bucket.name
        )
    return {"CORSRules": bucket.cors}


@operation("s3", "DeleteBucketCors", iam_action="s3:PutBucketCORS")
def delete_bucket_cors(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    bucket.cors = None
    bucket.save(update_fields=["cors"])
    return {}


def matching_rule(bucket: Bucket, origin: str, method: str, headers: list[str]) -> dict | None:
    """The first rule allowing `origin` to use `method` with `headers`."""
    for rule in bucket.cors or []:
        if method not in rule.get("AllowedMethods", []):
            continue
        if not any(fnmatch.fnmatchcase(origin, o) for o in rule.get("AllowedOrigins", [])):
            continue
        allowed = [h.lower() for h in rule.get("AllowedHeaders") or []]
        if any(not any(fnmatch.fnmatchcase(h.lower(), a) for a in allowed) for h in headers):
            continue
        return rule
    return None


def response_headers(rule: dict, origin: str, *, preflight: bool, headers: list[str]) -> dict:
    out = {
        "Access-Control-Allow-Origin": "*" if rule.get("AllowedOrigins") == ["*"] else origin,
        "Access-Control-Allow-Methods": ", ".join(rule.get("AllowedMethods", [])),
        "Vary": "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
    }
    if out["Access-Control-Allow-Origin"] != "*":
        out["Access-Control-Allow-Credentials"] = "true"
    if preflight and headers:
        out["Access-Control-Allow-Headers"] = ", ".join(headers)
    if rule.get("ExposeHeaders"):
        out["Access-Control-Expose-Headers"] = ", ".join(rule["ExposeHeaders"])
    if rule.get("MaxAgeSeconds") is not None and preflight:
        out["Access-Control-Max-Age"] = str(rule["MaxAgeSeconds"])
    return out


def preflight(bucket: Bucket | None, origin: str, method: str, headers: list[str]) -> dict:
    """The headers answering a preflight, or the 403 S3 gives when no rule allows it."""
    if bucket is None or not bucket.cors:
        raise error("AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.", 403,
                    Method=method, ResourceType="BUCKET")  # fmt: skip
    rule = matching_rule(bucket, origin, method, headers)
    if rule is None:
        raise error(
            "AccessForbidden",
            "CORSResponse: This CORS request is not allowed. This is usually because the "
            "evalution of Origin, request method / Access-Control-Request-Method or "
            "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
            403,
            Method=method,
            ResourceType="OBJECT",
        )
    return response_headers(rule, origin, preflight=True, headers=headers)
