"""What every VPC model shares."""

from __future__ import annotations

from typing import ClassVar

from services.core.errors import AwsError


class NotFoundMixin:
    """`Model.not_found(id)`: the error AWS gives for an id the caller cannot see (used
    by the lookups here and by EC2's CreateTags/DeleteTags)."""

    not_found_error: ClassVar[tuple[str, str]]  # (code, message with {id})

    @classmethod
    def not_found(cls, resource_id: str) -> AwsError:
        code, message = cls.not_found_error
        return AwsError(code, message.format(id=resource_id))
