"""Network interfaces and Elastic IP addresses."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from services.core import regions
from services.core.lookups import NotFound
from services.core.models import Resource


class NetworkInterface(NotFound, Resource):
    """An elastic network interface: one private IPv4 address of its subnet, unique there
    (enforced by PostgreSQL), maybe a public one, security groups, and an attachment."""

    not_found_error = (
        "InvalidNetworkInterfaceID.NotFound",
        "The networkInterface ID '{id}' does not exist",
    )

    id_prefix = "eni"
    arn_format = "arn:aws:ec2:{region}:{account}:network-interface/{id}"
    cloudformation_type = "AWS::EC2::NetworkInterface"

    subnet = models.ForeignKey(
        "vpc.Subnet", on_delete=models.PROTECT, related_name="network_interfaces"
    )
    vpc = models.ForeignKey("vpc.Vpc", on_delete=models.PROTECT, related_name="network_interfaces")
    availability_zone = models.CharField(max_length=32)
    private_ip_address = models.GenericIPAddressField(protocol="IPv4")
    public_ip = models.GenericIPAddressField(protocol="IPv4", null=True, blank=True, unique=True)
    # Whether the interface was given an auto-assigned public IP; it gets a new one on
    # start (and after an Elastic IP leaves it) only then.
    wants_public_ip = models.BooleanField(default=False)
    security_groups = models.ManyToManyField(
        "vpc.SecurityGroup", related_name="network_interfaces", blank=True
    )
    description = models.CharField(max_length=255, blank=True, default="")
    mac_address = models.CharField(max_length=17)
    status = models.CharField(max_length=16, default="available")  # available, in-use
    interface_type = models.CharField(max_length=32, default="interface")
    requester_managed = models.BooleanField(default=False)
    source_dest_check = models.BooleanField(default=True)
    # The attachment, when attached (to an instance, by the EC2 service).
    instance_id = models.CharField(max_length=32, blank=True, default="")
    device_index = models.PositiveSmallIntegerField(null=True, blank=True)
    attachment_id = models.CharField(max_length=32, blank=True, default="")
    attachment_status = models.CharField(max_length=16, blank=True, default="")
    attach_time = models.DateTimeField(null=True, blank=True)
    delete_on_termination = models.BooleanField(default=True)

    class Meta:
        verbose_name = "network interface"
        constraints = [
            # Under concurrency: no private IP handed out twice in a subnet.
            models.UniqueConstraint(
                fields=["subnet", "private_ip_address"], name="eni_private_ip_unique_in_subnet"
            ),
        ]

    @property
    def elastic_ip(self):
        return getattr(self, "address", None)

    @property
    def security_group_names(self) -> str:
        """What the console's tables show in "Security group names"."""
        return ", ".join(g.group_name for g in self.security_groups.order_by("id"))

    @property
    def private_dns_name(self) -> str:
        host = "ip-" + self.private_ip_address.replace(".", "-")
        if self.region == "us-east-1":
            return f"{host}.ec2.internal"
        return f"{host}.{self.region}.compute.internal"

    @property
    def public_dns_name(self) -> str:
        if not self.public_ip:
            return ""
        host = "ec2-" + self.public_ip.replace(".", "-")
        if self.region == "us-east-1":
            return f"{host}.compute-1.amazonaws.com"
        return f"{host}.{self.region}.compute.amazonaws.com"

    @property
    def availability_zone_id(self) -> str:
        zone = regions.zone(self.availability_zone)
        return zone.zone_id if zone else ""

    def association(self) -> dict | None:
        if not self.public_ip:
            return None
        data = {
            "PublicIp": self.public_ip,
            "PublicDnsName": self.public_dns_name,
            "IpOwnerId": "amazon",
        }
        eip = self.elastic_ip
        if eip is not None:
            data.update(
                {
                    "AllocationId": eip.resource_id,
                    "AssociationId": eip.association_id,
                    "IpOwnerId": eip.account_id,
                }
            )
        return data

    def describe(self) -> dict:
        """The EC2 `NetworkInterface` shape."""
        association = self.association()
        private = {
            "Primary": True,
            "PrivateIpAddress": self.private_ip_address,
            "PrivateDnsName": self.private_dns_name,
        }
        if association:
            private["Association"] = association
        data: dict = {
            "NetworkInterfaceId": self.resource_id,
            "SubnetId": self.subnet.resource_id,
            "VpcId": self.vpc.resource_id,
            "AvailabilityZone": self.availability_zone,
            "AvailabilityZoneId": self.availability_zone_id,
            "OwnerId": self.account_id,
            "Description": self.description,
            "Groups": [
                {"GroupId": g.resource_id, "GroupName": g.group_name}
                for g in self.security_groups.order_by("id")
            ],
            "InterfaceType": self.interface_type,
            "MacAddress": self.mac_address,
            "PrivateIpAddress": self.private_ip_address,
            "PrivateDnsName": self.private_dns_name,
            "PrivateIpAddresses": [private],
            "Ipv6Addresses": [],
            "RequesterManaged": self.requester_managed,
            "SourceDestCheck": self.source_dest_check,
            "Status": self.status,
            "TagSet": self.tag_list(),
        }
        if association:
            data["Association"] = association
        if self.attachment_id:
            attachment: dict = {
                "AttachmentId": self.attachment_id,
                "DeleteOnTermination": self.delete_on_termination,
                "DeviceIndex": self.device_index,
                "NetworkCardIndex": 0,
                "Status": self.attachment_status,
            }
            if self.instance_id:
                attachment["InstanceId"] = self.instance_id
                attachment["InstanceOwnerId"] = self.account_id
            if self.attach_time:
                attachment["AttachTime"] = self.attach_time
            data["Attachment"] = attachment
        return data


