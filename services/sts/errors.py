"""STS's AWS error codes, one line each.

Call a code with the message to make the error (`raise errors.AccessDenied("...")`);
see docs/ARCHITECTURE.md, "Errors". A new code is one line here, in name order."""

from __future__ import annotations

from services.core.errors import ErrorCode

AccessDenied = ErrorCode("AccessDenied", 403)
PackedPolicyTooLarge = ErrorCode("PackedPolicyTooLarge")
ValidationError = ErrorCode("ValidationError")
