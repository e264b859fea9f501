"""Classrooms: rosters, sandboxes, limits on every call, reset, suspension, deletion."""

from __future__ import annotations

import pytest

from services.classrooms import labs, provisioning, reset
from services.classrooms.models import Classroom, Student
from services.core import lifecycle
from services.core.accounts import authenticate_root
from services.core.models import Account, Event
from services.ec2 import ami_catalog

from .conftest import student_caller

AMI = ami_catalog.default_image().image_id("us-east-1")


def _launch(caller, instance_type: str = "t3.micro", count: int = 1) -> dict:
    return caller.ec2(
        "RunInstances", ImageId=AMI, InstanceType=instance_type, MinCount=count, MaxCount=count
    )


def test_a_csv_roster_makes_one_sandbox_per_student(classroom):
    students = list(classroom.students.all())
    assert [s.name for s in students] == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    accounts = {s.account_id for s in students}
    assert len(accounts) == 3 and None not in accounts
    sheet = provisioning.credentials(students[0])
    assert sheet["sign_in_email"] == f"ada+class{classroom.pk}@example.com"
    assert sheet["access_key_id"].startswith("AKIA")
    # The sheet's password signs the student in (IAM-07: the root user signs in by email).
    assert authenticate_root(sheet["sign_in_email"], sheet["password"]) == students[0].account


def test_a_bad_roster_line_is_refused_and_adds_no_one(classroom):
    with pytest.raises(provisioning.RosterError, match="line 2"):
        provisioning.add_roster(classroom, "Dan,dan@example.com\nno email here\n")
    assert classroom.students.count() == 3


def test_adding_a_student_twice_is_refused(classroom):
    with pytest.raises(provisioning.RosterError):
        provisioning.add_student(classroom, "Ada again", "ADA@example.com")


def test_a_student_can_be_in_two_classrooms(classroom, instructor):
    other = Classroom.objects.create(instructor=instructor, name="Cloud 201")
    student = provisioning.add_student(other, "Ada Lovelace", "ada@example.com")
    assert student.account_id not in set(classroom.students.values_list("account_id", flat=True))


# --- limits ----------------------------------------------------------------------------


def test_instance_types_outside_the_classroom_limit_are_refused(classroom):
    classroom.allowed_instance_types = ["t2.micro", "t3.micro"]
    classroom.save()
    caller = student_caller(classroom.students.first())
    error = caller.error(
        "ec2", "RunInstances", ImageId=AMI, InstanceType="m5.large", MinCount=1, MaxCount=1
    )
    assert error.code == "UnauthorizedOperation"
    assert error.status == 403
    assert "explicit deny in a service control policy" in error.message
    assert "classroom limit: the instance type m5.large is not allowed" in error.message
    assert _launch(caller)["Instances"][0]["InstanceType"] == "t3.micro"


def test_regions_outside_the_classroom_limit_are_refused(classroom):
    classroom.allowed_regions = ["us-east-1"]
    classroom.save()
    student = classroom.students.first()
    error = student_caller(student, "eu-west-1").error("ec2", "DescribeVpcs")
    assert error.code == "UnauthorizedOperation"
    assert "classroom limit: this classroom works in us-east-1 only" in error.message
    # Global services are not in a region.
    assert student_caller(student, "eu-west-1").iam("ListUsers")["Users"] == []


def test_services_outside_the_classroom_limit_are_refused(classroom):
    classroom.allowed_services = ["ec2"]
    classroom.save()
    caller = student_caller(classroom.students.first())
    error = caller.error("iam", "CreateUser", UserName="bob")
    assert error.code == "AccessDenied"
    assert "classroom limit: the service iam is not available" in error.message
    assert caller("sts", "GetCallerIdentity")["Account"] == caller.ctx.account.id


def test_instance_and_vcpu_quotas(classroom):
    classroom.max_instances = 2
    classroom.save()
    caller = student_caller(classroom.students.first())
    _launch(caller, count=2)
    error = caller.error(
        "ec2", "RunInstances", ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1
    )
    assert error.code == "InstanceLimitExceeded"
    assert "classroom limit: 2 instances" in error.message
    classroom.max_instances = None
    classroom.max_vcpus = 5
    classroom.save()
    # 2 × t3.micro = 4 vCPUs running; a third t3.micro would make 6.
    error = caller.error(
        "ec2", "RunInstances", ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1
    )
    assert error.code == "VcpuLimitExceeded"


