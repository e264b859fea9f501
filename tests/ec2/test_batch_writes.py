"""State changes and launches of many instances write set-wise: the statements of a
call do not grow with the number of instances, the worker gets one task per batch, and
each row still ends where it would have one at a time."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from services.core import lifecycle, locks, publisher
from services.core.tasks import advance_many_task
from services.ec2 import ami_catalog, quotas
from services.ec2.models import Instance, Volume, VolumeAttachment
from services.vpc.models import NetworkInterface

AL2023 = ami_catalog.default_image().image_id("us-east-1")


@pytest.fixture(autouse=True)
def room(monkeypatch):
    monkeypatch.setitem(quotas.VCPU_QUOTAS, "standard", 1000)
    monkeypatch.setattr(quotas, "RUNNING_INSTANCES", 1000)


def launch(ec2, count: int) -> list[str]:
    out = ec2("RunInstances", ImageId=AL2023, InstanceType="t3.micro", MinCount=count,
              MaxCount=count)  # fmt: skip
    return [i["InstanceId"] for i in out["Instances"]]


def statements(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def running(ec2, count: int) -> list[str]:
    ids = launch(ec2, count)
    lifecycle.settle()
    return ids


@pytest.mark.parametrize(
    ("action", "before"),
    [
        ("StopInstances", "running"),
        ("TerminateInstances", "running"),
        ("RebootInstances", "running"),
        ("StartInstances", "stopped"),
    ],
)
def test_a_state_change_of_many_costs_what_one_of_two_does(ec2, action, before):
    small, large = running(ec2, 2), running(ec2, 9)
    if before == "stopped":
        ec2("StopInstances", InstanceIds=small + large)
        lifecycle.settle()
    assert statements(lambda: ec2(action, InstanceIds=small)) == statements(
        lambda: ec2(action, InstanceIds=large)
    )


def test_a_launch_of_many_costs_what_a_launch_of_two_does(ec2):
    two = statements(lambda: launch(ec2, 2))
    assert statements(lambda: launch(ec2, 12)) == two


def test_a_launch_of_many_makes_every_row_an_instance_has(ec2):
    ids = launch(ec2, 6)
    instances = list(Instance.objects.filter(resource_id__in=ids).order_by("ami_launch_index"))
    assert [i.ami_launch_index for i in instances] == list(range(6))
    enis = [i.primary_network_interface for i in instances]
    assert len({e.private_ip_address for e in enis}) == 6
    assert len({e.public_ip for e in enis}) == 6 and all(e.public_ip for e in enis)
    assert {(e.instance_id, e.status, e.attachment_status) for e in enis} == {
        (i.resource_id, "in-use", "attached") for i in instances
    }
    assert all(e.security_groups.count() == 1 for e in enis)
    attachments = VolumeAttachment.objects.filter(instance__in=instances)
    assert attachments.count() == 6 and {a.state for a in attachments} == {"attaching"}
    assert set(Volume.objects.filter(attachments__in=attachments).values_list("state", flat=True))\
        == {"in-use"}  # fmt: skip
    lifecycle.settle()
    assert set(Instance.objects.filter(resource_id__in=ids).values_list("state", flat=True)) == {
        "running"
    }
    assert {a.state for a in VolumeAttachment.objects.filter(instance__in=instances)} == {
        "attached"
    }


def test_the_worker_gets_one_task_for_a_batch(ec2, monkeypatch, django_capture_on_commit_callbacks):
    ids = running(ec2, 5)
    sent = []
    monkeypatch.setattr(advance_many_task, "apply_async", lambda args, eta: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        out = ec2("StopInstances", InstanceIds=ids)
    assert publisher.lifecycle_messages.flush()  # sent by the publisher thread
    assert [c["CurrentState"]["Name"] for c in out["StoppingInstances"]] == ["stopping"] * 5
    ((label, pks, state),) = sent
    assert (label, state) == ("ec2.Instance", "stopping") and len(pks) == 5
    assert advance_many_task.run(label, pks, state) == 5
    assert set(Instance.objects.filter(pk__in=pks).values_list("state", flat=True)) == {"stopped"}
    # A repeated task is harmless: the rows have moved on.
    assert advance_many_task.run(label, pks, state) == 0


def test_a_batch_changes_no_row_when_one_is_not_where_the_call_read_it(ec2):
    ids = running(ec2, 3)
    instances = list(Instance.objects.filter(resource_id__in=ids))
    Instance.objects.filter(pk=instances[1].pk).update(state="stopped")
    # As inside an operation: its transaction is rolled back and the call run again.
    with pytest.raises(locks.Moved), transaction.atomic():
        lifecycle.begin_many(instances, "stopping", from_states=("running",))
    assert sorted(Instance.objects.filter(resource_id__in=ids).values_list("state", flat=True)) == [
        "running", "running", "stopped"
    ]  # fmt: skip


def test_start_of_many_gives_each_a_new_public_address(ec2):
    ids = running(ec2, 5)
    ec2("StopInstances", InstanceIds=ids)
    lifecycle.settle()
    assert not NetworkInterface.objects.filter(instance_id__in=ids, public_ip__isnull=False)
    ec2("StartInstances", InstanceIds=ids)
    addresses = NetworkInterface.objects.filter(instance_id__in=ids).values_list(
        "public_ip", flat=True
    )
    assert len(set(addresses)) == 5 and all(addresses)


def test_reboot_of_many_counts_a_boot_for_each(ec2):
    ids = running(ec2, 4)
    before = dict(Instance.objects.filter(resource_id__in=ids).values_list("pk", "boot_count"))
    ec2("RebootInstances", InstanceIds=ids)
    after = dict(Instance.objects.filter(resource_id__in=ids).values_list("pk", "boot_count"))
    assert after == {pk: n + 1 for pk, n in before.items()}


def test_a_launch_sends_one_task_for_its_instances_and_one_for_its_volumes(
    ec2, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(advance_many_task, "apply_async", lambda args, eta: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        ids = launch(ec2, 7)
    assert publisher.lifecycle_messages.flush()
    assert sorted((label, state, len(pks)) for label, pks, state in sent) == [
        ("ec2.Instance", "pending", 7),
        ("ec2.VolumeAttachment", "attaching", 7),
    ]
    for args in sent:
        advance_many_task.run(*args)
    assert set(Instance.objects.filter(resource_id__in=ids).values_list("state", flat=True)) == {
        "running"
    }
