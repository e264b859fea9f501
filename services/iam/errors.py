"""IAM's AWS error codes, one line each.

Call a code with the message to make the error (`raise errors.InvalidParameterValue("...")`);
see docs/ARCHITECTURE.md, "Errors". A new code is one line here, in name order."""

from __future__ import annotations

from services.core.errors import ErrorCode

AccessDenied = ErrorCode("AccessDenied", 403)
AuthFailure = ErrorCode("AuthFailure", 401)
DeleteConflict = ErrorCode("DeleteConflict", 409)
EntityAlreadyExists = ErrorCode("EntityAlreadyExists", 409)
ExpiredToken = ErrorCode("ExpiredToken", 403)
InvalidAccessKeyId = ErrorCode("InvalidAccessKeyId", 403)
InvalidAuthenticationCode = ErrorCode("InvalidAuthenticationCode", 403)
InvalidClientTokenId = ErrorCode("InvalidClientTokenId", 403)
InvalidInput = ErrorCode("InvalidInput")
InvalidUserType = ErrorCode("InvalidUserType")
LimitExceeded = ErrorCode("LimitExceeded", 409)
NoSuchEntity = ErrorCode("NoSuchEntity", 404)
PasswordPolicyViolation = ErrorCode("PasswordPolicyViolation")
ReportExpired = ErrorCode("ReportExpired", 410)
ReportNotPresent = ErrorCode("ReportNotPresent", 410)
RequestExpired = ErrorCode("RequestExpired")
ValidationError = ErrorCode("ValidationError")
