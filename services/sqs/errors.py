"""SQS's error codes, as its query protocol names them (the AWS CLI and boto3 show these
codes: the JSON protocol carries them in x-amzn-query-error; services/sqs/door.py writes
the JSON `__type` from `JSON_TYPES`)."""

from __future__ import annotations

from services.core.errors import ErrorCode

_P = "AWS.SimpleQueueService."

AccessDenied = ErrorCode("AccessDenied", 403)
BatchEntryIdsNotDistinct = ErrorCode(_P + "BatchEntryIdsNotDistinct")
BatchRequestTooLong = ErrorCode(_P + "BatchRequestTooLong")
EmptyBatchRequest = ErrorCode(_P + "EmptyBatchRequest")
InvalidAddress = ErrorCode("InvalidAddress", 404)
InvalidAttributeName = ErrorCode("InvalidAttributeName")
InvalidAttributeValue = ErrorCode("InvalidAttributeValue")
InvalidBatchEntryId = ErrorCode(_P + "InvalidBatchEntryId")
InvalidMessageContents = ErrorCode("InvalidMessageContents")
InvalidParameterValue = ErrorCode("InvalidParameterValue")
MessageNotInflight = ErrorCode(_P + "MessageNotInflight")
MissingParameter = ErrorCode("MissingParameter")
NonExistentQueue = ErrorCode(_P + "NonExistentQueue")
OverLimit = ErrorCode("OverLimit", 403)
PurgeQueueInProgress = ErrorCode(_P + "PurgeQueueInProgress", 403)
QueueAlreadyExists = ErrorCode("QueueAlreadyExists")
QueueDeletedRecently = ErrorCode(_P + "QueueDeletedRecently")
ReceiptHandleIsInvalid = ErrorCode("ReceiptHandleIsInvalid", 404)
ResourceNotFoundException = ErrorCode("ResourceNotFoundException", 404)
TooManyEntriesInBatchRequest = ErrorCode(_P + "TooManyEntriesInBatchRequest")
UnsupportedOperation = ErrorCode(_P + "UnsupportedOperation")

# The JSON protocol's `__type` of each code whose botocore shape is named otherwise.
JSON_TYPES = {
    _P + "BatchEntryIdsNotDistinct": "BatchEntryIdsNotDistinct",
    _P + "BatchRequestTooLong": "BatchRequestTooLong",
    _P + "EmptyBatchRequest": "EmptyBatchRequest",
    _P + "InvalidBatchEntryId": "InvalidBatchEntryId",
    _P + "MessageNotInflight": "MessageNotInflight",
    _P + "NonExistentQueue": "QueueDoesNotExist",
    _P + "PurgeQueueInProgress": "PurgeQueueInProgress",
    _P + "QueueDeletedRecently": "QueueDeletedRecently",
    _P + "TooManyEntriesInBatchRequest": "TooManyEntriesInBatchRequest",
    _P + "UnsupportedOperation": "UnsupportedOperation",
    "QueueAlreadyExists": "QueueNameExists",
}


def not_exist():
    return NonExistentQueue("The specified queue does not exist.")


def invalid_value(name: str, value: object, reason: str):
    return InvalidParameterValue(f"Value {value} for parameter {name} is invalid. Reason: {reason}")
