"""The public quick-start AMIs every region offers, as the console's AMI picker and
`aws ec2 describe-images --owners amazon` show them.

They are static data, not rows: no account owns them and they are the same for every
student. Ids are deterministic per region (the same name has a different id in each
region, as on AWS), so a lab sheet can quote them and they survive a database reset.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

AMAZON = "137112412989"  # Amazon Linux
CANONICAL = "099720109477"  # Ubuntu (no owner alias: a third-party publisher)
DEBIAN = "136693071363"
RED_HAT = "309956199498"
SUSE = "013907871322"
WINDOWS = "801119661308"
MACOS = "100343932686"


@dataclass(frozen=True)
class CatalogImage:
    """One public image. `os` groups it under a quick-start tile of the console."""

    os: str  # Amazon Linux, macOS, Ubuntu, Windows, Red Hat, SUSE Linux, Debian
    title: str  # what the picker shows: "Ubuntu Server 24.04 LTS (HVM), SSD Volume Type"
    name: str
    description: str
    owner_id: str
    architecture: str
    root_device_name: str
    root_size: int  # GiB
    root_volume_type: str
    creation_date: str
    owner_alias: str = ""
    platform: str = ""  # "windows" for Windows, empty otherwise
    platform_details: str = "Linux/UNIX"
    usage_operation: str = "RunInstances"
    boot_mode: str = ""
    imds_support: str = ""
    free_tier: bool = True
    default_user: str = "ec2-user"

    @property
    def key(self) -> str:
        return self.name

    def image_id(self, region: str) -> str:
        return _derived_id("ami", region, self.name)

    def snapshot_id(self, region: str) -> str:
        return _derived_id("snap", region, self.name)

    @property
    def is_windows(self) -> bool:
        return self.platform == "windows"

    def describe(self, region: str) -> dict:
        """The EC2 `Image` shape for this image in `region`."""
        data = {
            "ImageId": self.image_id(region),
            "ImageLocation": f"{self.owner_alias or self.owner_id}/{self.name}",
            "State": "available",
            "OwnerId": self.owner_id,
            "CreationDate": self.creation_date,
            "Public": True,
            "Architecture": self.architecture,
            "ImageType": "machine",
            "Name": self.name,
            "Description": self.description,
            "RootDeviceName": self.root_device_name,
            "RootDeviceType": "ebs",
            "VirtualizationType": "hvm",
            "Hypervisor": "xen",
            "EnaSupport": True,
            "SriovNetSupport": "simple",
            "PlatformDetails": self.platform_details,
            "UsageOperation": self.usage_operation,
            "FreeTierEligible": self.free_tier,
            "BlockDeviceMappings": [
                {
                    "DeviceName": self.root_device_name,
                    "Ebs": {
                        "DeleteOnTermination": True,
                        "SnapshotId": self.snapshot_id(region),
                        "VolumeSize": self.root_size,
                        "VolumeType": self.root_volume_type,
                        "Encrypted": False,
                    },
                }
            ],
            "DeprecationTime": _deprecation(self.creation_date),
        }
        if self.owner_alias:
            data["ImageOwnerAlias"] = self.owner_alias
        if self.platform:
            data["Platform"] = self.platform
        if self.boot_mode:
            data["BootMode"] = self.boot_mode
        if self.imds_support:
            data["ImdsSupport"] = self.imds_support
        return data


def _derived_id(prefix: str, region: str, name: str) -> str:
    digest = hashlib.sha256(f"{region}/{name}".encode()).hexdigest()
    return f"{prefix}-0{digest[:16]}"


def _deprecation(created: str) -> str:
    # Public images are deprecated two years after creation, as AWS sets by default.
    year = int(created[:4]) + 2
    return f"{year}{created[4:]}"


def _al2023(arch: str, boot: str) -> CatalogImage:
    version = "2023.6.20241121.0"
    return CatalogImage(
        os="Amazon Linux",
        title="Amazon Linux 2023 AMI",
        name=f"al2023-ami-{version}-kernel-6.1-{arch}",
        description=f"Amazon Linux 2023 AMI {version} {arch} HVM kernel-6.1",
        owner_id=AMAZON,
        owner_alias="amazon",
        architecture=arch,
        root_device_name="/dev/xvda",
        root_size=8,
        root_volume_type="gp3",
        creation_date="2024-11-21T21:44:53.000Z",
        boot_mode=boot,
        imds_support="v2.0",
    )


def _ubuntu(version: str, codename: str, arch: str, date: str, disk: str) -> CatalogImage:
    deb_arch = "amd64" if arch == "x86_64" else "arm64"
    lts = version + " LTS"
    return CatalogImage(
        os="Ubuntu",
        title=f"Ubuntu Server {lts} (HVM), SSD Volume Type",
        name=f"ubuntu/images/{disk}/ubuntu-{codename}-{version}-{deb_arch}-server-{date}",
        description=f"Canonical, Ubuntu, {lts}, {deb_arch} {codename} image",
        owner_id=CANONICAL,
        architecture=arch,
        root_device_name="/dev/sda1",
        root_size=8,
        root_volume_type="gp3" if disk.endswith("gp3") else "gp2",
        creation_date=f"{date[:4]}-{date[4:6]}-{date[6:]}T07:12:39.000Z",
        boot_mode="uefi-preferred" if arch == "x86_64" else "uefi",
        default_user="ubuntu",
    )


def _debian(arch: str) -> CatalogImage:
    deb_arch = "amd64" if arch == "x86_64" else "arm64"
    return CatalogImage(
        os="Debian",
        title="Debian 12 (HVM), EBS General Purpose (SSD) Volume Type",
        name=f"debian-12-{deb_arch}-20241125-1942",
        description="Debian 12 (20241125-1942)",
        owner_id=DEBIAN,
        architecture=arch,
        root_device_name="/dev/xvda",
        root_size=8,
        root_volume_type="gp2",
        creation_date="2024-11-25T20:21:02.000Z",
        boot_mode="uefi-preferred" if arch == "x86_64" else "uefi",
        default_user="admin",
    )


def _rhel(arch: str) -> CatalogImage:
    return CatalogImage(
        os="Red Hat",
        title="Red Hat Enterprise Linux 9 (HVM), SSD Volume Type",
        name=f"RHEL-9.5.0_HVM-20241211-{arch}-0-Hourly2-GP3",
        description="Provided by Red Hat, Inc.",
        owner_id=RED_HAT,
        architecture=arch,
        root_device_name="/dev/sda1",
        root_size=10,
        root_volume_type="gp3",
        creation_date="2024-12-11T17:36:37.000Z",
        platform_details="Red Hat Enterprise Linux",
        usage_operation="RunInstances:0010",
        boot_mode="uefi-preferred" if arch == "x86_64" else "uefi",
    )


def _suse(arch: str) -> CatalogImage:
    return CatalogImage(
        os="SUSE Linux",
        title="SUSE Linux Enterprise Server 15 SP6 (HVM), SSD Volume Type",
        name=f"suse-sles-15-sp6-v20241113-hvm-ssd-{arch}",
        description="SUSE Linux Enterprise Server 15 SP6 (HVM, 64-bit, SSD-Backed)",
        owner_id=SUSE,
        owner_alias="amazon",
        architecture=arch,
        root_device_name="/dev/sda1",
        root_size=10,
        root_volume_type="gp3",
        creation_date="2024-11-14T02:47:11.000Z",
        platform_details="SUSE Linux",
        usage_operation="RunInstances:000g",
        boot_mode="uefi-preferred" if arch == "x86_64" else "uefi",
    )


def _macos(arch: str, suffix: str) -> CatalogImage:
    return CatalogImage(
        os="macOS",
        title="macOS Sequoia 15.1",
        name=f"amzn-ec2-macos-15.1-20241115-000000{suffix}",
        description="macOS Sequoia 15.1",
        owner_id=MACOS,
        owner_alias="amazon",
        architecture=arch,
        root_device_name="/dev/sda1",
        root_size=100,
        root_volume_type="gp3",
        creation_date="2024-11-15T18:04:22.000Z",
        free_tier=False,
        default_user="ec2-user",
    )


CATALOG: tuple[CatalogImage, ...] = (
    _al2023("x86_64", "uefi-preferred"),
    _al2023("arm64", "uefi"),
    _macos("arm64_mac", "-arm64"),
    _macos("x86_64_mac", ""),
    _ubuntu("24.04", "noble", "x86_64", "20241119", "hvm-ssd-gp3"),
    _ubuntu("24.04", "noble", "arm64", "20241119", "hvm-ssd-gp3"),
    _ubuntu("22.04", "jammy", "x86_64", "20241109", "hvm-ssd"),
    _ubuntu("22.04", "jammy", "arm64", "20241109", "hvm-ssd"),
    CatalogImage(
        os="Windows",
        title="Microsoft Windows Server 2022 Base",
        name="Windows_Server-2022-English-Full-Base-2024.11.13",
        description="Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon",
        owner_id=WINDOWS,
        owner_alias="amazon",
        architecture="x86_64",
        root_device_name="/dev/sda1",
        root_size=30,
        root_volume_type="gp2",
        creation_date="2024-11-13T18:57:13.000Z",
        platform="windows",
        platform_details="Windows",
        usage_operation="RunInstances:0002",
        default_user="Administrator",
    ),
    _rhel("x86_64"),
    _rhel("arm64"),
    _suse("x86_64"),
    _suse("arm64"),
    _debian("x86_64"),
    _debian("arm64"),
)

QUICK_START = ("Amazon Linux", "macOS", "Ubuntu", "Windows", "Red Hat", "SUSE Linux", "Debian")


@functools.cache
def _by_id(region: str) -> dict[str, CatalogImage]:
    return {image.image_id(region): image for image in CATALOG}


def find(region: str, image_id: str) -> CatalogImage | None:
    return _by_id(region).get(image_id)


def find_snapshot(region: str, snapshot_id: str) -> CatalogImage | None:
    return next((i for i in CATALOG if i.snapshot_id(region) == snapshot_id), None)


def images_for(os_name: str) -> list[CatalogImage]:
    """The images of one quick-start tile, in catalog order."""
    return [image for image in CATALOG if image.os == os_name]


def default_image(os_name: str = "Amazon Linux", architecture: str = "x86_64") -> CatalogImage:
    return next(i for i in CATALOG if i.os == os_name and i.architecture.startswith(architecture))
