"""CloudTrail's AWS error codes, one line each.

Call a code with the message to make the error (`raise errors.InvalidParameterValue("...")`);
see docs/ARCHITECTURE.md, "Errors". A new code is one line here, in name order."""

from __future__ import annotations

from services.core.errors import ErrorCode

InvalidLookupAttributesException = ErrorCode("InvalidLookupAttributesException")
InvalidMaxResultsException = ErrorCode("InvalidMaxResultsException")
InvalidNextTokenException = ErrorCode("InvalidNextTokenException")
InvalidTimeRangeException = ErrorCode("InvalidTimeRangeException")
NotFound = ErrorCode("NotFound", 404)
