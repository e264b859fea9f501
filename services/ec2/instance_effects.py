"""What happens when the lifecycle worker moves an instance into a state: boots are
counted, the public IP goes on stop (EC2-04), and on termination the primary interface
and the delete-on-termination volumes go with the instance (EC2-13, EBS-03)."""

from __future__ import annotations

from django.utils import timezone

from services.core import locks
from services.ec2 import state_events
from services.ec2.models import Instance, Volume, VolumeAttachment
from services.ec2.models.instances import GONE
from services.vpc import network


def entered(instance: Instance, state: str) -> None:
    now = timezone.now()
    if state != GONE:
        state_events.changed([instance], state)
    if state == "running":
        Instance.objects.filter(pk=instance.pk).update(
            boot_count=instance.boot_count + 1,
            last_boot_at=now,
            state_reason_code="",
            state_reason_message="",
            state_transition_reason="",
        )
    elif state == "stopped":
        if instance.eni is not None:
            network.release_public_ip(instance.eni)
    elif state == "terminated":
        release_resources(instance)
    elif state == GONE:
        instance.delete()


def release_resources(instance: Instance) -> None:
    """Detach and delete what a terminated instance held, locking in the order of
    services.core.locks (the instance is locked by the transition): its interface, then
    its volumes, then their attachments, as DetachVolume locks them."""
    eni = instance.eni
    if eni is not None:
        Instance.objects.filter(pk=instance.pk).update(primary_network_interface=None)
        instance.primary_network_interface = None
        network.detach_network_interface(eni)
        network.delete_network_interface(eni)
    held = VolumeAttachment.objects.filter(instance=instance)
    volumes = {v.pk: v for v in locks.rows(Volume.objects.filter(pk__in=held.values("volume_id")))}
    for attachment in locks.rows(held):
        volume = volumes[attachment.volume_id]
        delete = attachment.delete_on_termination
        attachment.delete()
        if delete:
            volume.begin("deleting")
        elif not VolumeAttachment.objects.filter(volume=volume).exists():
            Volume.objects.filter(pk=volume.pk, state="in-use").update(state="available")