class Address(NotFound, Resource):
    """An Elastic IP address (allocation id `eipalloc-`), maybe associated with an
    interface's primary private address (association id `eipassoc-`)."""

    not_found_error = (
        "InvalidAllocationID.NotFound",
        "The allocation ID '{id}' does not exist",
    )

    id_prefix = "eipalloc"
    arn_format = "arn:aws:ec2:{region}:{account}:elastic-ip/{id}"
    cloudformation_type = "AWS::EC2::EIP"

    public_ip = models.GenericIPAddressField(protocol="IPv4", unique=True)
    domain = models.CharField(max_length=8, default="vpc")
    network_interface = models.OneToOneField(
        NetworkInterface,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="address",
    )
    association_id = models.CharField(max_length=32, null=True, blank=True, unique=True)
    private_ip_address = models.GenericIPAddressField(protocol="IPv4", null=True, blank=True)

    class Meta:
        verbose_name = "Elastic IP address"
        constraints = [
            models.CheckConstraint(
                condition=Q(network_interface__isnull=True, association_id__isnull=True)
                | Q(network_interface__isnull=False, association_id__isnull=False),
                name="address_association_consistent",
            ),
        ]

    @property
    def instance_id(self) -> str:
        eni = self.network_interface
        return eni.instance_id if eni else ""

    @property
    def network_interface_resource_id(self) -> str:
        return self.network_interface.resource_id if self.network_interface_id else ""

    @property
    def type_label(self) -> str:
        return "Public IP"

    @property
    def pool_label(self) -> str:
        return "Amazon"

    def describe(self) -> dict:
        """The EC2 `Address` shape."""
        data: dict = {
            "AllocationId": self.resource_id,
            "PublicIp": self.public_ip,
            "Domain": self.domain,
            "PublicIpv4Pool": "amazon",
            "NetworkBorderGroup": self.region,
        }
        eni = self.network_interface
        if eni is not None:
            data.update(
                {
                    "AssociationId": self.association_id,
                    "NetworkInterfaceId": eni.resource_id,
                    "NetworkInterfaceOwnerId": eni.account_id,
                    "PrivateIpAddress": self.private_ip_address,
                    "SubnetId": eni.subnet.resource_id,
                }
            )
            if eni.instance_id:
                data["InstanceId"] = eni.instance_id
        if self.tags:
            data["Tags"] = self.tag_list()
        return data
