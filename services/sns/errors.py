"""SNS's error codes (botocore's model: the `error.code` of each exception shape)."""

from services.core.errors import AwsError, ErrorCode

AuthorizationError = ErrorCode("AuthorizationError", 403)
ConcurrentAccess = ErrorCode("ConcurrentAccess")
BatchEntryIdsNotDistinct = ErrorCode("BatchEntryIdsNotDistinct")
BatchRequestTooLong = ErrorCode("BatchRequestTooLong")
EmptyBatchRequest = ErrorCode("EmptyBatchRequest")
FilterPolicyLimitExceeded = ErrorCode("FilterPolicyLimitExceeded", 403)
InvalidBatchEntryId = ErrorCode("InvalidBatchEntryId")
InvalidParameter = ErrorCode("InvalidParameter")
ParameterValueInvalid = ErrorCode("ParameterValueInvalid")
NotFound = ErrorCode("NotFound", 404)
ResourceNotFound = ErrorCode("ResourceNotFound", 404)
SubscriptionLimitExceeded = ErrorCode("SubscriptionLimitExceeded", 403)
TagLimitExceeded = ErrorCode("TagLimitExceeded")
TooManyEntriesInBatchRequest = ErrorCode("TooManyEntriesInBatchRequest")
TopicLimitExceeded = ErrorCode("TopicLimitExceeded", 403)


def invalid(what: str) -> AwsError:
    """SNS's InvalidParameter, worded as SNS words it: "Invalid parameter: <what>"."""
    return InvalidParameter(f"Invalid parameter: {what}")
