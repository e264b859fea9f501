"""S3 held in PostgreSQL: buckets, object versions, multipart uploads and restores.

Object bytes are not here: each version's body is a file under the home folder
(services/s3/storage.py); a row names its file. Keys use the "C" collation so that
PostgreSQL orders them as S3 lists them, by UTF-8 bytes.
"""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django.db import models
from django.utils import timezone

from services.core import locks
from services.core.errors import AwsError
from services.core.lifecycle import Lifecycle, LifecycleResource


def canonical_user_id(account_id: str) -> str:
    """The 64-hex canonical user id S3 shows as an owner's ID, stable per account."""
    return hashlib.sha256(f"stratolab-s3-owner:{account_id}".encode()).hexdigest()


class Bucket(LifecycleResource):
    """A bucket: a globally unique name (S3-01) in one region, owned by one account.

    The lifecycle engine runs its lifecycle rules: a bucket with work due at some time
    is `rules-due` until then, and the sweep moves it back to `active` applying them.
    """

    arn_format = "arn:aws:s3:::{id}"
    # Bucket names are the ids (S3-01's rules give the shape of a valid one).
    id_pattern: ClassVar[str] = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
    id_example: ClassVar[str] = "amzn-s3-demo-bucket"
    cloudformation_type = "AWS::S3::Bucket"
    regional = False  # listed from every region, each bucket still in its own
    lifecycle = Lifecycle("s3.bucket", {"rules-due": "active"})

    versioning = models.CharField(max_length=16, blank=True, default="")  # Enabled/Suspended
    mfa_delete = models.CharField(max_length=16, blank=True, default="")
    object_ownership = models.CharField(max_length=32, default="BucketOwnerEnforced")
    acl = models.JSONField(default=list, blank=True)  # extra grants beyond the owner's
    policy = models.TextField(blank=True, default="")
    # None: no configuration (nothing blocked); new buckets get all four on (S3-03).
    public_access_block = models.JSONField(null=True, blank=True)
    encryption = models.JSONField(null=True, blank=True)
    cors = models.JSONField(null=True, blank=True)
    website = models.JSONField(null=True, blank=True)
    lifecycle_rules = models.JSONField(null=True, blank=True)
    notification = models.JSONField(default=dict, blank=True)

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.resource_id

    @property
    def is_transitional(self) -> bool:
        # A scheduled lifecycle run is not something the console waits for.
        return False

    @classmethod
    def rest_not_found(cls, resource_id: str, region: str) -> AwsError:
        """The REST door's answer for a bucket that is not there: S3's own words."""
        from services.s3.errors import no_such_bucket

        return no_such_bucket(resource_id)

    def describe(self) -> dict:
        """The bucket as ListBuckets describes it (the REST door's fields)."""
        return {
            "Name": self.name,
            "BucketRegion": self.region,
            "CreationDate": self.created_at,
            "BucketArn": self.arn,
        }

    def on_enter(self, state: str) -> None:
        if state == "active":
            from services.s3.lifecycle import run_rules

            run_rules(self)


