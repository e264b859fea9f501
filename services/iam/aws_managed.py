"""AWS managed policies: arn:aws:iam::aws:policy/NAME, the same in every account.

The documents are AWS's published ones (default version at the date given), except
ReadOnlyAccess: AWS's document lists thousands of read actions over every service; this
one keeps a representative subset covering the services Stratolab simulates (Describe*,
Get*, List* of ec2, s3, iam, cloudtrail and their neighbours).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@dataclass(frozen=True)
class AwsManagedPolicy:
    name: str
    description: str
    default_version_id: str
    update_date: dt.datetime
    document: dict
    path: str = "/"

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::aws:policy{self.path}{self.name}"

    @property
    def policy_id(self) -> str:
        # Stable across installations: derived from the name, in IAM's ANPA... form.
        digest = hashlib.sha256(self.name.encode()).digest()
        return "ANPA" + "".join(_ALPHABET[b % 32] for b in digest[:17])

    @property
    def document_text(self) -> str:
        return json.dumps(self.document, indent=4)


_DATA: dict[str, dict] = {
    "AdministratorAccess": {
        "Description": "Provides full access to AWS services and resources.",
        "DefaultVersionId": "v1",
        "UpdateDate": "2015-02-06T18:39:46Z",
        "Document": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        },
    },
    "AmazonEC2FullAccess": {
        "Description": "Provides full access to Amazon EC2 via the AWS Management Console.",
        "DefaultVersionId": "v5",
        "UpdateDate": "2018-11-27T02:16:56Z",
        "Document": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "ec2:*", "Effect": "Allow", "Resource": "*"},
                {"Effect": "Allow", "Action": "elasticloadbalancing:*", "Resource": "*"},
                {"Effect": "Allow", "Action": "cloudwatch:*", "Resource": "*"},
                {"Effect": "Allow", "Action": "autoscaling:*", "Resource": "*"},
                {
                    "Effect": "Allow",
                    "Action": "iam:CreateServiceLinkedRole",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            "iam:AWSServiceName": [
                                "autoscaling.amazonaws.com",
                                "ec2scheduled.amazonaws.com",
                                "elasticloadbalancing.amazonaws.com",
                                "spot.amazonaws.com",
                                "spotfleet.amazonaws.com",
                                "transitgateway.amazonaws.com",
                            ]
                        }
                    },
                },
            ],
        },
    },
    "AmazonEC2ReadOnlyAccess": {
        "Description": "Provides read only access to Amazon EC2 via the AWS Management Console.",
        "DefaultVersionId": "v2",
        "UpdateDate": "2024-02-14T15:17:04Z",
        "Document": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "EC2",
                    "Effect": "Allow",
                    "Action": ["ec2:Describe*", "ec2:Get*"],
                    "Resource": "*",
                },
                {
                    "Sid": "ELB",
                    "Effect": "Allow",
                    "Action": "elasticloadbalancing:Describe*",
                    "Resource": "*",
                },
                {
                    "Sid": "Cloudwatch",
                    "Effect": "Allow",
                    "Action": [
                        "cloudwatch:ListMetrics",
                        "cloudwatch:GetMetricStatistics",
                        "cloudwatch:Describe*",
                    ],
                    "Resource": "*",
                },
                {
                    "Sid": "Autoscaling",
                    "Effect": "Allow",
                    "Action": "autoscaling:Describe*",
                    "Resource": "*",
                },
            ],
        },
    },
    "AmazonS3FullAccess": {
        "Description": "Provides full access to all buckets via the AWS Management Console.",
        "DefaultVersionId": "v2",
        "UpdateDate": "2021-09-27T20:16:37Z",
        "Document": {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}
            ],
        },
    },
    "AmazonS3ReadOnlyAccess": {
        "Description": "Provides read only access to all buckets via the AWS Management Console.",
        "DefaultVersionId": "v3",
        "UpdateDate": "2023-08-10T21:31:39Z",
        "Document": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "s3:Get*",
                        "s3:List*",
                        "s3:Describe*",
                        "s3-object-lambda:Get*",
                        "s3-object-lambda:List*",
                    ],
                    "Resource": "*",
                }
            ],
        },
    },
    "AmazonVPCFullAccess": {
        "Description": "Provides full access to Amazon VPC via the AWS Management Console.",
        "DefaultVersionId": "v10",
        "UpdateDate": "2024-02-08T16:03:24Z",
        "Document": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AmazonVPCFullAccess",
                    "Effect": "Allow",
                    "Action": [
                        "ec2:AcceptVpcPeeringConnection",
                        "ec2:AcceptVpcEndpointConnections",
                        "ec2:AllocateAddress",
                        "ec2:AssignIpv6Addresses",
                        "ec2:AssignPrivateIpAddresses",
                        "ec2:AssociateAddress",
                        "ec2:AssociateDhcpOptions",
                        "ec2:AssociateRouteTable",
                        "ec2:AssociateSubnetCidrBlock",
                        "ec2:AssociateVpcCidrBlock",
                        "ec2:AttachClassicLinkVpc",
                        "ec2:AttachInternetGateway",
                        "ec2:AttachNetworkInterface",
                        "ec2:AttachVpnGateway",
                        "ec2:AuthorizeSecurityGroupEgress",
                        "ec2:AuthorizeSecurityGroupIngress",
                        "ec2:CreateCarrierGateway",
                        "ec2:CreateCustomerGateway",
                        "ec2:CreateDefaultSubnet",
                        "ec2:CreateDefaultVpc",
                        "ec2:CreateDhcpOptions",
                        "ec2:CreateEgressOnlyInternetGateway",
                        "ec2:CreateFlowLogs",
                        "ec2:CreateInternetGateway",
                        "ec2:CreateLocalGatewayRouteTableVpcAssociation",
                        "ec2:CreateNatGateway",
                        "ec2:CreateNetworkAcl",
                        "ec2:CreateNetworkAclEntry",
                        "ec2:CreateNetworkInterface",
                        "ec2:CreateNetworkInterfacePermission",
                        "ec2:CreateRoute",
                        "ec2:CreateRouteTable",
                        "ec2:CreateSecurityGroup",
                        "ec2:CreateSubnet",
                        "ec2:CreateTags",
                        "ec2:CreateVpc",
                        "ec2:CreateVpcEndpoint",
                        "ec2:CreateVpcEndpointConnectionNotification",
                        "ec2:CreateVpcEndpointServiceConfiguration",
                        "ec2:CreateVpcPeeringConnection",
                        "ec2:CreateVpnConnection",
                        "ec2:CreateVpnConnectionRoute",
                        "ec2:CreateVpnGateway",
                        "ec2:DeleteCarrierGateway",
                        "ec2:DeleteCustomerGateway",
                        "ec2:DeleteDhcpOptions",
                        "ec2:DeleteEgressOnlyInternetGateway",
                        "ec2:DeleteFlowLogs",
                        "ec2:DeleteInternetGateway",
                        "ec2:DeleteLocalGatewayRouteTableVpcAssociation",
                        "ec2:DeleteNatGateway",
                        "ec2:DeleteNetworkAcl",
                        "ec2:DeleteNetworkAclEntry",
                        "ec2:DeleteNetworkInterface",
                        "ec2:DeleteNetworkInterfacePermission",
                        "ec2:DeleteRoute",
                        "ec2:DeleteRouteTable",
                        "ec2:DeleteSecurityGroup",
                        "ec2:DeleteSubnet",
                        "ec2:DeleteTags",
                        "ec2:DeleteVpc",
                        "ec2:DeleteVpcEndpoints",
                        "ec2:DeleteVpcEndpointConnectionNotifications",
                        "ec2:DeleteVpcEndpointServiceConfigurations",
                        "ec2:DeleteVpcPeeringConnection",
                        "ec2:DeleteVpnConnection",
                        "ec2:DeleteVpnConnectionRoute",
                        "ec2:DeleteVpnGateway",
                        "ec2:DescribeAccountAttributes",
                        "ec2:DescribeAddresses",
                        "ec2:DescribeAvailabilityZones",
                        "ec2:DescribeCarrierGateways",
                        "ec2:DescribeClassicLinkInstances",
                        "ec2:DescribeCustomerGateways",
                        "ec2:DescribeDhcpOptions",
                        "ec2:DescribeEgressOnlyInternetGateways",
                        "ec2:DescribeFlowLogs",
                        "ec2:DescribeInstances",
                        "ec2:DescribeInternetGateways",
                        "ec2:DescribeIpv6Pools",
                        "ec2:DescribeLocalGatewayRouteTables",
                        "ec2:DescribeLocalGatewayRouteTableVpcAssociations",
                        "ec2:DescribeKeyPairs",
                        "ec2:DescribeMovingAddresses",
                        "ec2:DescribeNatGateways",
                        "ec2:DescribeNetworkAcls",
                        "ec2:DescribeNetworkInterfaceAttribute",
                        "ec2:DescribeNetworkInterfacePermissions",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribePrefixLists",
                        "ec2:DescribeRouteTables",
                        "ec2:DescribeSecurityGroupReferences",
                        "ec2:DescribeSecurityGroupRules",
                        "ec2:DescribeSecurityGroups",
                        "ec2:DescribeStaleSecurityGroups",
                        "ec2:DescribeSubnets",
                        "ec2:DescribeTags",
                        "ec2:DescribeVpcAttribute",
                        "ec2:DescribeVpcClassicLink",
                        "ec2:DescribeVpcClassicLinkDnsSupport",
                        "ec2:DescribeVpcEndpointConnectionNotifications",
                        "ec2:DescribeVpcEndpointConnections",
                        "ec2:DescribeVpcEndpoints",
                        "ec2:DescribeVpcEndpointServiceConfigurations",
                        "ec2:DescribeVpcEndpointServicePermissions",
                        "ec2:DescribeVpcEndpointServices",
                        "ec2:DescribeVpcPeeringConnections",
                        "ec2:DescribeVpcs",
                        "ec2:DescribeVpnConnections",
                        "ec2:DescribeVpnGateways",
                        "ec2:DetachClassicLinkVpc",
                        "ec2:DetachInternetGateway",
                        "ec2:DetachNetworkInterface",
                        "ec2:DetachVpnGateway",
                        "ec2:DisableVgwRoutePropagation",
                        "ec2:DisableVpcClassicLink",
                        "ec2:DisableVpcClassicLinkDnsSupport",
                        "ec2:DisassociateAddress",
                        "ec2:DisassociateRouteTable",
                        "ec2:DisassociateSubnetCidrBlock",
                        "ec2:DisassociateVpcCidrBlock",
                        "ec2:EnableVgwRoutePropagation",
                        "ec2:EnableVpcClassicLink",
                        "ec2:EnableVpcClassicLinkDnsSupport",
                        "ec2:GetSecurityGroupsForVpc",
                        "ec2:ModifyNetworkInterfaceAttribute",
                        "ec2:ModifySecurityGroupRules",
                        "ec2:ModifySubnetAttribute",
                        "ec2:ModifyVpcAttribute",
                        "ec2:ModifyVpcEndpoint",
                        "ec2:ModifyVpcEndpointConnectionNotification",
                        "ec2:ModifyVpcEndpointServiceConfiguration",
                        "ec2:ModifyVpcEndpointServicePermissions",
                        "ec2:ModifyVpcPeeringConnectionOptions",
                        "ec2:ModifyVpcTenancy",
                        "ec2:MoveAddressToVpc",
                        "ec2:RejectVpcEndpointConnections",
                        "ec2:RejectVpcPeeringConnection",
                        "ec2:ReleaseAddress",
                        "ec2:ReplaceNetworkAclAssociation",
                        "ec2:ReplaceNetworkAclEntry",
                        "ec2:ReplaceRoute",
                        "ec2:ReplaceRouteTableAssociation",
                        "ec2:ResetNetworkInterfaceAttribute",
                        "ec2:RestoreAddressToClassic",
                        "ec2:RevokeSecurityGroupEgress",
                        "ec2:RevokeSecurityGroupIngress",
                        "ec2:UnassignIpv6Addresses",
                        "ec2:UnassignPrivateIpAddresses",
                        "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
                        "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
                    ],
                    "Resource": "*",
                }
            ],
        },
    },
    "IAMFullAccess": {
        "Description": "Provides full access to IAM via the AWS Management Console.",
        "DefaultVersionId": "v2",
        "UpdateDate": "2019-06-21T19:40:00Z",
        "Document": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "iam:*",
                        "organizations:DescribeAccount",
                        "organizations:DescribeOrganization",
                        "organizations:DescribeOrganizationalUnit",
                        "organizations:DescribePolicy",
                        "organizations:ListChildren",
                        "organizations:ListParents",
                        "organizations:ListPoliciesForTarget",
                        "organizations:ListRoots",
                        "organizations:ListPolicies",
                        "organizations:ListTargetsForPolicy",
                    ],
                    "Resource": "*",
                }
            ],
        },
    },
    "IAMReadOnlyAccess": {
        "Description": "Provides read only access to IAM via the AWS Management Console.",
        "DefaultVersionId": "v4",
        "UpdateDate": "2018-01-25T19:11:27Z",
        "Document": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "iam:GenerateCredentialReport",
                        "iam:GenerateServiceLastAccessedDetails",
                        "iam:Get*",
                        "iam:List*",
                        "iam:SimulateCustomPolicy",
                        "iam:SimulatePrincipalPolicy",
                    ],
                    "Resource": "*",
                }
            ],
        },
    },
    "IAMUserChangePassword": {
        "Description": "Provides the ability for an IAM user to change their own password.",
        "DefaultVersionId": "v2",
        "UpdateDate": "2016-11-15T23:18:55Z",
        "Document": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["iam:ChangePassword"],
                    "Resource": ["arn:aws:iam::*:user/${aws:username}"],
                },
                {"Effect": "Allow", "Action": ["iam:GetAccountPasswordPolicy"], "Resource": "*"},
            ],
        },
    },
    "PowerUserAccess": {
        "Description": "Provides full access to AWS services and resources, but "
        "does not allow management of Users and groups.",
        "DefaultVersionId": "v12",
        "UpdateDate": "2026-02-12T17:59:14Z",
        "Document": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "NotAction": ["iam:*", "organizations:*", "account:*"],
                    "Resource": "*",
                },
                {
                    "Effect": "Allow",
                    "Action": [
                        "account:GetAccountInformation",
                        "account:GetGovCloudAccountInformation",
                        "account:GetPrimaryEmail",
                        "account:ListRegions",
                        "iam:CreateServiceLinkedRole",
                        "iam:DeleteServiceLinkedRole",
                        "iam:ListRoles",
                        "organizations:DescribeEffectivePolicy",
                        "organizations:DescribeOrganization",
                    ],
                    "Resource": "*",
                },
            ],
        },
    },
    "ReadOnlyAccess": {
        "Description": "Provides read-only access to AWS services and resources.",
        "DefaultVersionId": "v125",
        "UpdateDate": "2025-01-01T00:00:00Z",
        "Document": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadOnlyActions",
                    "Effect": "Allow",
                    "Action": [
                        "autoscaling:Describe*",
                        "cloudformation:Describe*",
                        "cloudformation:Get*",
                        "cloudformation:List*",
                        "cloudtrail:Describe*",
                        "cloudtrail:Get*",
                        "cloudtrail:List*",
                        "cloudtrail:LookupEvents",
                        "cloudwatch:Describe*",
                        "cloudwatch:Get*",
                        "cloudwatch:List*",
                        "dynamodb:Describe*",
                        "dynamodb:List*",
                        "ec2:Describe*",
                        "ec2:Get*",
                        "ec2:List*",
                        "ec2:Search*",
                        "elasticloadbalancing:Describe*",
                        "iam:Generate*",
                        "iam:Get*",
                        "iam:List*",
                        "iam:Simulate*",
                        "kms:Describe*",
                        "kms:Get*",
                        "kms:List*",
                        "lambda:Get*",
                        "lambda:List*",
                        "logs:Describe*",
                        "logs:Get*",
                        "logs:List*",
                        "rds:Describe*",
                        "rds:List*",
                        "route53:Get*",
                        "route53:List*",
                        "s3:Describe*",
                        "s3:Get*",
                        "s3:List*",
                        "sns:Get*",
                        "sns:List*",
                        "sqs:Get*",
                        "sqs:List*",
                        "sts:GetCallerIdentity",
                        "tag:Get*",
                    ],
                    "Resource": "*",
                }
            ],
        },
    },
}

CREATED = dt.datetime(2015, 2, 6, 18, 39, 46, tzinfo=dt.UTC)

POLICIES: dict[str, AwsManagedPolicy] = {
    name: AwsManagedPolicy(
        name=name,
        description=item["Description"],
        default_version_id=item["DefaultVersionId"],
        update_date=dt.datetime.fromisoformat(item["UpdateDate"].replace("Z", "+00:00")),
        document=item["Document"],
    )
    for name, item in _DATA.items()
}
BY_ARN: dict[str, AwsManagedPolicy] = {p.arn: p for p in POLICIES.values()}


def get(arn: str) -> AwsManagedPolicy | None:
    return BY_ARN.get(arn)
