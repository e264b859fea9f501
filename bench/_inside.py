"""Work the benchmarks do inside Stratolab, in a process of their own on the database
of a running `stratolab up` (the way `stratolab manage` reaches it). Not a benchmark:

    python bench/_inside.py --home DIR accounts N --prefix P
        create N sandbox accounts with create_account (what `stratolab account create`
        calls) and print them as a JSON list, with the seconds each took;
    python bench/_inside.py --home DIR seed-scale --key-id AKIA... --count N
        fill the account of that access key with N instances (RunInstances of 100, one
        subnet and one tag:group value per batch; their root volumes make N volumes), N
        security groups and N subnets, all through the operation layer (`operations.call`, door
        "system"), so the rows are what the AWS door would have made; prints JSON with
        the ids the benchmark asks about;
    python bench/_inside.py --home DIR profile --key-id AKIA... --secret S ACTION
            [--param Name=Value ...] [--calls N] [--sort cumulative] [--top 40]
        make N signed EC2 Query calls through the web application itself (the WSGI
        handler, every middleware, no socket) and print cProfile's table of them, after
        two untimed calls that warm the catalogs: where a call's time goes.

Seeding runs in --jobs processes, each slice in VPCs of its own. Only the quota of VPCs
per region is raised (in these processes only; the server keeps AWS's): subnets stay
200 to a VPC (AWS's default quota) and security groups 1,000 (under its 2,500). The
instance quotas come from STRATOLAB_EC2_VCPU_QUOTA and STRATOLAB_EC2_RUNNING_INSTANCES,
which the caller sets.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.core.context import CallContext

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


_ACCOUNT: dict = {}  # per process: the account of --key-id


def _context() -> CallContext:
    from services.core.context import CallContext
    from services.core.models import AccessKey

    if "account" not in _ACCOUNT:
        _ACCOUNT["account"] = AccessKey.objects.get(access_key_id=_ACCOUNT["key_id"]).account
    # A context per call, as each door makes one: its own request id and audit resources.
    return CallContext.system(_ACCOUNT["account"], REGION)


def _call(action: str, params: dict) -> dict:
    from services.core import operations

    return operations.call(_context(), "ec2", action, params)


def _tags(kind: str, group: str) -> dict:
    return {"ResourceType": kind, "Tags": [{"Key": "group", "Value": group},
                                           {"Key": "bench", "Value": "scale"}]}  # fmt: skip


def _raise_quotas() -> None:
    from services.vpc import quotas

    quotas.VPCS_PER_REGION = 10_000  # the rest stay as AWS's defaults


def _seed_task(task: tuple) -> tuple[str, int]:
    """One slice of the seeding, in a worker process: 100 instances in a subnet of their
    own, or one VPC with its security groups or its subnets."""
    kind = task[0]
    if kind == "instances":
        _, n, size, vpc, image_id = task
        subnet = _call("CreateSubnet", {
            "VpcId": vpc, "CidrBlock": f"10.0.{n}.0/24", "AvailabilityZone": ZONES[n % 5],
            "TagSpecifications": [_tags("subnet", f"i{n}")],
        })["Subnet"]["SubnetId"]  # fmt: skip
        _call("RunInstances", {
            "ImageId": image_id, "InstanceType": "t3.micro", "MinCount": size,
            "MaxCount": size, "SubnetId": subnet,
            "TagSpecifications": [_tags("instance", f"g{n}"), _tags("volume", f"g{n}")],
        })  # fmt: skip
        return subnet, size
    _, octet, first, last = task
    vpc = _call("CreateVpc", {"CidrBlock": f"10.{octet}.0.0/16"})["Vpc"]["VpcId"]
    for n in range(first, last):
        group = f"g{n // PER_GROUP}"
        if kind == "groups":
            _call("CreateSecurityGroup", {
                "GroupName": f"bench-{n}", "Description": "bench", "VpcId": vpc,
                "TagSpecifications": [_tags("security-group", group)],
            })  # fmt: skip
        else:
            _call("CreateSubnet", {
                "VpcId": vpc, "CidrBlock": f"10.{octet}.{n - first}.0/24",
                "AvailabilityZone": ZONES[n % 5],
                "TagSpecifications": [_tags("subnet", group)],
            })  # fmt: skip
    return vpc, last - first


def _worker_start(key_id: str) -> None:
    from django.db import connections

    connections.close_all()  # never share the parent's connection across a fork
    _ACCOUNT.clear()
    _ACCOUNT["key_id"] = key_id
    _raise_quotas()


def seed_scale(key_id: str, count: int, jobs: int) -> dict:
    """Seed in `jobs` processes. Each slice is its own calls through the operation layer;
    slices touch different VPCs so they do not wait on each other's quota locks (the
    launches do: RunInstances locks the account)."""
    import multiprocessing

    from django.db import connections

    from services.core import lifecycle

    _ACCOUNT["key_id"] = key_id
    _raise_quotas()
    images = _call("DescribeImages", {
        "Owners": ["amazon"],
        "Filters": [{"Name": "name", "Values": ["al2023-ami-2023.*"]},
                    {"Name": "architecture", "Values": ["x86_64"]}],
    })["Images"]  # fmt: skip
    image_id = max(images, key=lambda i: i.get("CreationDate", ""))["ImageId"]
    vpc = _call("CreateVpc", {"CidrBlock": "10.0.0.0/16"})["Vpc"]["VpcId"]
    batches = (count + PER_GROUP - 1) // PER_GROUP
    launches: list[tuple] = [
        ("instances", n, min(PER_GROUP, count - n * PER_GROUP), vpc, image_id)
        for n in range(batches)
    ]
    # Security groups 1,000 to a VPC (10.100+.0.0/16); the other subnets 200 to a VPC,
    # AWS's default quota, as /24s of 10.1+.0.0/16.
    others: list[tuple] = [("groups", 100 + k, first, min(count, first + 1000))
                           for k, first in enumerate(range(0, count, 1000))]  # fmt: skip
    extra = max(0, count - batches)
    others += [("subnets", 1 + k, first, min(extra, first + 200))
               for k, first in enumerate(range(0, extra, 200))]  # fmt: skip
    connections.close_all()
    out: dict = {"vpc": vpc, "instance_subnets": [""] * batches}
    done = {"instances": 0, "groups": 0, "subnets": 0}
    start = time.monotonic()

    def finished(task: tuple, made: str, size: int) -> None:
        done[task[0]] += size
        if task[0] == "instances":
            out["instance_subnets"][task[1]] = made
            if done["instances"] % 1000 and done["instances"] != count:
                return  # a line per 1,000 instances is enough
        progress(
            f"  {done['instances']} instances, {done['groups']} security groups, "
            f"{done['subnets'] + batches} subnets ({time.monotonic() - start:.0f}s)"
        )

    # Launches in a process of their own (RunInstances locks the account, so two would
    # only wait on each other), the rest in the others.
    context = multiprocessing.get_context("fork")
    with (
        context.Pool(1, initializer=_worker_start, initargs=(key_id,)) as launcher,
        context.Pool(max(1, jobs - 1), initializer=_worker_start, initargs=(key_id,)) as pool,
    ):
        pending = [
            (task, chosen.apply_async(_seed_task, (task,)))
            for chosen, tasks in ((launcher, launches), (pool, others))
            for task in tasks
        ]
        for task, waiting in pending:
            finished(task, *waiting.get())
    out["groups"] = [f"g{n}" for n in range(batches)]
    out["seconds_create"] = time.monotonic() - start

    # Settle the launches here (STRATOLAB_TIME_SCALE=0 in this process made them due at
    # once) rather than leave thousands of transitions to the worker mid-benchmark.
    start = time.monotonic()
    for _ in range(100):
        if not lifecycle.sweep(limit=5000):
            break
    out["seconds_settle"] = time.monotonic() - start
    return out


@contextlib.contextmanager
def _round_trips() -> Iterator[list[int]]:
    """Count the queries psycopg sends (statements, BEGIN, COMMIT) while inside."""
    from psycopg import _connection_base, client_cursor

    sent = [0]
    send, command = (
        client_cursor.ClientCursorMixin._execute_send,
        (_connection_base.BaseConnection._exec_command),
    )

    def counted_send(self, *args, **kwargs):
        sent[0] += 1
        return send(self, *args, **kwargs)

    def counted_command(self, *args, **kwargs):
        sent[0] += 1
        return command(self, *args, **kwargs)

    client_cursor.ClientCursorMixin._execute_send = counted_send
    _connection_base.BaseConnection._exec_command = counted_command
    try:
        yield sent
    finally:
        client_cursor.ClientCursorMixin._execute_send = send
        _connection_base.BaseConnection._exec_command = command


def profile_calls(
    key_id: str,
    secret: str,
    action: str,
    pairs: list[str],
    calls: int,
    sort: str,
    top: int,
    show_sql: bool = False,
) -> dict:
    """`calls` signed requests through the WSGI application in this process, profiled."""
    import cProfile
    import io
    import pstats
    import urllib.parse

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from django.test import Client

    fields = {"Action": action, "Version": "2016-11-15"}
    fields.update(pair.split("=", 1) for pair in pairs)
    body = urllib.parse.urlencode(fields)
    signer = SigV4Auth(Credentials(key_id, secret), "ec2", REGION)
    client = Client()

    def one() -> int:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        request = AWSRequest(method="POST", url="http://testserver/", data=body, headers=form)
        signer.add_auth(request)
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in request.headers.items()
                   if k.lower() not in ("content-type", "host")}  # fmt: skip
        reply = client.post("/", body, content_type="application/x-www-form-urlencoded",
                            HTTP_HOST="testserver", **headers)  # fmt: skip
        if reply.status_code != 200:
            raise RuntimeError(f"{action}: HTTP {reply.status_code}: {reply.content[:300]!r}")
        return len(reply.content)

    one(), one()
    if show_sql:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries, _round_trips() as sent:
            one()
        for query in queries.captured_queries:
            progress(f"{query['time']}s  {query['sql'][:300]}")
        # Django lists BEGIN and COMMIT even where psycopg sends nothing (a COMMIT that
        # rode with the audit INSERT): the round trips are what reached PostgreSQL.
        progress(
            f"{len(queries.captured_queries)} statements in one call, "
            f"{sent[0]} round trips to PostgreSQL"
        )
    start = time.perf_counter()
    if top:
        profiler = cProfile.Profile()
        profiler.enable()
        size = sum(one() for _ in range(calls))
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
        progress(out.getvalue())
    else:  # --top 0: time the calls only, without the profiler's own cost
        size = sum(one() for _ in range(calls))
    seconds = time.perf_counter() - start
    made = max(calls, 1)
    return {"calls": calls, "ms_per_call": seconds * 1000 / made, "bytes": size // made}


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
    scale.add_argument("--jobs", type=int, default=4, help="processes seeding at once")
    prof = sub.add_parser("profile")
    prof.add_argument("action")
    prof.add_argument("--key-id", required=True)
    prof.add_argument("--secret", required=True)
    prof.add_argument("--param", action="append", default=[], help="Name=Value, repeatable")
    prof.add_argument("--calls", type=int, default=20)
    prof.add_argument("--sort", default="cumulative")
    prof.add_argument("--top", type=int, default=40)
    prof.add_argument("--sql", action="store_true", help="print the statements of one call")
    args = parser.parse_args()

    setup(args.home.resolve())
    from django.db import connections

    try:
        if args.command == "accounts":
            result: object = create_accounts(args.count, args.prefix)
        elif args.command == "profile":
            result = profile_calls(args.key_id, args.secret, args.action, args.param,
                                   args.calls, args.sort, args.top, args.sql)  # fmt: skip
        else:
            result = seed_scale(args.key_id, args.count, args.jobs)
    finally:
        connections.close_all()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