def test_volume_and_elastic_ip_quotas(classroom):
    classroom.max_volumes = 1
    classroom.max_elastic_ips = 1
    classroom.save()
    caller = student_caller(classroom.students.first())
    caller.ec2("CreateVolume", AvailabilityZone="us-east-1a", Size=1)
    assert (
        caller.error("ec2", "CreateVolume", AvailabilityZone="us-east-1a", Size=1).code
        == "VolumeLimitExceeded"
    )
    caller.ec2("AllocateAddress", Domain="vpc")
    assert caller.error("ec2", "AllocateAddress", Domain="vpc").code == "AddressLimitExceeded"


def test_a_refused_call_is_audited_and_changes_nothing(classroom):
    classroom.allowed_instance_types = ["t3.micro"]
    classroom.save()
    caller = student_caller(classroom.students.first())
    caller.error(
        "ec2", "RunInstances", ImageId=AMI, InstanceType="m5.large", MinCount=1, MaxCount=1
    )
    event = Event.objects.filter(account=caller.ctx.account, event_name="RunInstances").get()
    assert event.error_code == "UnauthorizedOperation"
    assert caller.ec2("DescribeInstances")["Reservations"] == []


def test_limits_do_not_touch_accounts_outside_classrooms(classroom, aws):
    classroom.allowed_instance_types = ["t3.micro"]
    classroom.save()
    assert _launch(aws, "m5.large")["Instances"][0]["InstanceType"] == "m5.large"


# --- reset, suspend, delete ------------------------------------------------------------


def test_reset_empties_the_sandbox_and_reseeds_defaults(classroom):
    student = classroom.students.first()
    caller = student_caller(student)
    vpc = caller.ec2("CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = caller.ec2("CreateSubnet", VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    caller.ec2(
        "RunInstances", ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        SubnetId=subnet,
    )  # fmt: skip
    caller.iam("CreateUser", UserName="bob")
    caller.iam("CreateAccessKey", UserName="bob")
    caller.iam("CreateAccountAlias", AccountAlias="ada-sandbox")
    lifecycle.sweep()
    default_vpcs = caller.ec2("DescribeVpcs", Filters=[{"Name": "is-default", "Values": ["true"]}])
    old_default = default_vpcs["Vpcs"][0]["VpcId"]
    provisioning.reset_sandbox(student, empty=True)
    assert caller.ec2("DescribeInstances")["Reservations"] == []
    assert caller.iam("ListUsers")["Users"] == []
    assert caller.iam("ListAccountAliases")["AccountAliases"] == []
    vpcs = caller.ec2("DescribeVpcs")["Vpcs"]
    # VPC-05: a fresh default VPC, as a new account has.
    assert [(v["CidrBlock"], v["IsDefault"]) for v in vpcs] == [("172.31.0.0/16", True)]
    assert vpcs[0]["VpcId"] != old_default
    # The root's sign-in and keys survive.
    assert student.account.access_keys.filter(user_name="").count() == 1


def test_reset_to_a_lab_runs_its_starting_state(classroom):
    provisioning.assign_lab(classroom, "sg_vs_nacl")
    student = classroom.students.first()
    caller = student_caller(student)
    names = [t["Value"] for v in caller.ec2("DescribeVpcs")["Vpcs"] for t in v.get("Tags", [])]
    assert names == ["web-vpc"]
    caller.ec2("CreateVpc", CidrBlock="10.9.0.0/16")
    provisioning.reset_sandbox(student)
    assert len(caller.ec2("DescribeVpcs")["Vpcs"]) == 2  # default + web-vpc


def test_suspended_sandboxes_cannot_sign_in_until_resumed(classroom):
    student = classroom.students.first()
    sheet = provisioning.credentials(student)
    provisioning.set_suspended(student, True)
    assert authenticate_root(sheet["sign_in_email"], sheet["password"]) is None
    provisioning.set_suspended(student, False)
    assert authenticate_root(sheet["sign_in_email"], sheet["password"]) is not None


def test_deleting_a_classroom_deletes_its_sandboxes(classroom):
    accounts = list(classroom.students.values_list("account_id", flat=True))
    caller = student_caller(classroom.students.first())
    caller.ec2("CreateVolume", AvailabilityZone="us-east-1a", Size=1)
    provisioning.delete_classroom(classroom)
    assert not Account.objects.filter(id__in=accounts).exists()
    assert not Student.objects.exists()


def test_wipe_covers_every_model_an_account_owns():
    owned = {m._meta.label for m in reset._owned_models()}
    assert {"ec2.Instance", "vpc.Vpc", "iam.User", "iam.PolicyAttachment", "s3.Bucket"} <= owned
    assert "core.Event" not in owned and "core.AccessKey" not in owned
    assert "cloudtrail.TrailEvent" not in owned  # the same rows as core.Event


