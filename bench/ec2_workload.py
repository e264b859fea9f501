"""EC2 workload benchmark: the same boto3 workload against Stratolab and against moto's
server, side by side in one run, with requests per second and p50/p95 latency per call
type for each and the ratio Stratolab/moto.

    python bench/ec2_workload.py [--instances 500] [--batch 20] [--json out.json]

It starts both servers itself, each on a free port: Stratolab as `stratolab up` on a
scratch home folder (quotas raised for the run, lifecycles sped up by
STRATOLAB_TIME_SCALE), moto as `moto_server` (install it with
`pip install -e '.[bench]'`). Against each it then, from one sequential client:
1. finds the AMI (DescribeImages, owner amazon, name al2023-ami-*), the zones, makes a
   VPC and one subnet per zone (up to four);
2. runs the instances in batches (RunInstances of --batch t3.micro, round-robin over the
   subnets, each batch tagged with a group) and polls until they are all running;
3. describes them with filters (instance-state-name, subnet-id, tag:group, both) and by
   id, checking the counts;
4. stops, starts and terminates them in batches, waiting each time for the states;
5. deletes the subnets and the VPC.
The polls while waiting are timed as their own call type; sleeps between polls are not,
nor a few warm-up calls made first (each server worker loads its catalogs on first use).
Not part of the test suite: a run of 500 instances takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from _servers import (
    REGION,
    MotoServer,
    StratolabServer,
    moto_server_command,
    no_moto_message,
    percentile,
)

INSTANCE_TYPE = "t3.micro"
GROUPS = ("a", "b", "c", "d", "e")
TRANSITIONAL = ("pending", "stopping", "shutting-down")


class Timed:
    """A boto3 EC2 client whose every request is timed under a call type."""

    def __init__(self, url: str, key_id: str, secret: str) -> None:
        import boto3
        from botocore.config import Config

        config = Config(
            retries={"mode": "standard", "total_max_attempts": 1},  # a retry hides a cost
            read_timeout=300,
            connect_timeout=10,
        )
        self.client = boto3.client(
            "ec2", region_name=REGION, endpoint_url=url, aws_access_key_id=key_id,
            aws_secret_access_key=secret, config=config,
        )  # fmt: skip
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.started = time.monotonic()

    def __call__(self, label: str, method: str, **params: object) -> dict:
        start = time.perf_counter()
        try:
            return getattr(self.client, method)(**params)
        finally:
            self.samples[label].append(time.perf_counter() - start)

    def pages(self, label: str, **params: object) -> Iterator[dict]:
        while True:
            out = self(label, "describe_instances", **params)
            yield out
            if not out.get("NextToken"):
                return
            params["NextToken"] = out["NextToken"]

    def instances(self, label: str, **params: object) -> list[dict]:
        return [
            i for page in self.pages(label, **params) for r in page["Reservations"]
            for i in r["Instances"]
        ]  # fmt: skip


def chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def find_image(ec2: Timed) -> tuple[str, str]:
    """The newest Amazon Linux 2023 x86_64 image; moto's catalog has none, so there the
    newest older Amazon Linux stands in (the same calls are made and timed)."""
    for pattern in ("al2023-ami-2023.*", "al2022-ami-*", "amzn2-ami-hvm-*"):
        images = ec2(
            "DescribeImages", "describe_images", Owners=["amazon"],
            Filters=[{"Name": "name", "Values": [pattern]},
                     {"Name": "architecture", "Values": ["x86_64"]}],
        )["Images"]  # fmt: skip
        if images:
            best = max(images, key=lambda image: image.get("CreationDate", ""))
            return best["ImageId"], best["Name"]
    raise RuntimeError("no Amazon Linux x86_64 image found")


def wait_settled(ec2: Timed, tag: list[dict], count: int, want: str) -> float:
    """Polls until none of the run's instances is in a transitional state, then checks
    they are all in `want`. Returns the seconds it took."""
    start = time.monotonic()
    deadline = start + 600
    while True:
        moving = ec2.instances(
            "DescribeInstances (wait)",
            Filters=[*tag, {"Name": "instance-state-name", "Values": list(TRANSITIONAL)}],
        )
        if not moving:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(moving)} instances still not {want} after 600s")
        time.sleep(0.5)
    settled = ec2.instances(
        "DescribeInstances (wait)",
        Filters=[*tag, {"Name": "instance-state-name", "Values": [want]}],
    )
    if len(settled) != count:
        raise RuntimeError(f"{len(settled)} of {count} instances are {want}")
    return time.monotonic() - start


def workload(ec2: Timed, instances: int, batch: int, rounds: int) -> dict:
    notes: dict = {"mismatches": [], "waits": {}}
    run_tag = f"bench-{int(time.time())}"
    tag = [{"Name": "tag:bench", "Values": [run_tag]}]
    image_id, image_name = find_image(ec2)
    notes["image"] = image_name
    zones = [
        z["ZoneName"]
        for z in ec2("DescribeAvailabilityZones", "describe_availability_zones")[
            "AvailabilityZones"
        ]
        if z.get("State", "available") == "available"
    ][:4]
    vpc_id = ec2("CreateVpc", "create_vpc", CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2("CreateSubnet", "create_subnet", VpcId=vpc_id, CidrBlock=f"10.42.{4 * n}.0/22",
            AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for n, zone in enumerate(zones)
    ]  # fmt: skip

    expected_subnet: dict[str, int] = defaultdict(int)
    expected_group: dict[str, int] = defaultdict(int)
    expected_both: dict[tuple[str, str], int] = defaultdict(int)
    ids: list[str] = []
    for n, offset in enumerate(range(0, instances, batch)):
        count = min(batch, instances - offset)
        subnet, group = subnets[n % len(subnets)], GROUPS[n % len(GROUPS)]
        out = ec2(
            "RunInstances", "run_instances", ImageId=image_id, InstanceType=INSTANCE_TYPE,
            MinCount=count, MaxCount=count, SubnetId=subnet,
            TagSpecifications=[{"ResourceType": "instance", "Tags": [
                {"Key": "bench", "Value": run_tag}, {"Key": "group", "Value": group},
                {"Key": "Name", "Value": f"bench-{n}"}]}],
        )  # fmt: skip
        ids += [i["InstanceId"] for i in out["Instances"]]
        expected_subnet[subnet] += count
        expected_group[group] += count
        expected_both[(subnet, group)] += count
    notes["waits"]["running"] = wait_settled(ec2, tag, instances, "running")

    def check(label: str, got: list[dict], want: int) -> None:
        if len(got) != want:
            notes["mismatches"].append(f"{label}: {len(got)} instead of {want}")

    running = [{"Name": "instance-state-name", "Values": ["running"]}]
    for _ in range(rounds):
        check("state", ec2.instances("DescribeInstances instance-state-name",
                                     Filters=[*tag, *running]), instances)  # fmt: skip
        for subnet, want in expected_subnet.items():
            got = ec2.instances(
                "DescribeInstances subnet-id",
                Filters=[{"Name": "subnet-id", "Values": [subnet]}, *running],
            )
            check(f"subnet {subnet}", got, want)
        for group, want in expected_group.items():
            got = ec2.instances(
                "DescribeInstances tag:group",
                Filters=[*tag, {"Name": "tag:group", "Values": [group]}],
            )
            check(f"group {group}", got, want)
        for (subnet, group), want in list(expected_both.items())[: len(GROUPS)]:
            got = ec2.instances(
                "DescribeInstances subnet-id+tag",
                Filters=[{"Name": "subnet-id", "Values": [subnet]},
                         {"Name": "tag:group", "Values": [group]}],
            )  # fmt: skip
            check(f"subnet {subnet} group {group}", got, want)
    for part in chunks(ids, batch):
        check("by id", ec2.instances("DescribeInstances InstanceIds", InstanceIds=part), len(part))

    for part in chunks(ids, batch):
        ec2("StopInstances", "stop_instances", InstanceIds=part)
    notes["waits"]["stopped"] = wait_settled(ec2, tag, instances, "stopped")
    for part in chunks(ids, batch):
        ec2("StartInstances", "start_instances", InstanceIds=part)
    notes["waits"]["running again"] = wait_settled(ec2, tag, instances, "running")
    for part in chunks(ids, batch):
        ec2("TerminateInstances", "terminate_instances", InstanceIds=part)
    notes["waits"]["terminated"] = wait_settled(ec2, tag, instances, "terminated")

    for subnet in subnets:
        ec2("DeleteSubnet", "delete_subnet", SubnetId=subnet)
    ec2("DeleteVpc", "delete_vpc", VpcId=vpc_id)
    return notes


def summary(samples: dict[str, list[float]]) -> dict[str, dict]:
    rows = {}
    for label, values in samples.items():
        rows[label] = {
            "requests": len(values),
            "rps": len(values) / sum(values),
            "p50_ms": percentile(values, 0.50) * 1000,
            "p95_ms": percentile(values, 0.95) * 1000,
        }
    every = [v for values in samples.values() for v in values]
    rows["all calls"] = {
        "requests": len(every),
        "rps": len(every) / sum(every),
        "p50_ms": percentile(every, 0.50) * 1000,
        "p95_ms": percentile(every, 0.95) * 1000,
    }
    return rows


def print_table(results: dict[str, dict]) -> None:
    stratolab, moto = results.get("stratolab", {}), results.get("moto", {})
    labels = list(stratolab.get("calls", {})) or list(moto.get("calls", {}))
    labels += [x for x in moto.get("calls", {}) if x not in labels]
    head = f"{'call type':38} {'n':>5}"
    for name in ("stratolab", "moto"):
        head += f" | {name + ' req/s':>15} {'p50 ms':>8} {'p95 ms':>8}"
    head += " | S/m req/s  S/m p50"
    print(head)
    print("-" * len(head))
    for label in labels:
        s, m = stratolab.get("calls", {}).get(label), moto.get("calls", {}).get(label)
        n = (s or m)["requests"]
        line = f"{label:38} {n:>5}"
        for row in (s, m):
            line += (
                f" | {row['rps']:>15.1f} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f}"
                if row else f" | {'-':>15} {'-':>8} {'-':>8}"
            )  # fmt: skip
        if s and m:
            line += f" | {s['rps'] / m['rps']:>9.2f} {s['p50_ms'] / m['p50_ms']:>8.2f}"
        print(line)
    for name, result in results.items():
        notes = result.get("notes", {})
        waits = ", ".join(f"{k} {v:.1f}s" for k, v in notes.get("waits", {}).items())
        print(f"\n{name}: wall {result.get('wall_seconds', 0):.1f}s; image {notes.get('image')}")
        print(f"  waited for states: {waits or '-'}")
        if notes.get("mismatches"):
            print("  WRONG COUNTS: " + "; ".join(notes["mismatches"]))
        if result.get("error"):
            print(f"  FAILED: {result['error']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=500)
    parser.add_argument("--batch", type=int, default=20, help="instances per call")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of filtered Describe")
    parser.add_argument("--time-scale", type=float, default=0.05,
                        help="Stratolab's STRATOLAB_TIME_SCALE (default 0.05)")  # fmt: skip
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    if not 1 <= args.batch <= args.instances:
        parser.error("--batch must be between 1 and --instances")

    moto_command = moto_server_command()
    if moto_command is None:
        print(no_moto_message(), file=sys.stderr)
        return 2

    scratch = Path(tempfile.mkdtemp(prefix="sl-bench-"))
    servers: list[StratolabServer | MotoServer] = []
    results: dict[str, dict] = {}
    try:
        print(f"Starting stratolab up and moto_server (scratch folder {scratch})...", flush=True)
        stratolab = StratolabServer(scratch / "home", {
            "STRATOLAB_EC2_RUNNING_INSTANCES": str(args.instances),
            "STRATOLAB_EC2_VCPU_QUOTA": str(args.instances * 2),  # t3.micro has 2 vCPUs
            "STRATOLAB_TIME_SCALE": str(args.time_scale),
        })  # fmt: skip
        servers.append(stratolab)
        moto = MotoServer(moto_command, scratch / "moto.log")
        servers.append(moto)
        moto.wait_ready()
        stratolab.wait_ready()
        targets = [
            ("stratolab", stratolab.url, stratolab.key_id, stratolab.secret),
            ("moto", moto.url, moto.key_id, moto.secret),
        ]
        for name, url, key_id, secret in targets:
            print(f"Running {args.instances} instances against {name} at {url}...", flush=True)
            ec2 = Timed(url, key_id, secret)
            # Untimed warm-up: each server worker loads its catalogs on first use.
            for _ in range(4):
                ec2.client.describe_images(Owners=["amazon"])
                ec2.client.describe_availability_zones()
            start = time.monotonic()
            result: dict = {}
            try:
                result["notes"] = workload(ec2, args.instances, args.batch, args.rounds)
            except Exception as err:  # a failed target still reports what it did
                result["error"] = f"{type(err).__name__}: {err}"
            result["wall_seconds"] = time.monotonic() - start
            if ec2.samples:
                result["calls"] = summary(ec2.samples)
            results[name] = result
    finally:
        print("Stopping the servers...", flush=True)
        for server in reversed(servers):
            server.stop()
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)

    print(
        f"\n{args.instances} x {INSTANCE_TYPE} in RunInstances of {args.batch}, one sequential "
        f"client; req/s = requests / seconds spent in them; S/m = Stratolab / moto.\n"
    )
    print_table(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    failed = any(r.get("error") or r.get("notes", {}).get("mismatches") for r in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
