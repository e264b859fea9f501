"""S3's errors, with the codes, messages, statuses and extra elements S3 answers with."""

from __future__ import annotations

from services.core.errors import AwsError
from services.core.gateway.errors import GatewayError

NO_SUCH_UPLOAD = (
    "The specified upload does not exist. The upload ID may be invalid, or the upload may "
    "have been aborted or completed."
)


def error(
    code: str, message: str, status: int = 400, *, headers: dict | None = None, **fields: object
) -> AwsError:
    """An S3 error; `fields` become extra elements of the <Error> document, `headers`
    response headers (x-amz-delete-marker on a GET of a deleted key). S3 answers some
    errors with an empty message (a bad x-amz-acl): its <Message></Message> is still there."""
    if not message:
        fields = {"Message": "", **fields}
    found = GatewayError(code, message, status, **fields)
    found.headers = dict(headers or {})
    return found


def no_such_bucket(name: str) -> AwsError:
    return error("NoSuchBucket", "The specified bucket does not exist", 404, BucketName=name)


def no_such_key(key: str) -> AwsError:
    return error("NoSuchKey", "The specified key does not exist.", 404, Key=key)


def no_such_version(key: str, version_id: str) -> AwsError:
    return error(
        "NoSuchVersion",
        "The specified version does not exist.",
        404,
        Key=key,
        VersionId=version_id,
    )


def invalid_version(version_id: str) -> AwsError:
    return error(
        "InvalidArgument",
        "Invalid version id specified",
        400,
        ArgumentName="versionId",
        ArgumentValue=version_id,
    )


def no_such_upload(upload_id: str) -> AwsError:
    return error("NoSuchUpload", NO_SUCH_UPLOAD, 404, UploadId=upload_id)


def invalid_argument(message: str, name: str = "", value: object = None) -> AwsError:
    fields: dict[str, object] = {}
    if name:
        fields["ArgumentName"] = name
        fields["ArgumentValue"] = "" if value is None else value
    return error("InvalidArgument", message, 400, **fields)


def malformed_xml() -> AwsError:
    return error(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
    )


def access_denied(message: str = "Access Denied") -> AwsError:
    return error("AccessDenied", message, 403)


def not_configured(code: str, message: str, bucket: str) -> AwsError:
    """NoSuchBucketPolicy, NoSuchCORSConfiguration, ...: 404 with the bucket's name."""
    return error(code, message, 404, BucketName=bucket)


def invalid_object_state(storage_class: str, message: str = "") -> AwsError:
    return error(
        "InvalidObjectState",
        message or "The operation is not valid for the object's storage class",
        403,
        StorageClass=storage_class,
    )
