"""A class at once: --students fresh sandbox accounts each running a lab's CLI-like
sequence at the same time, with boto3, against one `stratolab up`.

    python bench/classroom.py [--students 40] [--time-scale 0.2] [--cold] [--json F]

It starts `stratolab up` on a scratch home (free port), creates the accounts as
`stratolab account create` does (create_account, in one process: bench/_inside.py
accounts), then starts one thread per student, all released together. Each student,
with a boto3 client of its own (no retries, so every error shows):

  describe-vpcs, describe-images (Amazon Linux 2023), create-security-group,
  create-key-pair, run-instances (t3.micro, that group and key), describe-instances
  every second until it runs, create-tags, describe-instances --filters tag:Name,
  stop-instances.

Before the class starts, the web workers are warmed up with a few untimed calls as the
demo account: a worker's first requests load botocore's models and the catalogs, which
under 40 waiting requests takes many seconds and would hide what a fresh account costs.
--cold leaves that out, to see a class that starts the moment `up` is ready.

Printed: median and p99 of every call and per call, the errors, and the first call of
each fresh account (describe-vpcs), beside the targets of issue 14: median under 30 ms,
p99 under 300 ms, zero errors. Lifecycles run at STRATOLAB_TIME_SCALE (pending lasts
10 s x scale). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from _servers import REGION, StratolabServer, load_average, percentile, verdict

CALLS = (
    "DescribeVpcs (first call)",
    "DescribeImages",
    "CreateSecurityGroup",
    "CreateKeyPair",
    "RunInstances",
    "DescribeInstances (wait)",
    "CreateTags",
    "DescribeInstances tag:Name",
    "StopInstances",
)


class Student(threading.Thread):
    def __init__(self, n: int, url: str, account: dict, barrier: threading.Barrier) -> None:
        super().__init__(daemon=True)
        import boto3
        from botocore.config import Config

        self.n = n
        self.barrier = barrier
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.wall = 0.0
        config = Config(
            retries={"mode": "standard", "total_max_attempts": 1},  # a retry hides a cost
            read_timeout=300, connect_timeout=30, max_pool_connections=2,
        )  # fmt: skip
        session = boto3.session.Session()  # one each: sessions are not thread-safe
        self.ec2 = session.client(
            "ec2", region_name=REGION, endpoint_url=url, config=config,
            aws_access_key_id=account["access_key_id"],
            aws_secret_access_key=account["secret_access_key"],
        )  # fmt: skip

    def timed(self, label: str, method: str, **params: object) -> dict:
        start = time.perf_counter()
        try:
            return getattr(self.ec2, method)(**params)
        finally:
            self.samples[label].append(time.perf_counter() - start)

    def run(self) -> None:
        self.barrier.wait()
        start = time.monotonic()
        try:
            self.lab()
        except Exception as err:  # the error is the result; the others go on
            # A connection error has no response (None): still an error, never a crash.
            code = (getattr(err, "response", None) or {}).get("Error", {}).get("Code")
            self.errors.append(f"{code or type(err).__name__}: {err}"[:300])
        self.wall = time.monotonic() - start

    def lab(self) -> None:
        self.timed(CALLS[0], "describe_vpcs")
        images = self.timed(
            CALLS[1], "describe_images", Owners=["amazon"],
            Filters=[{"Name": "name", "Values": ["al2023-ami-2023.*"]},
                     {"Name": "architecture", "Values": ["x86_64"]}],
        )["Images"]  # fmt: skip
        image = max(images, key=lambda i: i.get("CreationDate", ""))["ImageId"]
        group = self.timed(
            CALLS[2], "create_security_group", GroupName=f"lab-web-{self.n}",
            Description="Lab web server",
        )["GroupId"]  # fmt: skip
        self.timed(CALLS[3], "create_key_pair", KeyName=f"lab-key-{self.n}")
        instance = self.timed(
            CALLS[4], "run_instances", ImageId=image, InstanceType="t3.micro", MinCount=1,
            MaxCount=1, KeyName=f"lab-key-{self.n}", SecurityGroupIds=[group],
        )["Instances"][0]["InstanceId"]  # fmt: skip
        deadline = time.monotonic() + 300
        while True:
            out = self.timed(CALLS[5], "describe_instances", InstanceIds=[instance])
            state = out["Reservations"][0]["Instances"][0]["State"]["Name"]
            if state == "running":
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{instance} still {state} after 300s")
            time.sleep(1)
        self.timed(CALLS[6], "create_tags", Resources=[instance],
                   Tags=[{"Key": "Name", "Value": f"lab-web-{self.n}"}])  # fmt: skip
        found = self.timed(
            CALLS[7], "describe_instances",
            Filters=[{"Name": "tag:Name", "Values": [f"lab-web-{self.n}"]}],
        )["Reservations"]  # fmt: skip
        if [i["InstanceId"] for r in found for i in r["Instances"]] != [instance]:
            raise RuntimeError(f"tag:Name found {found!r} instead of {instance}")
        self.timed(CALLS[8], "stop_instances", InstanceIds=[instance])


def warm_up(server: StratolabServer) -> None:
    """Untimed calls as the demo account, a few per web worker: a worker's first request
    loads botocore's models and the catalogs, a cost of the server's start, not of a
    fresh account's first call."""
    import boto3

    ec2 = boto3.client(
        "ec2", region_name=REGION, endpoint_url=server.url,
        aws_access_key_id=server.key_id, aws_secret_access_key=server.secret,
    )  # fmt: skip
    for _ in range(6):
        ec2.describe_vpcs()
        ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-*"]}])
        ec2.describe_instances()
        ec2.describe_key_pairs()