class ObjectVersion(models.Model):
    """One version of one key (S3-04). Unversioned buckets hold the "null" version;
    a delete marker is a version without a body."""

    bucket = models.ForeignKey(Bucket, on_delete=models.CASCADE, related_name="versions")
    key = models.TextField(db_collation="C")
    version_id = models.CharField(max_length=64, default="null")
    is_latest = models.BooleanField(default=True)
    is_delete_marker = models.BooleanField(default=False)
    size = models.BigIntegerField(default=0)
    etag = models.CharField(max_length=64, blank=True, default="")  # without quotes
    blob = models.CharField(max_length=128, blank=True, default="")  # file under HOME/s3
    last_modified = models.DateTimeField(default=timezone.now)
    owner_account = models.CharField(max_length=12)
    storage_class = models.CharField(max_length=32, default="STANDARD")
    # S3 keeps any value that fits in its 8 KB header section: no narrower column.
    content_type = models.TextField(blank=True, default="")
    content_encoding = models.TextField(blank=True, default="")
    content_disposition = models.TextField(blank=True, default="")
    content_language = models.TextField(blank=True, default="")
    cache_control = models.TextField(blank=True, default="")
    expires = models.DateTimeField(null=True, blank=True)
    website_redirect = models.TextField(blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)  # x-amz-meta-*
    tags = models.JSONField(default=dict, blank=True)
    acl = models.JSONField(default=list, blank=True)
    sse_algorithm = models.CharField(max_length=16, blank=True, default="")
    kms_key_id = models.CharField(max_length=256, blank=True, default="")
    bucket_key_enabled = models.BooleanField(default=False)
    checksums = models.JSONField(default=dict, blank=True)  # {"CRC32": "base64"}
    parts_count = models.PositiveIntegerField(null=True, blank=True)
    part_sizes = models.JSONField(default=list, blank=True)  # multipart: each part's size
    # Glacier restores: a temporary copy is readable until restore_expiry.
    restore_ongoing = models.BooleanField(default=False)
    restore_expiry = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "key", "version_id"], name="s3_one_version_id_per_key"
            ),
            models.UniqueConstraint(
                fields=["bucket", "key"],
                condition=models.Q(is_latest=True),
                name="s3_one_latest_per_key",
            ),
        ]
        indexes = [models.Index(fields=["bucket", "is_latest", "key"], name="s3_latest_keys")]

    def __str__(self) -> str:
        return f"{self.bucket_id}:{self.key}@{self.version_id}"

    @property
    def quoted_etag(self) -> str:
        return f'"{self.etag}"'

    @property
    def is_archived(self) -> bool:
        """Glacier Flexible Retrieval and Deep Archive need a restore before a GET."""
        return self.storage_class in ("GLACIER", "DEEP_ARCHIVE")

    @property
    def is_restored(self) -> bool:
        return bool(self.restore_expiry and self.restore_expiry > timezone.now())


class MultipartUpload(models.Model):
    """An upload in progress: parts arrive one by one, Complete assembles them."""

    bucket = models.ForeignKey(Bucket, on_delete=models.CASCADE, related_name="uploads")
    key = models.TextField(db_collation="C")
    upload_id = models.CharField(max_length=128, unique=True)
    initiated = models.DateTimeField(default=timezone.now)
    owner_account = models.CharField(max_length=12)
    storage_class = models.CharField(max_length=32, default="STANDARD")
    # What CreateMultipartUpload said about the object-to-be (content type, metadata, ...).
    attributes = models.JSONField(default=dict, blank=True)
    checksum_algorithm = models.CharField(max_length=16, blank=True, default="")

    def __str__(self) -> str:
        return self.upload_id


class UploadPart(models.Model):
    upload = models.ForeignKey(MultipartUpload, on_delete=models.CASCADE, related_name="parts")
    part_number = models.PositiveIntegerField()
    etag = models.CharField(max_length=64)
    size = models.BigIntegerField()
    blob = models.CharField(max_length=128)
    last_modified = models.DateTimeField(default=timezone.now)
    checksums = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["upload", "part_number"], name="s3_one_part_number")
        ]

    def __str__(self) -> str:
        return f"{self.upload_id}#{self.part_number}"


class ObjectRestore(LifecycleResource):
    """A Glacier restore: in-progress -> restored (a readable copy for `days`) ->
    expired. The lifecycle engine moves it; the tier sets how long it takes."""

    id_prefix = "s3restore"
    cloudformation_type = ""
    lifecycle = Lifecycle("s3.restore", {"in-progress": "restored", "restored": "expired"})
    transitional_states = frozenset({"in-progress"})

    version = models.ForeignKey(ObjectVersion, on_delete=models.CASCADE, related_name="restores")
    tier = models.CharField(max_length=16, default="Standard")
    days = models.PositiveIntegerField(default=1)

    def on_enter(self, state: str) -> None:
        from services.s3.restore import restore_entered

        restore_entered(self, state)


# Lock order (services.core.locks): S3 keeps to its own rows.
locks.declare("s3.Bucket", "s3.MultipartUpload")
