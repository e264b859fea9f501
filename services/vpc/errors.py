"""VPC's AWS error codes, one line each.

Call a code with the message to make the error (`raise errors.InvalidParameterValue("...")`);
see docs/ARCHITECTURE.md, "Errors". A new code is one line here, in name order."""

from __future__ import annotations

from services.core.errors import ErrorCode

AuthFailure = ErrorCode("AuthFailure")
CannotDelete = ErrorCode("CannotDelete")
DefaultVpcAlreadyExists = ErrorCode("DefaultVpcAlreadyExists")
DependencyViolation = ErrorCode("DependencyViolation")
GatewayNotAttached = ErrorCode("Gateway.NotAttached")
InsufficientAddressCapacity = ErrorCode("InsufficientAddressCapacity")
InsufficientFreeAddressesInSubnet = ErrorCode("InsufficientFreeAddressesInSubnet")
InvalidAddressNotFound = ErrorCode("InvalidAddress.NotFound")
InvalidAssociationIDNotFound = ErrorCode("InvalidAssociationID.NotFound")
InvalidCidrBlockInUse = ErrorCode("InvalidCidrBlock.InUse")
InvalidGroupDuplicate = ErrorCode("InvalidGroup.Duplicate")
InvalidGroupNotFound = ErrorCode("InvalidGroup.NotFound")
InvalidGroupReserved = ErrorCode("InvalidGroup.Reserved")
InvalidIPAddressInUse = ErrorCode("InvalidIPAddress.InUse")
InvalidInstanceIDNotFound = ErrorCode("InvalidInstanceID.NotFound")
InvalidNetworkAclEntryNotFound = ErrorCode("InvalidNetworkAclEntry.NotFound")
InvalidNetworkInterfaceInUse = ErrorCode("InvalidNetworkInterface.InUse")
InvalidParameter = ErrorCode("InvalidParameter")
InvalidParameterCombination = ErrorCode("InvalidParameterCombination")
InvalidParameterValue = ErrorCode("InvalidParameterValue")
InvalidPermissionDuplicate = ErrorCode("InvalidPermission.Duplicate")
InvalidPermissionNotFound = ErrorCode("InvalidPermission.NotFound")
InvalidRouteNotFound = ErrorCode("InvalidRoute.NotFound")
InvalidSecurityGroupRuleIdNotFound = ErrorCode("InvalidSecurityGroupRuleId.NotFound")
InvalidSubnetConflict = ErrorCode("InvalidSubnet.Conflict")
InvalidSubnetRange = ErrorCode("InvalidSubnet.Range")
InvalidVpcCidrBlockAssociationIDNotFound = ErrorCode("InvalidVpcCidrBlockAssociationID.NotFound")
InvalidVpcRange = ErrorCode("InvalidVpc.Range")
MissingInput = ErrorCode("MissingInput")
MissingParameter = ErrorCode("MissingParameter")
NetworkAclEntryAlreadyExists = ErrorCode("NetworkAclEntryAlreadyExists")
OperationNotPermitted = ErrorCode("OperationNotPermitted")
ResourceAlreadyAssociated = ErrorCode("Resource.AlreadyAssociated")
RouteAlreadyExists = ErrorCode("RouteAlreadyExists")
SecurityGroupsPerInterfaceLimitExceeded = ErrorCode("SecurityGroupsPerInterfaceLimitExceeded")
VPCIdNotSpecified = ErrorCode("VPCIdNotSpecified")
