"""Classrooms's AWS error codes, one line each.

Call a code with the message to make the error (`raise errors.InvalidParameterValue("...")`);
see docs/ARCHITECTURE.md, "Errors". A new code is one line here, in name order."""

from __future__ import annotations

from services.core.errors import ErrorCode

AddressLimitExceeded = ErrorCode("AddressLimitExceeded")
Conflict = ErrorCode("Conflict", 409)
ExpiredToken = ErrorCode("ExpiredToken")
InstanceLimitExceeded = ErrorCode("InstanceLimitExceeded")
VcpuLimitExceeded = ErrorCode("VcpuLimitExceeded")
VolumeLimitExceeded = ErrorCode("VolumeLimitExceeded")
