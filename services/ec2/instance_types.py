"""Instance types: DescribeInstanceTypes and DescribeInstanceTypeOfferings.

The names come from botocore's `InstanceType` enum; the ones Stratolab can launch are
those with facts in instance_type_data. Other names of the enum are real types we do
not simulate: launching one answers `Unsupported`, as AWS does for a type a region
lacks.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from services.core import filters, regions, shapes
from services.core.context import CallContext
from services.core.operations import operation
from services.ec2 import errors, listing
from services.ec2.instance_type_data import FAMILIES, FREE_TIER, OLD_ZONES, Family, Size

# Nitro v4 and later encrypt traffic between instances of these families.
_IN_TRANSIT_ENCRYPTION = frozenset({"m6i", "c6i", "r6i", "m7g", "c7g", "g4dn"})


@dataclass(frozen=True)
class InstanceType:
    """One launchable instance type: its family's shared facts and its size's."""

    name: str
    family: Family
    spec: Size

    @property
    def vcpus(self) -> int:
        return self.spec.vcpus

    @property
    def memory_mib(self) -> int:
        return int(self.spec.memory_gib * 1024)

    @property
    def memory_label(self) -> str:
        gib = self.spec.memory_gib
        return f"{gib:g} GiB"

    @property
    def architectures(self) -> tuple[str, ...]:
        return self.family.architectures

    @property
    def bare_metal(self) -> bool:
        return self.spec.size == "metal"

    @property
    def free_tier(self) -> bool:
        return self.name in FREE_TIER

    @property
    def quota_bucket(self) -> str:
        return self.family.quota_bucket

    @property
    def gpus(self) -> int:
        return self.spec.gpus

    def offered_in(self, zone_name: str) -> bool:
        allowed = OLD_ZONES.get(zone_name)
        return allowed is None or self.family.name in allowed

    def describe(self) -> dict:
        """The EC2 `InstanceTypeInfo` shape."""
        fam, size = self.family, self.spec
        threads = fam.threads_per_core
        cores = max(1, size.vcpus // threads)
        info: dict = {
            "InstanceType": self.name,
            "CurrentGeneration": fam.current_generation,
            "FreeTierEligible": self.free_tier,
            "SupportedUsageClasses": ["on-demand"] if fam.mac else ["on-demand", "spot"],
            "SupportedRootDeviceTypes": ["ebs"],
            "SupportedVirtualizationTypes": ["hvm"],
            "BareMetal": self.bare_metal,
            "ProcessorInfo": {
                "SupportedArchitectures": list(fam.architectures),
                "Manufacturer": fam.manufacturer,
            },
            "VCpuInfo": {
                "DefaultVCpus": size.vcpus,
                "DefaultCores": cores,
                "DefaultThreadsPerCore": threads,
            },
            "MemoryInfo": {"SizeInMiB": self.memory_mib},
            "InstanceStorageSupported": size.disks is not None,
            "EbsInfo": {
                "EbsOptimizedSupport": fam.ebs_optimized,
                "EncryptionSupport": "supported",
                "NvmeSupport": fam.nvme,
            },
            "NetworkInfo": {
                "NetworkPerformance": size.network,
                "MaximumNetworkInterfaces": size.enis,
                "MaximumNetworkCards": 1,
                "DefaultNetworkCardIndex": 0,
                "NetworkCards": [
                    {
                        "NetworkCardIndex": 0,
                        "NetworkPerformance": size.network,
                        "MaximumNetworkInterfaces": size.enis,
                    }
                ],
                "Ipv4AddressesPerInterface": size.ipv4_per_eni,
                "Ipv6AddressesPerInterface": size.ipv4_per_eni,
                "Ipv6Supported": True,
                "EnaSupport": fam.ena,
                "EfaSupported": False,
                "EncryptionInTransitSupported": fam.name in _IN_TRANSIT_ENCRYPTION,
            },
            "PlacementGroupInfo": {
                "SupportedStrategies": ["partition", "spread"]
                if fam.burstable
                else ["cluster", "partition", "spread"]
            },
            "HibernationSupported": fam.hibernation and not self.bare_metal,
            "BurstablePerformanceSupported": fam.burstable,
            "DedicatedHostsSupported": fam.name != "t2",
            "AutoRecoverySupported": size.disks is None,
            "SupportedBootModes": list(fam.boot_modes),
        }
        if fam.clock_ghz is not None:
            info["ProcessorInfo"]["SustainedClockSpeedInGhz"] = fam.clock_ghz
        if fam.hypervisor and not self.bare_metal:
            info["Hypervisor"] = fam.hypervisor
        if threads > 1:
            info["VCpuInfo"]["ValidCores"] = list(range(1, cores + 1))
            info["VCpuInfo"]["ValidThreadsPerCore"] = [1, 2]
        if size.disks is not None:
            count, gb = size.disks
            info["InstanceStorageInfo"] = {
                "TotalSizeInGB": count * gb,
                "Disks": [{"SizeInGB": gb, "Count": count, "Type": fam.disk_type}],
                "NvmeSupport": "required" if fam.disk_type == "ssd" else "unsupported",
                "EncryptionSupport": "required",
            }
        if fam.gpu and size.gpus:
            maker, model, memory = fam.gpu
            info["GpuInfo"] = {
                "Gpus": [
                    {
                        "Name": model,
                        "Manufacturer": maker,
                        "Count": size.gpus,
                        "MemoryInfo": {"SizeInMiB": memory},
                    }
                ],
                "TotalGpuMemoryInMiB": memory * size.gpus,
            }
        return info


@functools.cache
def _catalog() -> dict[str, InstanceType]:
    known = set(shapes.enum_values("ec2", "InstanceType"))
    found = {}
    for family, sizes in FAMILIES.values():
        for size in sizes:
            name = f"{family.name}.{size.size}"
            if name in known:  # botocore is the authority on which names exist
                found[name] = InstanceType(name, family, size)
    return found


def all_types() -> list[InstanceType]:
    """Every launchable type, in family then size order."""
    return list(_catalog().values())


def find(name: str) -> InstanceType | None:
    return _catalog().get(name)


def require(name: str, zone_name: str | None = None) -> InstanceType:
    """The type `name` for RunInstances and ModifyInstanceAttribute, or the AWS error."""
    found = find(name)
    if found is None:
        if name in shapes.enum_values("ec2", "InstanceType"):
            raise errors.Unsupported(
                "The requested configuration is currently not supported. "
                "Please check the documentation for supported configurations."
            )
        raise errors.InvalidParameterValue(
            f"Value ({name}) for parameter instanceType is invalid. Invalid instance type."
        )
    if zone_name and not found.offered_in(zone_name):
        region = regions.get_region(zone_name[:-1])
        others = [z for z in region.zone_names if found.offered_in(z)] if region else []
        raise errors.Unsupported(
            f"Your requested instance type ({name}) is not supported in your requested "
            f"Availability Zone ({zone_name}). Please retry your request by not specifying "
            f"an Availability Zone or choosing {', '.join(others)}."
        )
    return found


# Every documented name is a path into the InstanceTypeInfo item (derived from the
# response shape); these two are older names AWS still answers.
FILTERS = filters.Spec(
    "DescribeInstanceTypes",
    aliases={
        "processor-info.manufacturer": ("ProcessorInfo", "Manufacturer"),
        "gpu-info": ("GpuInfo",),
    },
)


@operation("ec2", "DescribeInstanceTypes")
def describe_instance_types(ctx: CallContext, params: dict) -> dict:
    wanted = params.get("InstanceTypes") or []
    missing = [name for name in wanted if find(name) is None]
    if missing:
        raise errors.InvalidInstanceType(
            f"The following supplied instance types do not exist: [{', '.join(missing)}]"
        )
    types = [find(n) for n in dict.fromkeys(wanted)] if wanted else all_types()
    items = filters.filter_items([t.describe() for t in types], params.get("Filters"), FILTERS)
    rows, token = listing.page(
        items, params.get("MaxResults"), params.get("NextToken"), minimum=5, maximum=100
    )
    result: dict = {"InstanceTypes": rows}
    if token:
        result["NextToken"] = token
    return result


def _offerings(ctx: CallContext, location_type: str) -> list[dict]:
    region = regions.get_region(ctx.region)
    types = all_types()
    if location_type == "region":
        return [
            {"InstanceType": t.name, "LocationType": "region", "Location": ctx.region}
            for t in types
        ]
    rows = []
    for zone in region.zones:
        location = zone.name if location_type == "availability-zone" else zone.zone_id
        rows.extend(
            {"InstanceType": t.name, "LocationType": location_type, "Location": location}
            for t in types
            if t.offered_in(zone.name)
        )
    return rows


OFFERING_FILTERS = filters.Spec(
    "DescribeInstanceTypeOfferings",
    {
        "instance-type": lambda o: [o["InstanceType"]],
        "location": lambda o: [o["Location"]],
    },
)


@operation("ec2", "DescribeInstanceTypeOfferings")
def describe_instance_type_offerings(ctx: CallContext, params: dict) -> dict:
    location_type = params.get("LocationType") or "region"
    if location_type not in ("region", "availability-zone", "availability-zone-id"):
        raise errors.InvalidParameterValue(
            f"Value ({location_type}) for parameter locationType is invalid. "
            "Valid values are: region, availability-zone, availability-zone-id"
        )
    items = filters.filter_items(
        _offerings(ctx, location_type), params.get("Filters"), OFFERING_FILTERS
    )
    rows, token = listing.page(
        items, params.get("MaxResults"), params.get("NextToken"), minimum=5, maximum=1000
    )
    result: dict = {"InstanceTypeOfferings": rows}
    if token:
        result["NextToken"] = token
    return result
