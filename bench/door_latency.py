"""AWS door latency per call, Stratolab against moto's server in one run, with 1,000
instances in the account: the workload of issue 14's table.

    python bench/door_latency.py [--instances 1000] [--samples 30] [--json out.json]

It starts `stratolab up` (scratch home, quotas raised, STRATOLAB_TIME_SCALE=0.05) and
`moto_server` side by side on free ports (`pip install -e '.[bench]'` installs moto),
runs --instances t3.micro in each (RunInstances of 100, untimed) and waits for them to
run, then times raw SigV4-signed Query requests (botocore's signer over http.client, no
response parsing, so the client costs nothing that differs between the two):

- DescribeInstances by one id,        - CreateTags on one instance,
- StopInstances of 20 running ones,   - RunInstances of 20,
- CreateVpc (each deleted again, untimed, so the VPC quota holds),
- DescribeInstances, a page of 1,000 (MaxResults=1000).

The two servers take turns call by call, so a change in the machine's load hits both.
A few calls of each kind are made untimed first (each server worker loads its catalogs
on first use). It prints p50/p95 per call for both, the ratios, and requests per second
overall (requests / seconds spent in them), beside issue 14's targets: Stratolab at
least twice as fast as moto overall, and no call type slower than moto (p50).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from _servers import (
    MotoServer,
    Reply,
    SignedEC2,
    StratolabServer,
    load_average,
    moto_server_command,
    no_moto_message,
    percentile,
    verdict,
)

INSTANCE_TYPE = "t3.micro"
BATCH = 100  # instances per untimed RunInstances while filling the account
CALLS = (
    "DescribeInstances by one id",
    "CreateTags on one instance",
    "StopInstances (20)",
    "RunInstances (20)",
    "CreateVpc",
    "DescribeInstances, a page of 1,000",
)

# The page of 1,000 is timed before RunInstances adds instances, so that both accounts
# hold exactly --instances (moto pages by reservation, not by instance: with more, its
# "page" would hold them all and compare unlike with like).
TIMING_ORDER = (CALLS[5], CALLS[0], CALLS[1], CALLS[2], CALLS[4], CALLS[3])


class Target:
    """One server's side of the run: its client, the image, the instances it has."""

    def __init__(self, name: str, url: str, key_id: str, secret: str) -> None:
        self.name = name
        self.ec2 = SignedEC2(url, key_id, secret)
        self.image = ""
        self.instances: list[str] = []
        self.running: list[str] = []  # not yet stopped by the benchmark
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.vpc_n = 0
        self.page_items: set[int] = set()  # instances in each timed page of 1,000

    def call(self, action: str, params: dict | None = None) -> Reply:
        reply = self.ec2.call(action, params)
        if reply.status != 200:
            raise RuntimeError(
                f"{self.name} {action}: HTTP {reply.status} {reply.text('Code')}: "
                f"{reply.text('Message')}"
            )
        return reply

    def find_image(self) -> None:
        """Amazon Linux 2023 x86_64; moto's catalog has none, so an older one stands in."""
        for pattern in ("al2023-ami-2023.*", "al2022-ami-*", "amzn2-ami-hvm-*"):
            reply = self.call("DescribeImages", {
                "Owner": ["amazon"],
                "Filter": [{"Name": "name", "Value": [pattern]},
                           {"Name": "architecture", "Value": ["x86_64"]}],
            })  # fmt: skip
            if found := reply.texts("imageId"):
                self.image = found[0]
                return
        raise RuntimeError(f"{self.name}: no Amazon Linux x86_64 image found")

    def run(self, count: int) -> list[str]:
        reply = self.call("RunInstances", {
            "ImageId": self.image, "InstanceType": INSTANCE_TYPE, "MinCount": count,
            "MaxCount": count,
            "TagSpecification": [{"ResourceType": "instance",
                                  "Tag": [{"Key": "bench", "Value": "door"}]}],
        })  # fmt: skip
        return list(dict.fromkeys(reply.texts("instanceId")))

    def fill(self, count: int) -> None:
        for offset in range(0, count, BATCH):
            self.instances += self.run(min(BATCH, count - offset))
        deadline = time.monotonic() + 600
        while True:
            reply = self.call("DescribeInstances", {
                "Filter": [{"Name": "instance-state-name", "Value": ["pending"]}],
            })  # fmt: skip
            if not reply.texts("instanceId"):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: instances still pending after 600s")
            time.sleep(1)
        self.running = list(self.instances)

    def timed(self, label: str, action: str, params: dict, after: Callable | None = None) -> None:
        reply = self.ec2.call(action, params)
        if reply.status == 200:
            self.samples[label].append(reply.seconds)
            if after is not None:
                after(reply)
        else:
            self.errors[label].append(f"HTTP {reply.status} {reply.text('Code')}")

    def one(self, label: str, n: int, warm: bool = False) -> None:
        """The n-th call of kind `label` (warm-up calls are not kept)."""
        pick = self.instances[(n * 37) % len(self.instances)]
        if label == CALLS[0]:
            params: dict = {"InstanceId": [pick]}
            action = "DescribeInstances"
        elif label == CALLS[1]:
            params = {"ResourceId": [pick], "Tag": [{"Key": f"k{n % 7}", "Value": f"v{n}"}]}
            action = "CreateTags"
        elif label == CALLS[2]:
            if len(self.running) < 20:
                raise RuntimeError(f"{self.name}: fewer than 20 running instances left")
            part, self.running = self.running[:20], self.running[20:]
            params, action = {"InstanceId": part}, "StopInstances"
        elif label == CALLS[3]:
            params = {"ImageId": self.image, "InstanceType": INSTANCE_TYPE, "MinCount": 20,
                      "MaxCount": 20}  # fmt: skip
            action = "RunInstances"
        elif label == CALLS[4]:
            self.vpc_n += 1
            params = {"CidrBlock": f"10.{self.vpc_n % 250}.0.0/16"}
            action = "CreateVpc"
        else:
            params, action = {"MaxResults": 1000}, "DescribeInstances"

        def delete_vpc(reply: Reply) -> None:
            self.call("DeleteVpc", {"VpcId": reply.text("vpcId")})

        def count_page(reply: Reply) -> None:
            self.page_items.add(len(set(reply.texts("instanceId"))))

        after = delete_vpc if action == "CreateVpc" else count_page if label == CALLS[5] else None
        if warm:
            reply = self.ec2.call(action, params)
            if after is not None and reply.status == 200:
                after(reply)
        else:
            self.timed(label, action, params, after)


