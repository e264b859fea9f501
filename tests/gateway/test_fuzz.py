"""A seeded fuzz run of the AWS door: bad requests for every registered operation, sent
signed over HTTP to a live server. Every answer must be a success or a well-formed AWS
error of the service's protocol (botocore's parser finds a code and a message), never
a 5xx, and the connection must stay open.

Bounded for the suite: every operation once, then more until STRATOLAB_FUZZ_SECONDS
(default 35 s of requests, about 700 on a busy 2-core machine). A long run
by hand: STRATOLAB_FUZZ_REQUESTS=3000 STRATOLAB_FUZZ_SECONDS=0 STRATOLAB_FUZZ_SEED=7
pytest tests/gateway/test_fuzz.py -q  (0 seconds = no time limit).
"""

from __future__ import annotations

import os
import time

from tests.gateway.conftest import Student
from tests.gateway.fuzz import Generator
from tests.gateway.live import Door, error_problems

SEED = int(os.environ.get("STRATOLAB_FUZZ_SEED", "20261203"))
REQUESTS = int(os.environ.get("STRATOLAB_FUZZ_REQUESTS", "1500"))
SECONDS = float(os.environ.get("STRATOLAB_FUZZ_SECONDS", "35"))


# What the web server itself refuses before the application reads the request (bad
# framing or header bytes, an unknown Expect, an oversized head): answered, then closed,
# as HTTP allows. Those answers carry no x-amzn-RequestId header, which the application
# sets on all of its own; every answer of the application must leave the connection open.
_HTTP_REFUSALS = {400, 408, 414, 417, 431, 501}


def _refused_by_the_web_server(status: int, headers: dict[str, str]) -> bool:
    return status in _HTTP_REFUSALS and "x-amzn-requestid" not in headers


def _resources(student: Student) -> dict[str, str]:
    """Real resources for the members that name one (Generator's `ids`)."""
    ec2 = student.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="fuzz", Description="fuzz", VpcId=vpc)
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    iam = student.client("iam")
    iam.create_user(UserName="fuzz-user")
    iam.create_group(GroupName="fuzz-group")
    policy = iam.create_policy(
        PolicyName="fuzz-policy",
        PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":"s3:ListBucket","Resource":"*"}]}',
    )["Policy"]["Arn"]
    student.client("s3").create_bucket(Bucket="fuzz-bucket")
    return {"VpcId": vpc, "SubnetId": subnet, "GroupId": group["GroupId"], "VolumeId": volume,
            "UserName": "fuzz-user", "GroupName": "fuzz-group", "PolicyArn": policy,
            "Bucket": "fuzz-bucket"}  # fmt: skip


def _registered() -> list[tuple[str, str]]:
    from services.core import operations

    return sorted((op.service, op.action) for op in operations.registered())


def test_every_registered_operation_answers_bad_input_with_its_protocols_error(student):
    ops = _registered()
    assert {service for service, _ in ops} >= {"ec2", "iam", "s3", "sts", "cloudtrail"}
    door = Door(student.endpoint, student.access_key_id, student.secret_access_key)
    generator = Generator(SEED, _resources(student))
    deadline = time.monotonic() + SECONDS if SECONDS > 0 else None
    failures, sent = [], 0
    for case in generator.cases(ops, max(REQUESTS, len(ops))):
        if deadline is not None and time.monotonic() > deadline and sent >= len(ops):
            break
        sent += 1
        how = generator.signature_bending()
        if how == "unsigned" and case.service == "s3":
            # Unsigned path-style requests are the console's; anonymous S3 is addressed
            # by the bucket's host name (tests/s3 cover it).
            how = None
        if how is None:
            wire = door.signed(case.wire, case.signing_name)
        else:
            wire = door.signed_badly(case.wire, case.signing_name, how)
            case.kind, case.detail = f"signature:{how}", f"{case.kind}: {case.detail}"
        try:
            status, headers, body, kept = door.send(wire)
        except ConnectionError as exc:
            failures.append(f"{case}: connection dropped ({exc})")
            continue
        problems = error_problems(
            case.service, case.operation, status, headers, body,
            protocol=case.protocol, method=wire.method,
        )  # fmt: skip
        if not kept and not _refused_by_the_web_server(status, headers):
            problems.append("the server closed the connection")
        if problems:
            failures.append(f"{case}: {status} {'; '.join(problems)} {body[:300]!r}")
    door.close()
    print(f"\nfuzz: {sent} requests, seed {SEED}, {len(failures)} failures")
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures)
