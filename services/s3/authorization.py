"""What each S3 call acts on and who may make it, for the core authorization path.

Every S3 operation is registered with the IAM action it is authorized as (HeadObject is
s3:GetObject, ListObjectsV2 is s3:ListBucket, DeleteBucketCors is s3:PutBucketCORS: the
Service Authorization Reference's "Actions defined by Amazon S3"). `operations.call`
authorizes it before it runs, as every other service's call: the resolver below names
its resources by S3's ARNs (arn:aws:s3:::bucket, arn:aws:s3:::bucket/key; a versioned
call is the ...Version action on the object; a copy also reads its source), and the
decider hands each to `access.decide` (the bucket policy, Block Public Access, ACLs and
the caller's IAM policies through the core evaluator).
"""

from __future__ import annotations

from services.core import authz
from services.core.authz import Decision, Target
from services.core.context import CallContext
from services.core.errors import AwsError
from services.s3 import access, names

# Object actions whose versioned form (a VersionId in the request) is another IAM action.
_VERSIONED = {
    "GetObject": "GetObjectVersion",
    "DeleteObject": "DeleteObjectVersion",
    "GetObjectAcl": "GetObjectVersionAcl",
    "PutObjectAcl": "PutObjectVersionAcl",
    "GetObjectTagging": "GetObjectVersionTagging",
    "PutObjectTagging": "PutObjectVersionTagging",
    "DeleteObjectTagging": "DeleteObjectVersionTagging",
}
# Actions that read an object: its own ACL counts as well as the bucket's.
_READS = {"s3:GetObject", "s3:GetObjectVersion"}
# Actions on no bucket at all.
_ACCOUNT_ACTIONS = {"ListAllMyBuckets"}
# DeleteObjects: S3 authorizes each key of the request on its own (s3:DeleteObject or
# s3:DeleteObjectVersion on the object's ARN) and answers a refused key as that key's
# error; the call itself needs only its bucket to exist.
EACH_KEY = "s3:DeleteObject (each key)"


def _versioned(action: str, version_id: object) -> str:
    if version_id is None or (version_id == "" and action not in ("GetObject", "DeleteObject")):
        return action
    return _VERSIONED.get(action, action)


@authz.resources("s3:*")
def targets(ctx: CallContext, action: str, params: dict) -> list[Target]:
    """The bucket or object ARNs a call acts on, each with the IAM action checked on it."""
    name = params.get("Bucket")
    if action in _ACCOUNT_ACTIONS or not isinstance(name, str) or not name:
        return [Target("*")]
    if action == "CreateBucket":
        names.check(name)
    found: list[Target] = []
    if action == "PutObject" and params.get("CopySource"):
        # CopyObject and UploadPartCopy read their source as a GET of it would.
        from services.s3.objects import parse_copy_source

        source, source_key, source_version = parse_copy_source(params["CopySource"])
        read = "s3:GetObjectVersion" if source_version else "s3:GetObject"
        found.append(Target(access.object_arn(source, source_key), action=read))
    key = params.get("Key")
    if action == "DeleteObject" and key is None and "Delete" in params:
        return [Target(access.bucket_arn(name), action=EACH_KEY)]
    if isinstance(key, str):
        named = _versioned(action, params.get("VersionId"))
        found.append(Target(access.object_arn(name, key), action=f"s3:{named}"))
    else:
        found.append(Target(access.bucket_arn(name), action=f"s3:{action}"))
    return found


def _split(arn: str) -> tuple[str | None, str | None]:
    if not arn.startswith("arn:aws:s3:::"):
        return None, None
    name, slash, key = arn[len("arn:aws:s3:::") :].partition("/")
    return name or None, key if slash else None


@authz.decides("s3")
def decide(ctx: CallContext, iam_action: str, found: list[Target], params: dict) -> Decision:
    """Every target in turn; the first refusal is the answer. A bucket that does not
    exist answers NoSuchBucket (before any refusal, as S3 does)."""
    from services.s3 import versions
    from services.s3.common import find_bucket

    decision = Decision(True, resource=found[0].arn if found else "*")
    for target in found:
        action = target.action or iam_action
        name, key = _split(target.arn)
        if action == EACH_KEY and name is not None:
            find_bucket(name)  # the keys are authorized by the operation, one by one
            decision = Decision(True, resource=target.arn)
        elif name is None or "*" in name:
            decision = access.decide_unowned(ctx, action, target.arn, params)
        elif action == "s3:CreateBucket":
            decision = access.decide_unowned(ctx, action, target.arn, params)
        else:
            bucket = find_bucket(name)
            obj = None
            if key is not None and action in _READS:
                try:
                    obj = versions.find(bucket, key, params.get("VersionId"))
                except AwsError:
                    obj = None  # not there: the caller learns that only once allowed
            decision = access.decide(ctx, action, bucket, key, obj=obj, params=params)
        if not decision.allowed:
            return decision
    return decision
