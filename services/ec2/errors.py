"""EC2's AWS error codes, one line each.

Call a code with the message to make the error (`raise errors.InvalidParameterValue("...")`);
see docs/ARCHITECTURE.md, "Errors". A new code is one line here, in name order."""

from __future__ import annotations

from services.core.errors import ErrorCode

AttachmentLimitExceeded = ErrorCode("AttachmentLimitExceeded")
AuthFailure = ErrorCode("AuthFailure")
IdempotentParameterMismatch = ErrorCode("IdempotentParameterMismatch")
IncorrectInstanceState = ErrorCode("IncorrectInstanceState")
IncorrectState = ErrorCode("IncorrectState")
InstanceLimitExceeded = ErrorCode("InstanceLimitExceeded")
InvalidAMIIDMalformed = ErrorCode("InvalidAMIID.Malformed")
InvalidAMIIDNotFound = ErrorCode("InvalidAMIID.NotFound")
InvalidAMIIDUnavailable = ErrorCode("InvalidAMIID.Unavailable")
InvalidAMINameDuplicate = ErrorCode("InvalidAMIName.Duplicate")
InvalidAMINameMalformed = ErrorCode("InvalidAMIName.Malformed")
InvalidBlockDeviceMapping = ErrorCode("InvalidBlockDeviceMapping")
InvalidID = ErrorCode("InvalidID")
InvalidInstanceAttributeValue = ErrorCode("InvalidInstanceAttributeValue")
InvalidInstanceIDMalformed = ErrorCode("InvalidInstanceID.Malformed")
InvalidInstanceIDNotFound = ErrorCode("InvalidInstanceID.NotFound")
InvalidInstanceType = ErrorCode("InvalidInstanceType")
InvalidKeyFormat = ErrorCode("InvalidKey.Format")
InvalidKeyPairDuplicate = ErrorCode("InvalidKeyPair.Duplicate")
InvalidKeyPairNotFound = ErrorCode("InvalidKeyPair.NotFound")
InvalidNetworkInterfaceInUse = ErrorCode("InvalidNetworkInterface.InUse")
InvalidNextToken = ErrorCode("InvalidNextToken")
InvalidParameterCombination = ErrorCode("InvalidParameterCombination")
InvalidParameterValue = ErrorCode("InvalidParameterValue")
InvalidRegion = ErrorCode("InvalidRegion")
InvalidSnapshotIDMalformed = ErrorCode("InvalidSnapshotID.Malformed")
InvalidSnapshotInUse = ErrorCode("InvalidSnapshot.InUse")
InvalidSnapshotNotFound = ErrorCode("InvalidSnapshot.NotFound")
InvalidUserIDMalformed = ErrorCode("InvalidUserID.Malformed")
InvalidVolumeNotFound = ErrorCode("InvalidVolume.NotFound")
InvalidVolumeZoneMismatch = ErrorCode("InvalidVolume.ZoneMismatch")
InvalidZoneNotFound = ErrorCode("InvalidZone.NotFound")
MissingParameter = ErrorCode("MissingParameter")
OperationNotPermitted = ErrorCode("OperationNotPermitted")
TagLimitExceeded = ErrorCode("TagLimitExceeded")
Unsupported = ErrorCode("Unsupported")
UnsupportedHibernationConfiguration = ErrorCode("UnsupportedHibernationConfiguration")
VcpuLimitExceeded = ErrorCode("VcpuLimitExceeded")
VolumeInUse = ErrorCode("VolumeInUse")
