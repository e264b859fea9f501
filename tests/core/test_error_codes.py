"""Every app declares the AWS error codes it answers in its one errors module
(services/<app>/errors.py, see docs/ARCHITECTURE.md "Errors"), and each declared code is
one the service's botocore model or AWS's documentation knows, or is on an explicit list
below with the reason. A typo in a code ("InvalidVolume.NotFoud") fails here."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from services.core import shapes
from services.core.errors import AwsError, ErrorCode

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(p.parent.name for p in (ROOT / "services").glob("*/errors.py"))

# The botocore services whose models (their exception shapes) an app answers for.
MODELS = {
    "ec2": ["ec2"],
    "vpc": ["ec2"],
    "iam": ["iam", "sts"],
    "sts": ["sts"],
    "s3": ["s3"],
    "cloudtrail": ["cloudtrail"],
    "events": ["events"],
    "sns": ["sns"],
    "sqs": ["sqs"],
    "classrooms": ["ec2"],
    "core": ["ec2", "iam", "sts", "s3", "cloudtrail"],
}

# "Common errors" of AWS's query and JSON APIs (the API reference's Common Errors page).
COMMON = {
    "AccessDeniedException", "IncompleteSignature", "InternalFailure", "InvalidAction",
    "InvalidClientTokenId", "InvalidParameterCombination", "InvalidParameterValue",
    "InvalidQueryParameter", "MalformedQueryString", "MissingAction",
    "MissingAuthenticationToken", "MissingParameter", "NotAuthorized", "OptInRequired",
    "RequestExpired", "ServiceUnavailable", "ThrottlingException", "ValidationError",
    "ValidationException", "Throttling", "AccessDenied", "SerializationException",
    "UnknownOperationException", "UnrecognizedClientException", "ExpiredToken",
    "InvalidAccessKeyId", "AuthFailure", "UnauthorizedOperation", "DryRunOperation",
}  # fmt: skip

# The EC2 API's error code page (errors-overview): botocore's EC2 model has no error shapes.
EC2_DOCUMENTED = {
    "AddressLimitExceeded", "AttachmentLimitExceeded", "CannotDelete",
    "DefaultVpcAlreadyExists", "DependencyViolation", "Gateway.NotAttached",
    "IdempotentParameterMismatch", "IncorrectInstanceState", "IncorrectState",
    "InstanceLimitExceeded", "InsufficientAddressCapacity",
    "InsufficientFreeAddressesInSubnet", "InvalidAMIID.Malformed", "InvalidAMIID.NotFound",
    "InvalidPlacementGroup.Duplicate", "InvalidPlacementGroup.InUse",
    "InvalidPlacementGroup.Unknown",
    "InvalidAMIID.Unavailable", "InvalidAMIName.Duplicate", "InvalidAMIName.Malformed",
    "InvalidAddress.NotFound", "InvalidAssociationID.NotFound", "InvalidBlockDeviceMapping",
    "InvalidCharacter", "InvalidGroup.Duplicate", "InvalidGroup.NotFound",
    "InvalidGroup.Reserved", "InvalidID", "InvalidIPAddress.InUse",
    "InvalidInstanceAttributeValue", "InvalidInstanceID.Malformed",
    "InvalidInstanceID.NotFound", "InvalidInstanceType", "InvalidKey.Format",
    "InvalidKeyPair.Duplicate", "InvalidKeyPair.NotFound", "InvalidNetworkAclEntry.NotFound",
    "InvalidNetworkInterface.InUse", "InvalidNextToken", "InvalidPaginationToken",
    "InvalidParameter", "InvalidPermission.Duplicate", "InvalidPermission.NotFound",
    "InvalidRoute.NotFound", "InvalidSecurityGroupRuleId.NotFound", "InvalidSnapshot.InUse",
    "InvalidSnapshot.NotFound", "InvalidSnapshotID.Malformed", "InvalidSubnet.Conflict",
    "InvalidSubnet.Range", "InvalidUserID.Malformed", "InvalidVolume.NotFound",
    "InvalidVolume.ZoneMismatch", "InvalidVpc.Range", "InvalidZone.NotFound", "MissingInput",
    "NetworkAclEntryAlreadyExists", "OperationNotPermitted", "RequestLimitExceeded",
    "Resource.AlreadyAssociated", "RouteAlreadyExists",
    "SecurityGroupsPerInterfaceLimitExceeded", "TagLimitExceeded", "Unsupported",
    "UnsupportedHibernationConfiguration", "VPCIdNotSpecified", "VcpuLimitExceeded",
    "VolumeInUse", "VolumeLimitExceeded", "UnknownParameter",
}  # fmt: skip

# S3's error code list (the S3 API reference's "Error responses"), for the gateway's
# S3-format errors; botocore's S3 model has only a few error shapes.
S3_DOCUMENTED = {
    "InvalidArgument", "InvalidRequest", "MalformedXML", "NotImplemented", "SlowDown",
    "AccessDenied", "InvalidBucketName", "NoSuchBucket", "NoSuchKey",
}  # fmt: skip

# SQS's query error codes (the SQS API reference's errors of each action, and the
# x-amzn-query-error codes its JSON protocol carries): botocore names the shapes only.
SQS_DOCUMENTED = {
    "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
    "AWS.SimpleQueueService.BatchRequestTooLong", "AWS.SimpleQueueService.EmptyBatchRequest",
    "AWS.SimpleQueueService.InvalidBatchEntryId", "AWS.SimpleQueueService.MessageNotInflight",
    "AWS.SimpleQueueService.NonExistentQueue", "AWS.SimpleQueueService.PurgeQueueInProgress",
    "AWS.SimpleQueueService.QueueDeletedRecently",
    "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
    "AWS.SimpleQueueService.UnsupportedOperation", "QueueAlreadyExists",
}  # fmt: skip

# Codes the simulator answers that no AWS page lists, each with its reason. Keep short.
SIMULATOR = {
    "core": {
        # CloudTrail's ConsoleLogin errorMessage for a failed sign-in (an audit record).
        "Failed authentication",
        # Stratolab's own sign-up (`stratolab account create`, the sign-up page).
        "EmailAlreadyExists",
        # What AWS's front end answers for unreadable / oversized requests (JSON services).
        "MalformedHttpRequestException", "RequestEntityTooLargeException",
        # A credential scope or region the simulator does not know (as EC2 answers).
        "InvalidRegion",
    },
    "ec2": {"InvalidRegion"},
    "vpc": {
        # CIDR association codes EC2 answers (AssociateVpcCidrBlock and friends).
        "InvalidCidrBlock.InUse", "InvalidVpcCidrBlockAssociationID.NotFound",
    },
    "classrooms": {"Conflict"},  # the classroom REST API's 409 for a busy student
    # The REST door's 404 for one event id (CloudTrail's API has no "get one event").
    "cloudtrail": {"NotFound"},
}  # fmt: skip


def model_codes(service: str) -> set[str]:
    model = shapes.service_model(service)
    found = set()
    for name in model.shape_names:
        shape = model.shape_for(name)
        if shape.metadata.get("exception"):
            found.add(name)
            found.add(shape.metadata.get("error", {}).get("code", name))
    return found


def declared(app: str) -> dict[str, ErrorCode]:
    module = importlib.import_module(f"services.{app}.errors")
    return {name: v for name, v in vars(module).items() if isinstance(v, ErrorCode)}


@pytest.mark.parametrize("app", APPS)
def test_every_declared_code_is_one_aws_knows(app):
    known = COMMON | SIMULATOR.get(app, set())
    for service in MODELS.get(app, []):
        known |= model_codes(service)
    if "ec2" in MODELS.get(app, []):
        known |= EC2_DOCUMENTED
    if "s3" in MODELS.get(app, []):
        known |= S3_DOCUMENTED
    if "sqs" in MODELS.get(app, []):
        known |= SQS_DOCUMENTED
    unknown = sorted(c.code for c in declared(app).values() if c.code not in known)
    assert not unknown, f"services/{app}/errors.py declares codes no AWS source lists: {unknown}"


@pytest.mark.parametrize("app", APPS)
def test_codes_make_the_error_users_see(app):
    for name, code in declared(app).items():
        assert 400 <= code.status < 600, name
        error = code("the message")
        assert isinstance(error, AwsError)
        assert (error.code, error.message, error.status) == (code.code, "the message", code.status)
        assert code("m", status=409).status == 409
        assert code.matches(error)


def test_no_string_code_is_left_at_a_call_site():
    """`AwsError("Code", ...)` with a literal code belongs in the app's errors module:
    declare the code there (one line) and raise `errors.<Name>(message)` (see
    docs/ARCHITECTURE.md, "Errors")."""
    left = []
    for path in sorted((ROOT / "services").rglob("*.py")):
        if "migrations" in path.parts or path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "AwsError"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                left.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not left, left