def test_reset_keeps_the_event_history(classroom):
    student = classroom.students.first()
    caller = student_caller(student)
    caller.ec2("CreateVolume", AvailabilityZone="us-east-1a", Size=1)
    provisioning.reset_sandbox(student, empty=True)
    assert Event.objects.filter(account=student.account, event_name="CreateVolume").exists()


# --- progress ---------------------------------------------------------------------------


def test_a_passed_step_stays_passed(classroom):
    provisioning.assign_lab(classroom, "first_ec2_instance")
    student = classroom.students.first()
    caller = student_caller(student)
    caller.ec2("CreateKeyPair", KeyName="lab-key")
    result = provisioning.progress(student)
    assert [s.passed for s in result.steps] == [True, False, False, False, False]
    caller.ec2("DeleteKeyPair", KeyName="lab-key")
    result = provisioning.progress(student)
    assert result.steps[0].passed and not result.steps[0].passing_now
    assert result.score == 20
    assert labs.get("first_ec2_instance").title == "Your first EC2 instance"


def test_events_before_the_lab_started_do_not_count(classroom):
    student = classroom.students.first()
    caller = student_caller(student)
    caller.ec2("CreateKeyPair", KeyName="k")
    iid = _launch(caller)["Instances"][0]["InstanceId"]
    lifecycle.sweep()
    caller.ec2("StopInstances", InstanceIds=[iid])
    provisioning.assign_lab(classroom, "first_ec2_instance", reset_sandboxes=False)
    result = provisioning.progress(student)
    assert not result.steps[3].passed  # the stop happened before the lab


def test_reset_deletes_buckets_and_frees_their_names(classroom):
    """S3-01: bucket names are global, so a reset must give the name back."""
    student = classroom.students.first()
    caller = student_caller(student)
    caller("s3", "CreateBucket", Bucket="ada-lab-bucket")
    caller("s3", "PutObject", Bucket="ada-lab-bucket", Key="hello.txt", Body=b"hi")
    provisioning.reset_sandbox(student, empty=True)
    assert caller("s3", "ListBuckets")["Buckets"] == []
    caller("s3", "CreateBucket", Bucket="ada-lab-bucket")


def test_console_sessions_end_after_the_classroom_session_length(classroom):
    import datetime as dt

    from django.test import Client

    from services.core import operations
    from services.core.context import CallContext, Principal
    from services.core.errors import AwsError

    classroom.session_minutes = 60
    classroom.save()
    student = classroom.students.first()
    sheet = provisioning.credentials(student)
    Client().post("/signin", {"email": sheet["sign_in_email"], "password": sheet["password"]})
    console = CallContext(
        student.account, "us-east-1", Principal.root(student.account_id), "console"
    )
    assert operations.call(console, "ec2", "DescribeVolumes", {})["Volumes"] == []
    Event.objects.filter(account=student.account, event_name="ConsoleLogin").update(
        event_time=Event.objects.get(account=student.account, event_name="ConsoleLogin").event_time
        - dt.timedelta(minutes=61)
    )
    with pytest.raises(AwsError) as info:
        operations.call(console, "ec2", "DescribeVolumes", {})
    assert info.value.code == "ExpiredToken"
    assert "sessions last 60 minutes" in info.value.message
    # Access keys are not console sessions.
    assert student_caller(student).ec2("DescribeVolumes")["Volumes"] == []
    # Signing in again starts a new session.
    Client().post("/signin", {"email": sheet["sign_in_email"], "password": sheet["password"]})
    assert operations.call(console, "ec2", "DescribeVolumes", {})["Volumes"] == []


@pytest.mark.django_db(transaction=True)
def test_racing_calls_do_not_pass_a_classroom_count_limit_together(classroom):
    """The count limits are checked again inside the call's transaction, under the
    account lock (services.core.locks): 8 volumes and 8 addresses at once against limits
    of 2 give exactly 2 of each."""
    import threading

    from django.db import connection

    from services.core.errors import AwsError
    from services.ec2.models import Volume
    from services.vpc.models import Address

    classroom.max_volumes = 2
    classroom.max_elastic_ips = 2
    classroom.save()
    caller = student_caller(classroom.students.first())
    calls = [("CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": 1})] * 8
    calls += [("AllocateAddress", {"Domain": "vpc"})] * 8
    start = threading.Barrier(len(calls))
    codes: list[str] = []

    def run(action: str, params: dict) -> None:
        try:
            start.wait()
            caller.ec2(action, **params)
            codes.append("ok")
        except AwsError as error:
            codes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == sorted(
        ["ok"] * 4 + ["VolumeLimitExceeded"] * 6 + ["AddressLimitExceeded"] * 6
    )
    account = caller.ctx.account
    assert Volume.objects.filter(account=account).count() == 2
    assert Address.objects.filter(account=account).count() == 2
