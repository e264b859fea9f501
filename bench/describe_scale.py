"""Describe at scale: one account with --count instances (and so as many volumes),
security groups and subnets, and the latency of the three Describe calls a console or
a script makes most, for each of those types:

    python bench/describe_scale.py [--count 10000] [--samples 30] [--json out.json]

- a filter matching 100 (tag:group, and for instances also subnet-id),
- one resource by id,
- a page of 1,000 (MaxResults=1000).

It starts `stratolab up` on a scratch home (free port), fills the demo account through
the operation layer in processes of their own (bench/_inside.py seed-scale: RunInstances
of 100, CreateSecurityGroup, CreateSubnet; --seed-jobs at once), settles the launches,
then sends raw SigV4-signed Query requests (botocore's signer, http.client, no response
parsing) one after another. The time measured is the server's own when it sends a
`Server-Timing` header (its `total` metric), else the client's on loopback; the table
says which. Targets from issue 14, at 10,000 of each: p50 under 20 ms for the filter,
10 ms by id, 150 ms for the page. Not part of the test suite: the launches are seeded
one RunInstances at a time (each locks the account), so 10,000 of each can take a
quarter of an hour on a busy two-core machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _servers import Reply, SignedEC2, StratolabServer, load_average, percentile, verdict

TARGETS_MS = {"filter": 20.0, "id": 10.0, "page": 150.0}

# type: (Describe action, id parameter, id element in the response, filter value key)
TYPES = {
    "instances": ("DescribeInstances", "InstanceId", "instanceId"),
    "volumes": ("DescribeVolumes", "VolumeId", "volumeId"),
    "security groups": ("DescribeSecurityGroups", "GroupId", "groupId"),
    "subnets": ("DescribeSubnets", "SubnetId", "subnetId"),
}


def ids_of(ec2: SignedEC2, action: str, element: str, group: str) -> list[str]:
    reply = ec2.call(action, {"Filter": [{"Name": "tag:group", "Value": [group]}]})
    if reply.status != 200:
        raise RuntimeError(f"{action} tag:group answered {reply.status}: {reply.text('Code')}")
    return sorted(set(reply.texts(element)))


def measure(ec2: SignedEC2, samples: int, label: str, action: str, params: dict,
            element: str, want: int, rows: list[dict]) -> None:  # fmt: skip
    times: list[float] = []
    server = True
    problems: set[str] = set()
    ec2.call(action, params)  # untimed: the first call of a kind loads what it needs
    for _ in range(samples):
        reply: Reply = ec2.call(action, params)
        if reply.status != 200:
            problems.add(f"HTTP {reply.status} {reply.text('Code')}")
        else:
            got = len(set(reply.texts(element)))
            if got != want:
                problems.add(f"{got} items instead of {want}")
        if reply.server_ms is None:
            server = False
            times.append(reply.seconds * 1000)
        else:
            times.append(reply.server_ms)
    rows.append({
        "call": label, "action": action, "items": want, "samples": samples,
        "p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95),
        "timing": "server" if server else "client", "problems": sorted(problems),
    })  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="resources of each type")
    parser.add_argument("--samples", type=int, default=30, help="timed calls of each kind")
    parser.add_argument("--seed-jobs", type=int, default=4,
                        help="processes filling the account at once (default 4)")  # fmt: skip
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    if not 1_000 <= args.count <= 25_600:
        parser.error("--count must be between 1,000 and 25,600")

    scratch = Path(tempfile.mkdtemp(prefix="sl-scale-"))
    quota = str(args.count + 100)
    server = None
    result: dict = {"count": args.count, "load_before": load_average()}
    rows: list[dict] = []
    try:
        print(f"Starting stratolab up (scratch folder {scratch})...", flush=True)
        server = StratolabServer(scratch / "home", {
            "STRATOLAB_EC2_RUNNING_INSTANCES": quota,
            "STRATOLAB_EC2_VCPU_QUOTA": str(2 * int(quota)),  # t3.micro has 2 vCPUs
            "STRATOLAB_TIME_SCALE": "0.05",
        })  # fmt: skip
        server.wait_ready()
        print(f"Seeding {args.count} instances, security groups and subnets...", flush=True)
        start = time.monotonic()
        seeded = json.loads(
            server.inside(
                "seed-scale",
                "--key-id",
                server.key_id,
                "--count",
                str(args.count),
                env={"STRATOLAB_TIME_SCALE": "0"},
            )  # fmt: skip
        )
        result["seed"] = {k: v for k, v in seeded.items() if k.startswith("seconds")}
        result["seed"]["seconds_total"] = time.monotonic() - start
        print(f"  seeded in {result['seed']['seconds_total']:.0f}s", flush=True)

        ec2 = SignedEC2(server.url, server.key_id, server.secret)
        group = seeded["groups"][len(seeded["groups"]) // 2]
        for kind, (action, id_param, element) in TYPES.items():
            members = ids_of(ec2, action, element, group)
            if len(members) != 100:
                raise RuntimeError(f"{kind}: tag:group={group} gave {len(members)}, not 100")
            filters = {"Filter": [{"Name": "tag:group", "Value": [group]}]}
            measure(ec2, args.samples, f"{kind}: tag:group (100)", action, filters,
                    element, 100, rows)  # fmt: skip
            if kind == "instances":
                subnet = seeded["instance_subnets"][len(seeded["groups"]) // 2]
                by_subnet = {"Filter": [{"Name": "subnet-id", "Value": [subnet]}]}
                measure(ec2, args.samples, f"{kind}: subnet-id (100)", action, by_subnet,
                        element, 100, rows)  # fmt: skip
            measure(ec2, args.samples, f"{kind}: one id", action,
                    {f"{id_param}": [members[len(members) // 2]]}, element, 1, rows)  # fmt: skip
            measure(ec2, max(5, args.samples // 3), f"{kind}: page of 1,000", action,
                    {"MaxResults": 1000}, element, 1000, rows)  # fmt: skip
        ec2.close()
    finally:
        if server is not None:
            print("Stopping stratolab up...", flush=True)
            server.stop()
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    result["load_after"] = load_average()
    result["calls"] = rows

    print(f"\n{args.count} of each type in one account; one sequential client; "
          f"load {result['load_after']}.\n")  # fmt: skip
    head = f"{'call':36} {'n':>4} {'p50 ms':>9} {'p95 ms':>9} {'timing':>7} {'target p50':>11}"
    print(head)
    print("-" * (len(head) + 7))
    failed = False
    for row in rows:
        kind = "filter" if "(100)" in row["call"] else "id" if "one id" in row["call"] else "page"
        target = TARGETS_MS[kind]
        ok = row["p50_ms"] < target and not row["problems"]
        row["target_ms"], row["pass"] = target, ok
        failed |= bool(row["problems"])
        print(f"{row['call']:36} {row['samples']:>4} {row['p50_ms']:>9.1f} {row['p95_ms']:>9.1f} "
              f"{row['timing']:>7} {'< ' + format(target, 'g'):>11} {verdict(ok)}")  # fmt: skip
        if row["problems"]:
            print(f"  WRONG: {'; '.join(row['problems'])}")
    note = "" if args.count == 10_000 else f" (the targets are for 10,000; this ran {args.count})"
    passed = sum(row["pass"] for row in rows)
    print(f"\n{passed} of {len(rows)} targets met{note}.")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
