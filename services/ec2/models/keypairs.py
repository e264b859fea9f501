"""Key pairs: the public half of an SSH key; the private half is never stored (EC2-11)."""

from __future__ import annotations

from django.db import models

from services.core.errors import AwsError
from services.core.models import Resource
from services.ec2 import errors


class KeyPair(Resource):
    """An RSA or ED25519 key pair known by name in one region of one account."""

    id_prefix = "key"
    arn_format = "arn:aws:ec2:{region}:{account}:key-pair/{id}"
    cloudformation_type = "AWS::EC2::KeyPair"

    key_name = models.CharField(max_length=255)
    key_type = models.CharField(max_length=8, default="rsa")  # rsa | ed25519
    fingerprint = models.CharField(max_length=128)
    public_key = models.TextField()  # OpenSSH format: "ssh-rsa AAAA... name"
    imported = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "region", "key_name"], name="key_pair_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.key_name

    @classmethod
    def not_found(cls, name: str) -> AwsError:
        return errors.InvalidKeyPairNotFound(f"The key pair '{name}' does not exist")

    def describe(self, *, include_public_key: bool = False) -> dict:
        """The EC2 `KeyPairInfo` shape."""
        data = {
            "KeyPairId": self.resource_id,
            "KeyType": self.key_type,
            "KeyName": self.key_name,
            "KeyFingerprint": self.fingerprint,
            "CreateTime": self.created_at,
            "Tags": self.tag_list(),
        }
        if include_public_key:
            data["PublicKey"] = self.public_key
        return data