def summary(target: Target) -> dict:
    rows: dict = {}
    for label in CALLS:
        values = target.samples.get(label, [])
        rows[label] = {
            "requests": len(values),
            "errors": target.errors.get(label, []),
            "p50_ms": percentile(values, 0.5) * 1000 if values else None,
            "p95_ms": percentile(values, 0.95) * 1000 if values else None,
            "seconds": sum(values),
        }
    requests = sum(r["requests"] for r in rows.values())
    seconds = sum(r["seconds"] for r in rows.values())
    rows[CALLS[5]]["instances_per_page"] = sorted(target.page_items)
    rows["all calls"] = {"requests": requests, "seconds": seconds,
                         "rps": requests / seconds if seconds else 0.0}  # fmt: skip
    return rows


def report(results: dict, args: argparse.Namespace) -> bool:
    s, m = results["stratolab"]["calls"], results["moto"]["calls"]
    print(f"\n{args.instances} instances in each account (RunInstances, timed last, adds more); "
          f"one sequential client, raw signed HTTP, the servers taking turns;\n"
          f"load {results['load_after']}. S/m = Stratolab / moto.\n")  # fmt: skip
    head = (f"{'call':36} {'n':>4} | {'Stratolab p50':>13} {'p95':>7} | {'moto p50':>9} "
            f"{'p95':>7} | {'S/m p50':>7}  target: not slower")  # fmt: skip
    print(head)
    print("-" * len(head))
    ok_all = True
    for label in CALLS:
        a, b = s[label], m[label]
        if a["p50_ms"] is None or b["p50_ms"] is None:
            print(f"{label:36} no samples")
            ok_all = False
            continue
        ratio = a["p50_ms"] / b["p50_ms"]
        ok = ratio <= 1.0 and not a["errors"]
        ok_all &= ok
        print(
            f"{label:36} {a['requests']:>4} | {a['p50_ms']:>13.1f} {a['p95_ms']:>7.1f} | "
            f"{b['p50_ms']:>9.1f} {b['p95_ms']:>7.1f} | {ratio:>7.2f}  {verdict(ok)}"
        )
        for name, row in (("Stratolab", a), ("moto", b)):
            if row["errors"]:
                print(f"  {name} errors: {len(row['errors'])} ({row['errors'][0]})")
    pages = (
        f"Stratolab {s[CALLS[5]]['instances_per_page']}, moto {m[CALLS[5]]['instances_per_page']}"
    )
    print(f"instances in each page of 1,000: {pages}")
    sa, ma = s["all calls"], m["all calls"]
    speed = sa["rps"] / ma["rps"] if ma["rps"] else 0.0
    overall_ok = speed >= 2.0
    print(
        f"\nall calls: Stratolab {sa['rps']:.1f} req/s, moto {ma['rps']:.1f} req/s: "
        f"Stratolab is {speed:.2f}x moto's speed; target at least 2x: {verdict(overall_ok)}"
    )
    print(f"no call type slower than moto: {verdict(ok_all)}")  # fmt: skip
    results["targets"] = {"overall_speedup": speed, "overall_pass": overall_ok,
                          "no_call_slower_pass": ok_all}  # fmt: skip
    return overall_ok and ok_all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=1000, help="instances in the account")
    parser.add_argument("--samples", type=int, default=30, help="timed calls of each kind")
    parser.add_argument("--page-samples", type=int, default=10,
                        help="timed DescribeInstances pages of 1,000 (default 10)")  # fmt: skip
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    if args.instances < 20 * (args.samples + 3):  # 3 warm-up calls of each kind
        parser.error("--instances must leave 20 running ones for each StopInstances")

    moto_command = moto_server_command()
    if moto_command is None:
        print(no_moto_message(), file=sys.stderr)
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="sl-door-"))
    quota = args.instances + 20 * (args.samples + 4) + 100
    servers: list[StratolabServer | MotoServer] = []
    results: dict = {"instances": args.instances, "load_before": load_average()}
    try:
        print(f"Starting stratolab up and moto_server (scratch folder {scratch})...", flush=True)
        stratolab = StratolabServer(scratch / "home", {
            "STRATOLAB_EC2_RUNNING_INSTANCES": str(quota),
            "STRATOLAB_EC2_VCPU_QUOTA": str(2 * quota),  # t3.micro has 2 vCPUs
            "STRATOLAB_TIME_SCALE": "0.05",
        })  # fmt: skip
        servers.append(stratolab)
        moto = MotoServer(moto_command, scratch / "moto.log")
        servers.append(moto)
        moto.wait_ready()
        stratolab.wait_ready()
        targets = [
            Target("stratolab", stratolab.url, stratolab.key_id, stratolab.secret),
            Target("moto", moto.url, moto.key_id, moto.secret),
        ]
        for target in targets:
            print(f"Running {args.instances} instances in {target.name}...", flush=True)
            target.find_image()
            target.fill(args.instances)
        print("Timing...", flush=True)
        for label in TIMING_ORDER:
            count = args.page_samples if label == CALLS[-1] else args.samples
            for n in range(3):
                for target in targets:
                    target.one(label, n, warm=True)
            for n in range(3, 3 + count):
                for target in targets:
                    target.one(label, n)
        for target in targets:
            results[target.name] = {"calls": summary(target)}
            target.ec2.close()
    finally:
        print("Stopping the servers...", flush=True)
        for server in reversed(servers):
            server.stop()
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    results["load_after"] = load_average()
    passed = report(results, args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    errors = any(row.get("errors") for r in ("stratolab", "moto")
                 for row in results[r]["calls"].values())  # fmt: skip
    return 1 if errors else 0 if passed else 3


if __name__ == "__main__":
    sys.exit(main())
