"""EventBridge's AWS error codes, one line each, in name order (see docs/ARCHITECTURE.md,
"Errors"). Call a code with the message to make the error."""

from __future__ import annotations

from services.core.errors import ErrorCode

ConcurrentModificationException = ErrorCode("ConcurrentModificationException")
InvalidEventPatternException = ErrorCode("InvalidEventPatternException")
LimitExceededException = ErrorCode("LimitExceededException")
ResourceAlreadyExistsException = ErrorCode("ResourceAlreadyExistsException")
ResourceNotFoundException = ErrorCode("ResourceNotFoundException")
ValidationException = ErrorCode("ValidationException")
