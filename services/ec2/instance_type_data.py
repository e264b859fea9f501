"""Facts about the instance types Stratolab lets you launch: vCPUs, memory, processor,
network, storage and GPUs per size, as DescribeInstanceTypes reports them.

Which names exist comes from botocore's `InstanceType` enum (see instance_types.py);
this table holds what the enum does not: the specifications, taken from AWS's
instance type pages and `aws ec2 describe-instance-types` output. A name read
family, generation, size (EC2-07): m5.2xlarge is family m, generation 5, size 2xlarge.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Family:
    """What every size of a family shares."""

    name: str  # m5
    architectures: tuple[str, ...]
    manufacturer: str  # Intel, AMD, AWS, Apple
    clock_ghz: float | None
    hypervisor: str  # nitro or xen (bare metal sizes have none)
    threads_per_core: int
    burstable: bool = False
    ena: str = "required"  # required | supported | unsupported
    ebs_optimized: str = "default"  # default | supported | unsupported
    nvme: str = "required"  # EBS volumes appear as NVMe devices on Nitro
    gpu: tuple[str, str, int] | None = None  # (manufacturer, name, memory MiB) per GPU
    quota_bucket: str = "standard"  # which On-Demand vCPU quota it counts against
    boot_modes: tuple[str, ...] = ("legacy-bios", "uefi")
    current_generation: bool = True
    hibernation: bool = True
    mac: bool = False
    disk_type: str = "ssd"  # instance store


@dataclass(frozen=True)
class Size:
    """One size of a family: `memory_gib` may be fractional (i3.large has 15.25 GiB)."""

    size: str
    vcpus: int
    memory_gib: float
    network: str  # "Up to 5 Gigabit", as NetworkInfo.NetworkPerformance reads
    enis: int  # maximum network interfaces
    ipv4_per_eni: int
    disks: tuple[int, int] | None = None  # instance store: (count, GB each)
    gpus: int = 0
    extra: dict = field(default_factory=dict)


def _s(size, vcpus, mem, net, enis, ips, disks=None, gpus=0) -> Size:
    return Size(size, vcpus, mem, net, enis, ips, disks, gpus)


_NITRO_INTEL = {"manufacturer": "Intel", "hypervisor": "nitro", "threads_per_core": 2}
_GRAVITON = {
    "architectures": ("arm64",),
    "manufacturer": "AWS",
    "hypervisor": "nitro",
    "threads_per_core": 1,
    "boot_modes": ("uefi",),
}

FAMILIES: dict[str, tuple[Family, tuple[Size, ...]]] = {}


def _family(family: Family, sizes: tuple[Size, ...]) -> None:
    FAMILIES[family.name] = (family, sizes)


# --- burstable general purpose -------------------------------------------------------
_family(
    Family(
        "t2",
        ("i386", "x86_64"),
        "Intel",
        2.5,
        "xen",
        1,
        burstable=True,
        ena="unsupported",
        ebs_optimized="unsupported",
        nvme="unsupported",
        boot_modes=("legacy-bios",),
        hibernation=True,
    ),
    (
        _s("nano", 1, 0.5, "Low to Moderate", 2, 2),
        _s("micro", 1, 1, "Low to Moderate", 2, 2),
        _s("small", 1, 2, "Low to Moderate", 3, 4),
        _s("medium", 2, 4, "Low to Moderate", 3, 6),
        _s("large", 2, 8, "Low to Moderate", 3, 12),
        _s("xlarge", 4, 16, "Moderate", 3, 15),
        _s("2xlarge", 8, 32, "Moderate", 3, 15),
    ),
)
_T3_SIZES = (
    _s("nano", 2, 0.5, "Up to 5 Gigabit", 2, 2),
    _s("micro", 2, 1, "Up to 5 Gigabit", 2, 2),
    _s("small", 2, 2, "Up to 5 Gigabit", 3, 4),
    _s("medium", 2, 4, "Up to 5 Gigabit", 3, 6),
    _s("large", 2, 8, "Up to 5 Gigabit", 3, 12),
    _s("xlarge", 4, 16, "Up to 5 Gigabit", 4, 15),
    _s("2xlarge", 8, 32, "Up to 5 Gigabit", 4, 15),
)
_family(Family("t3", ("x86_64",), clock_ghz=2.5, burstable=True, **_NITRO_INTEL), _T3_SIZES)
_family(
    Family(
        "t3a",
        ("x86_64",),
        "AMD",
        2.2,
        "nitro",
        2,
        burstable=True,
    ),
    _T3_SIZES,
)
_family(Family("t4g", clock_ghz=2.5, burstable=True, **_GRAVITON), _T3_SIZES)

# --- general purpose -----------------------------------------------------------------
# m1.small: what RunInstances launches when no instance type is given.
_family(
    Family(
        "m1",
        ("i386", "x86_64"),
        "Intel",
        None,
        "xen",
        1,
        ena="unsupported",
        ebs_optimized="unsupported",
        nvme="unsupported",
        boot_modes=("legacy-bios",),
        current_generation=False,
        hibernation=False,
        disk_type="hdd",
    ),
    (_s("small", 1, 1.7, "Low", 2, 4, (1, 160)),),
)
_family(
    Family("m5", ("x86_64",), clock_ghz=3.1, **_NITRO_INTEL),
    (
        _s("large", 2, 8, "Up to 10 Gigabit", 3, 10),
        _s("xlarge", 4, 16, "Up to 10 Gigabit", 4, 15),
        _s("2xlarge", 8, 32, "Up to 10 Gigabit", 4, 15),
        _s("4xlarge", 16, 64, "Up to 10 Gigabit", 8, 30),
        _s("8xlarge", 32, 128, "10 Gigabit", 8, 30),
        _s("12xlarge", 48, 192, "10 Gigabit", 8, 30),
        _s("16xlarge", 64, 256, "20 Gigabit", 15, 50),
        _s("24xlarge", 96, 384, "25 Gigabit", 15, 50),
        _s("metal", 96, 384, "25 Gigabit", 15, 50),
    ),
)
_SIXTH_GEN_NETWORK = {
    "large": "Up to 12.5 Gigabit",
    "xlarge": "Up to 12.5 Gigabit",
    "2xlarge": "Up to 12.5 Gigabit",
    "4xlarge": "Up to 12.5 Gigabit",
    "8xlarge": "12.5 Gigabit",
    "12xlarge": "18.75 Gigabit",
    "16xlarge": "25 Gigabit",
    "24xlarge": "37.5 Gigabit",
    "32xlarge": "50 Gigabit",
    "metal": "50 Gigabit",
}
_ENIS = {
    "medium": (2, 4),
    "large": (3, 10),
    "xlarge": (4, 15),
    "2xlarge": (4, 15),
    "4xlarge": (8, 30),
    "8xlarge": (8, 30),
    "9xlarge": (8, 30),
    "12xlarge": (8, 30),
}


def _sixth_gen(memory_per_vcpu: float) -> tuple[Size, ...]:
    """m6i, c6i and r6i share sizes and network; only memory per vCPU differs."""
    vcpus = {
        "large": 2,
        "xlarge": 4,
        "2xlarge": 8,
        "4xlarge": 16,
        "8xlarge": 32,
        "12xlarge": 48,
        "16xlarge": 64,
        "24xlarge": 96,
        "32xlarge": 128,
        "metal": 128,
    }
    return tuple(
        _s(size, n, n * memory_per_vcpu, _SIXTH_GEN_NETWORK[size], *_ENIS.get(size, (15, 50)))
        for size, n in vcpus.items()
    )


def _graviton3(memory_per_vcpu: float) -> tuple[Size, ...]:
    """m7g and c7g share sizes and network; only memory per vCPU differs."""
    network = {
        "medium": "Up to 12.5 Gigabit",
        "large": "Up to 12.5 Gigabit",
        "xlarge": "Up to 12.5 Gigabit",
        "2xlarge": "Up to 15 Gigabit",
        "4xlarge": "Up to 15 Gigabit",
        "8xlarge": "15 Gigabit",
        "12xlarge": "22.5 Gigabit",
        "16xlarge": "30 Gigabit",
        "metal": "30 Gigabit",
    }
    vcpus = {
        "medium": 1,
        "large": 2,
        "xlarge": 4,
        "2xlarge": 8,
        "4xlarge": 16,
        "8xlarge": 32,
        "12xlarge": 48,
        "16xlarge": 64,
        "metal": 64,
    }
    return tuple(
        _s(size, n, n * memory_per_vcpu, network[size], *_ENIS.get(size, (15, 50)))
        for size, n in vcpus.items()
    )


_family(Family("m6i", ("x86_64",), clock_ghz=3.5, **_NITRO_INTEL), _sixth_gen(4))
_family(Family("m7g", clock_ghz=2.6, **_GRAVITON), _graviton3(4))

# --- compute optimized ---------------------------------------------------------------
_family(
    Family("c5", ("x86_64",), clock_ghz=3.4, **_NITRO_INTEL),
    (
        _s("large", 2, 4, "Up to 10 Gigabit", 3, 10),
        _s("xlarge", 4, 8, "Up to 10 Gigabit", 4, 15),
        _s("2xlarge", 8, 16, "Up to 10 Gigabit", 4, 15),
        _s("4xlarge", 16, 32, "Up to 10 Gigabit", 8, 30),
        _s("9xlarge", 36, 72, "10 Gigabit", 8, 30),
        _s("12xlarge", 48, 96, "12 Gigabit", 8, 30),
        _s("18xlarge", 72, 144, "25 Gigabit", 15, 50),
        _s("24xlarge", 96, 192, "25 Gigabit", 15, 50),
        _s("metal", 96, 192, "25 Gigabit", 15, 50),
    ),
)
_family(Family("c6i", ("x86_64",), clock_ghz=3.5, **_NITRO_INTEL), _sixth_gen(2))
_family(Family("c7g", clock_ghz=2.6, **_GRAVITON), _graviton3(2))

# --- memory optimized ----------------------------------------------------------------
_family(
    Family("r5", ("x86_64",), clock_ghz=3.1, **_NITRO_INTEL),
    (
        _s("large", 2, 16, "Up to 10 Gigabit", 3, 10),
        _s("xlarge", 4, 32, "Up to 10 Gigabit", 4, 15),
        _s("2xlarge", 8, 64, "Up to 10 Gigabit", 4, 15),
        _s("4xlarge", 16, 128, "Up to 10 Gigabit", 8, 30),
        _s("8xlarge", 32, 256, "10 Gigabit", 8, 30),
        _s("12xlarge", 48, 384, "10 Gigabit", 8, 30),
        _s("16xlarge", 64, 512, "20 Gigabit", 15, 50),
        _s("24xlarge", 96, 768, "25 Gigabit", 15, 50),
        _s("metal", 96, 768, "25 Gigabit", 15, 50),
    ),
)
_family(Family("r6i", ("x86_64",), clock_ghz=3.5, **_NITRO_INTEL), _sixth_gen(8))

# --- storage optimized ---------------------------------------------------------------
_family(
    Family(
        "i3",
        ("x86_64",),
        "Intel",
        2.3,
        "xen",
        2,
        ena="supported",
        nvme="unsupported",
        hibernation=False,
    ),
    (
        _s("large", 2, 15.25, "Up to 10 Gigabit", 3, 10, (1, 475)),
        _s("xlarge", 4, 30.5, "Up to 10 Gigabit", 4, 15, (1, 950)),
        _s("2xlarge", 8, 61, "Up to 10 Gigabit", 4, 15, (1, 1900)),
        _s("4xlarge", 16, 122, "Up to 10 Gigabit", 8, 30, (2, 1900)),
        _s("8xlarge", 32, 244, "10 Gigabit", 8, 30, (4, 1900)),
        _s("16xlarge", 64, 488, "25 Gigabit", 15, 50, (8, 1900)),
        _s("metal", 72, 512, "25 Gigabit", 15, 50, (8, 1900)),
    ),
)

# --- accelerated computing -----------------------------------------------------------
_family(
    Family(
        "g4dn",
        ("x86_64",),
        clock_ghz=2.5,
        gpu=("NVIDIA", "T4", 16384),
        quota_bucket="G",
        hibernation=True,
        **_NITRO_INTEL,
    ),
    (
        _s("xlarge", 4, 16, "Up to 25 Gigabit", 3, 10, (1, 125), 1),
        _s("2xlarge", 8, 32, "Up to 25 Gigabit", 3, 10, (1, 225), 1),
        _s("4xlarge", 16, 64, "Up to 25 Gigabit", 3, 10, (1, 225), 1),
        _s("8xlarge", 32, 128, "50 Gigabit", 4, 15, (1, 900), 1),
        _s("12xlarge", 48, 192, "50 Gigabit", 8, 30, (1, 900), 4),
        _s("16xlarge", 64, 256, "50 Gigabit", 4, 15, (1, 900), 1),
        _s("metal", 96, 384, "100 Gigabit", 15, 50, (2, 900), 8),
    ),
)
_family(
    Family(
        "p3",
        ("x86_64",),
        "Intel",
        2.3,
        "xen",
        2,
        gpu=("NVIDIA", "V100", 16384),
        quota_bucket="P",
        ena="supported",
        nvme="unsupported",
        hibernation=False,
    ),
    (
        _s("2xlarge", 8, 61, "Up to 10 Gigabit", 4, 15, gpus=1),
        _s("8xlarge", 32, 244, "10 Gigabit", 8, 30, gpus=4),
        _s("16xlarge", 64, 488, "25 Gigabit", 8, 30, gpus=8),
    ),
)

# --- macOS: bare-metal Mac minis, the only types a macOS AMI runs on -------------------
_MAC = {"hypervisor": "", "ena": "required", "quota_bucket": "mac", "mac": True}
_family(
    Family("mac1", ("x86_64_mac",), "Intel", 3.2, threads_per_core=2, **_MAC),
    (_s("metal", 12, 32, "25 Gigabit", 8, 30),),
)
_family(
    Family("mac2", ("arm64_mac",), "Apple", None, threads_per_core=1, **_MAC),
    (_s("metal", 12, 16, "10 Gigabit", 8, 30),),
)
_family(
    Family("mac2-m2", ("arm64_mac",), "Apple", None, threads_per_core=1, **_MAC),
    (_s("metal", 8, 24, "10 Gigabit", 8, 30),),
)
_family(
    Family("mac2-m2pro", ("arm64_mac",), "Apple", None, threads_per_core=1, **_MAC),
    (_s("metal", 12, 32, "10 Gigabit", 8, 30),),
)

# The types AWS's free tier covers (750 hours a month in the first year).
FREE_TIER = frozenset({"t2.micro", "t3.micro"})

# us-east-1e (use1-az3) is an older zone: AWS offers only earlier families there.
OLD_ZONES = {"us-east-1e": frozenset({"m1", "t2", "m5", "c5", "r5", "i3", "p3"})}
