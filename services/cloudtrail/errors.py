"""CloudTrail's AWS error codes, one line each: call a code with the message to make the
error (`raise errors.InvalidParameterValue("...")`). See docs/ARCHITECTURE.md, "Errors";
kit-errors-codemod.py adds the codes new `AwsError("Code", ...)` sites raise."""

from __future__ import annotations

from services.core.errors import ErrorCode

InvalidLookupAttributesException = ErrorCode("InvalidLookupAttributesException")
InvalidMaxResultsException = ErrorCode("InvalidMaxResultsException")
InvalidNextTokenException = ErrorCode("InvalidNextTokenException")
InvalidTimeRangeException = ErrorCode("InvalidTimeRangeException")
