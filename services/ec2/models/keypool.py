"""Key material generated ahead of CreateKeyPair (services/ec2/keypool.py).

A row belongs to no account: it is a key nobody has seen yet. CreateKeyPair takes one
and deletes it in the same transaction, so its private half lives here only until it
is handed out (EC2-11), and sealed meanwhile.
"""

from __future__ import annotations

from django.db import models

from services.core.sealed import SealedTextField


class KeyMaterial(models.Model):
    """One unused RSA 2048 or ED25519 key, ready to become a key pair."""

    key_type = models.CharField(max_length=8)  # rsa | ed25519
    private_key = SealedTextField()  # PEM, as keymaterial.Material.private_pem
    public_key = models.TextField()  # OpenSSH format, without a comment
    fingerprint = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["key_type", "id"], name="key_material_type_id")]

    def __str__(self) -> str:
        return f"{self.key_type} {self.fingerprint}"
