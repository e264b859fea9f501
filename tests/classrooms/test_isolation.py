"""Isolation: a student cannot see or touch another student's resources through any
door, even with a guessed id or ARN (GLB-03 and rule 4 of ARCHITECTURE.md)."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from services.classrooms import provisioning
from services.ec2 import ami_catalog

from .conftest import student_caller

AMI = ami_catalog.default_image().image_id("us-east-1")


@pytest.fixture
def two(classroom):
    ada, alan = list(classroom.students.all())[:2]
    volume = student_caller(ada).ec2("CreateVolume", AvailabilityZone="us-east-1a", Size=1)
    instance = student_caller(ada).ec2(
        "RunInstances", ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1
    )["Instances"][0]
    return ada, alan, volume["VolumeId"], instance["InstanceId"]


def test_operations_answer_not_found_for_another_students_ids(two):
    ada, alan, volume, instance = two
    thief = student_caller(alan)
    assert thief.error("ec2", "DescribeVolumes", VolumeIds=[volume]).code == (
        "InvalidVolume.NotFound"
    )
    assert thief.error("ec2", "TerminateInstances", InstanceIds=[instance]).code == (
        "InvalidInstanceID.NotFound"
    )
    assert thief.error("ec2", "DeleteVolume", VolumeId=volume).code == "InvalidVolume.NotFound"
    assert thief.ec2("DescribeInstances")["Reservations"] == []
    # Nothing happened to ada's instance.
    mine = student_caller(ada).ec2("DescribeInstances", InstanceIds=[instance])
    assert mine["Reservations"][0]["Instances"][0]["State"]["Name"] in ("pending", "running")


def test_rest_answers_404_for_another_students_ids(two):
    ada, alan, volume, instance = two
    sheet = provisioning.credentials(alan)
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {sheet['access_key_id']}:{sheet['secret_access_key']}"
    )
    assert client.get(f"/api/v1/ec2/volumes/{volume}/?region=us-east-1").status_code == 404
    assert client.delete(f"/api/v1/ec2/volumes/{volume}/?region=us-east-1").status_code == 404
    assert client.get(f"/api/v1/ec2/instances/{instance}/?region=us-east-1").status_code == 404
    assert student_caller(ada).ec2("DescribeVolumes", VolumeIds=[volume])["Volumes"]


def test_console_answers_404_for_another_students_ids(two):
    ada, alan, volume, instance = two
    sheet = provisioning.credentials(alan)
    client = Client()
    response = client.post(
        "/signin", {"email": sheet["sign_in_email"], "password": sheet["password"]}
    )
    assert response.status_code == 302
    for url in (f"/us-east-1/ec2/volumes/{volume}/", f"/us-east-1/ec2/instances/{instance}/"):
        response = client.get(url)
        assert response.status_code == 404, url
