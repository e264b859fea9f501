"""Work the benchmarks do inside Stratolab, in a process of their own on the database
of a running `stratolab up` (the way `stratolab manage` reaches it). Not a benchmark:

    python bench/_inside.py --home DIR accounts N --prefix P
        create N sandbox accounts with create_account (what `stratolab account create`
        calls) and print them as a JSON list, with the seconds each took;
    python bench/_inside.py --home DIR seed-scale --key-id AKIA... --count N
        fill the account of that access key with N instances (RunInstances of 100, one
        subnet and one tag:group value per batch, so each gives N volumes too), N security
        groups and N subnets, all through the operation layer (`operations.call`, door
        "system"), so the rows are what the AWS door would have made; prints JSON with
        the ids the benchmark asks about.

The quotas the seeding would pass (VPCs per region, subnets and security groups per
VPC) are raised in this process only; the instance quotas come from
STRATOLAB_EC2_VCPU_QUOTA / STRATOLAB_EC2_RUNNING_INSTANCES, which the caller sets.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this tree's code, not an installed copy
REGION = "us-east-1"
PER_GROUP = 100  # resources per tag:group value: the "filter matching 100"
# Zones that offer t3.micro (us-east-1e does not).
ZONES = ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f")


def setup(home_path: Path) -> None:
    os.environ["STRATOLAB_HOME"] = str(home_path)
    os.environ["DJANGO_SETTINGS_MODULE"] = "console.settings"
    try:
        url = json.loads((home_path / "up.json").read_text())["url"]
        os.environ.setdefault("STRATOLAB_PUBLIC_URL", url)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    import django

    django.setup()


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def create_accounts(count: int, prefix: str) -> list[dict]:
    from services.core.accounts import create_account

    made = []
    for n in range(count):
        start = time.perf_counter()
        new = create_account(f"{prefix}-{n}@bench.example", "bench-password-1")
        made.append({**new.as_json(), "create_seconds": time.perf_counter() - start})
    return made


def seed_scale(key_id: str, count: int) -> dict:
    from services.core import lifecycle, operations
    from services.core.context import CallContext
    from services.core.models import AccessKey
    from services.vpc import quotas

    quotas.VPCS_PER_REGION = 10_000
    quotas.SUBNETS_PER_VPC = 10_000
    quotas.SECURITY_GROUPS_PER_VPC = 100_000

    account = AccessKey.objects.get(access_key_id=key_id).account
    ctx = CallContext.system(account, REGION)

    def call(action: str, params: dict) -> dict:
        return operations.call(ctx, "ec2", action, params)

    def tags(kind: str, group: str) -> dict:
        return {"ResourceType": kind, "Tags": [{"Key": "group", "Value": group},
                                               {"Key": "bench", "Value": "scale"}]}  # fmt: skip

    images = call("DescribeImages", {
        "Owners": ["amazon"],
        "Filters": [{"Name": "name", "Values": ["al2023-ami-2023.*"]},
                    {"Name": "architecture", "Values": ["x86_64"]}],
    })["Images"]  # fmt: skip
    image_id = max(images, key=lambda i: i.get("CreationDate", ""))["ImageId"]
    out: dict = {"groups": [], "instance_subnets": []}

    start = time.monotonic()
    vpc = call("CreateVpc", {"CidrBlock": "10.0.0.0/16"})["Vpc"]["VpcId"]
    out["vpc"] = vpc
    batches = (count + PER_GROUP - 1) // PER_GROUP
    if batches > 256:
        raise SystemExit("at most 25,600 instances: one /24 of 10.0.0.0/16 per 100")
    for n in range(batches):
        size = min(PER_GROUP, count - n * PER_GROUP)
        group = f"g{n}"
        subnet = call("CreateSubnet", {
            "VpcId": vpc, "CidrBlock": f"10.0.{n}.0/24", "AvailabilityZone": ZONES[n % 5],
            "TagSpecifications": [tags("subnet", f"i{n}")],
        })  # fmt: skip
        subnet_id = subnet["Subnet"]["SubnetId"]
        call("RunInstances", {
            "ImageId": image_id, "InstanceType": "t3.micro", "MinCount": size,
            "MaxCount": size, "SubnetId": subnet_id,
            "TagSpecifications": [tags("instance", group), tags("volume", group)],
        })  # fmt: skip
        out["groups"].append(group)
        out["instance_subnets"].append(subnet_id)
        if n % 10 == 9:
            progress(f"  {(n + 1) * PER_GROUP} instances ({time.monotonic() - start:.0f}s)")
    out["seconds_instances"] = time.monotonic() - start

    start = time.monotonic()
    for n in range(count):
        if n % PER_GROUP == 0:
            group = f"g{n // PER_GROUP}"
        call("CreateSecurityGroup", {
            "GroupName": f"bench-{n}", "Description": "bench", "VpcId": vpc,
            "TagSpecifications": [tags("security-group", group)],
        })  # fmt: skip
        if n % 1000 == 999:
            progress(f"  {n + 1} security groups ({time.monotonic() - start:.0f}s)")
    out["seconds_security_groups"] = time.monotonic() - start

    # The other subnets: /28s in VPCs of their own, 4,096 to a /16.
    start = time.monotonic()
    extra = max(0, count - batches)
    subnet_vpc = ""
    for n in range(extra):
        if n % 4096 == 0:
            subnet_vpc = call("CreateVpc", {"CidrBlock": f"10.{1 + n // 4096}.0.0/16"})
            subnet_vpc = subnet_vpc["Vpc"]["VpcId"]
        block = n % 4096
        call("CreateSubnet", {
            "VpcId": subnet_vpc,
            "CidrBlock": f"10.{1 + n // 4096}.{block // 16}.{16 * (block % 16)}/28",
            "TagSpecifications": [tags("subnet", f"g{n // PER_GROUP}")],
        })  # fmt: skip
        if n % 1000 == 999:
            progress(f"  {n + 1} more subnets ({time.monotonic() - start:.0f}s)")
    out["seconds_subnets"] = time.monotonic() - start

    # Settle the launches here (STRATOLAB_TIME_SCALE=0 in this process made them due
    # at once) rather than leave thousands of transitions to the worker mid-benchmark.
    start = time.monotonic()
    for _ in range(100):
        if not lifecycle.sweep(limit=5000):
            break
    out["seconds_settle"] = time.monotonic() - start
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", required=True, type=Path)
    sub = parser.add_subparsers(dest="command", required=True)
    accounts = sub.add_parser("accounts")
    accounts.add_argument("count", type=int)
    accounts.add_argument("--prefix", default="student")
    scale = sub.add_parser("seed-scale")
    scale.add_argument("--key-id", required=True)
    scale.add_argument("--count", type=int, required=True)
    args = parser.parse_args()

    setup(args.home.resolve())
    from django.db import connections

    try:
        if args.command == "accounts":
            result: object = create_accounts(args.count, args.prefix)
        else:
            result = seed_scale(args.key_id, args.count)
    finally:
        connections.close_all()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
