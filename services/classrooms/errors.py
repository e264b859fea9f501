"""Classrooms's AWS error codes, one line each: call a code with the message to make the
error (`raise errors.InvalidParameterValue("...")`). See docs/ARCHITECTURE.md, "Errors";
a new code is one line here, in name order."""

from __future__ import annotations

from services.core.errors import ErrorCode

AddressLimitExceeded = ErrorCode("AddressLimitExceeded")
Conflict = ErrorCode("Conflict", 409)
ExpiredToken = ErrorCode("ExpiredToken")
InstanceLimitExceeded = ErrorCode("InstanceLimitExceeded")
VcpuLimitExceeded = ErrorCode("VcpuLimitExceeded")
VolumeLimitExceeded = ErrorCode("VolumeLimitExceeded")
