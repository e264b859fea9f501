"""Classrooms: an instructor (a Django auth user, not a sandbox account), the classroom
with its limits and assigned lab, and its students, each with a sandbox account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from services.core.sealed import SealedTextField


class Classroom(models.Model):
    """A class of students, each in a sandbox of their own, under the limits set here.
    An empty list of allowed regions, services or instance types allows all; a quota
    left empty is not limited."""

    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classrooms"
    )
    name = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    allowed_regions = models.JSONField(default=list, blank=True)
    allowed_services = models.JSONField(default=list, blank=True)  # IAM prefixes: ec2, iam
    allowed_instance_types = models.JSONField(default=list, blank=True)
    max_instances = models.PositiveIntegerField(null=True, blank=True)
    max_vcpus = models.PositiveIntegerField(null=True, blank=True)
    max_volumes = models.PositiveIntegerField(null=True, blank=True)
    max_elastic_ips = models.PositiveIntegerField(null=True, blank=True)
    session_minutes = models.PositiveIntegerField(null=True, blank=True)
    lab_slug = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Student(models.Model):
    """One student of a classroom and their sandbox account. The initial password is
    kept for the printable credentials sheet, as a classroom handout would, sealed in
    the database (services/core/sealed.py)."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="students")
    name = models.CharField(max_length=128)
    email = models.EmailField()
    account = models.OneToOneField(
        "core.Account", on_delete=models.SET_NULL, null=True, blank=True, related_name="student"
    )
    initial_password = SealedTextField(blank=True, default="")
    lab_started_at = models.DateTimeField(null=True, blank=True)
    # {"1": "2026-01-01T10:00:00+00:00"}: when each step first passed; a passed step
    # stays passed, so undoing a resource later does not take a grade away.
    passed_steps = models.JSONField(default=dict, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "email"], name="student_email_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