def stats(values: list[float]) -> dict:
    if not values:
        return {"calls": 0}
    return {
        "calls": len(values),
        "median_ms": statistics.median(values) * 1000,
        "p99_ms": percentile(values, 0.99) * 1000,
        "max_ms": max(values) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--time-scale", type=float, default=0.2,
                        help="STRATOLAB_TIME_SCALE for the server (default 0.2)")  # fmt: skip
    parser.add_argument("--cold", action="store_true",
                        help="no warm-up: the class starts on web workers that have "
                        "answered nothing yet")  # fmt: skip
    parser.add_argument("--start-at", type=float, default=0,
                        help="start the lab at this Unix time (once the accounts are made):"
                        " two trees run side by side start their classes together")  # fmt: skip
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="sl-class-"))
    server = None
    result: dict = {"students": args.students, "cold": args.cold, "load_before": load_average()}
    try:
        print(f"Starting stratolab up (scratch folder {scratch})...", flush=True)
        server = StratolabServer(scratch / "home", {"STRATOLAB_TIME_SCALE": str(args.time_scale)})
        server.wait_ready()
        print(f"Creating {args.students} sandbox accounts...", flush=True)
        start = time.monotonic()
        accounts = json.loads(server.inside("accounts", str(args.students), "--prefix", "s"))
        result["accounts_seconds"] = time.monotonic() - start
        result["account_create_ms"] = stats([a["create_seconds"] for a in accounts])
        if not args.cold:
            warm_up(server)
        barrier = threading.Barrier(args.students)
        students = [Student(n, server.url, a, barrier) for n, a in enumerate(accounts)]
        if args.start_at:
            late = time.time() - args.start_at
            result["start_late_seconds"] = late
            if late > 0:
                print(f"(the accounts were ready {late:.0f}s after --start-at)", flush=True)
            time.sleep(max(0.0, -late))
        print(f"Running the lab in {args.students} accounts at once...", flush=True)
        start = time.monotonic()
        for student in students:
            student.start()
        for student in students:
            student.join()
        result["wall_seconds"] = time.monotonic() - start
    finally:
        if server is not None:
            print("Stopping stratolab up...", flush=True)
            server.stop()
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    result["load_after"] = load_average()

    every = [v for s in students for values in s.samples.values() for v in values]
    result["all"] = stats(every)
    result["calls"] = {label: stats([v for s in students for v in s.samples[label]])
                       for label in CALLS}  # fmt: skip
    firsts = [s.samples[CALLS[0]][0] for s in students if s.samples[CALLS[0]]]
    result["first_call"] = stats(firsts)
    result["errors"] = [f"student {s.n}: {e}" for s in students for e in s.errors]
    result["lab_seconds"] = stats([s.wall for s in students])

    warm = "cold web workers" if args.cold else "web workers warmed up first"
    print(f"\n{args.students} students at once, {warm}, "
          f"STRATOLAB_TIME_SCALE={args.time_scale}; load {result['load_after']}.")  # fmt: skip
    created = result["account_create_ms"]
    print(f"Accounts created in {result['accounts_seconds']:.1f}s "
          f"(median {created['median_ms']:.0f} ms each); whole lab "
          f"{result['wall_seconds']:.1f}s.\n")  # fmt: skip
    head = f"{'call':30} {'n':>5} {'median ms':>10} {'p99 ms':>9} {'max ms':>9}"
    print(head)
    print("-" * len(head))
    for label in CALLS:
        row = result["calls"][label]
        if row["calls"]:
            print(f"{label:30} {row['calls']:>5} {row['median_ms']:>10.1f} "
                  f"{row['p99_ms']:>9.1f} {row['max_ms']:>9.1f}")  # fmt: skip
    row = result["all"]
    print("-" * len(head))
    print(f"{'all calls':30} {row['calls']:>5} {row.get('median_ms', 0):>10.1f} "
          f"{row.get('p99_ms', 0):>9.1f} {row.get('max_ms', 0):>9.1f}")  # fmt: skip
    first = result["first_call"]
    if first["calls"]:
        print(f"\nfirst call of each fresh account: median {first['median_ms']:.0f} ms, "
              f"max {first['max_ms']:.0f} ms")  # fmt: skip
    median_ok = row.get("median_ms", 1e9) < 30
    p99_ok = row.get("p99_ms", 1e9) < 300
    errors_ok = not result["errors"]
    print(f"\ntarget median < 30 ms: {verdict(median_ok)}; p99 < 300 ms: {verdict(p99_ok)}; "
          f"zero errors: {verdict(errors_ok)} ({len(result['errors'])})")  # fmt: skip
    for error in result["errors"][:10]:
        print(f"  {error}")
    result["targets"] = {"median_pass": median_ok, "p99_pass": p99_ok, "errors_pass": errors_ok}
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
