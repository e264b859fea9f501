"""Real SSH keys for key pairs: generating them, reading imported public keys, and
fingerprints computed the way AWS computes them.

- Created RSA keys: SHA-1 of the private key as PKCS#8 DER, colon-separated hex
  (`openssl pkcs8 -in key.pem -inform PEM -outform DER -topk8 -nocrypt | openssl sha1 -c`).
- Imported RSA keys: MD5 of the public key as DER (RFC 4716 section 4).
- ED25519 keys, created or imported: base64 SHA-256 of the SSH public key blob, as
  OpenSSH prints it (ssh-keygen -l), with base64 padding.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import struct
from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from services.ec2 import errors

RSA_SIZES = (1024, 2048, 4096)  # what ImportKeyPair accepts
_INVALID = "Key is not in valid OpenSSH public key format"


@dataclass(frozen=True)
class NewKey:
    """A freshly generated key: the material is handed out once and never stored."""

    key_type: str
    material: str  # PEM or PPK text
    public_openssh: str
    fingerprint: str


@dataclass(frozen=True)
class PublicKey:
    key_type: str
    public_openssh: str
    fingerprint: str


def colon_hex(digest: bytes) -> str:
    return ":".join(f"{b:02x}" for b in digest)


def _sha256_b64(blob: bytes) -> str:
    return base64.b64encode(hashlib.sha256(blob).digest()).decode()


def _ssh_blob(openssh: bytes) -> bytes:
    return base64.b64decode(openssh.split()[1])


@dataclass(frozen=True)
class Material:
    """A generated key before it has a name: what the key pool keeps (sealed)."""

    key_type: str
    private_pem: str  # RSA: "BEGIN RSA PRIVATE KEY"; ED25519: "BEGIN OPENSSH PRIVATE KEY"
    public_openssh: str  # "ssh-rsa AAAA..." without a comment
    fingerprint: str


def make(key_type: str) -> Material:
    """A new RSA 2048 or ED25519 key (RSA: about 150 ms of CPU, see keypool.py)."""
    if key_type == "ed25519":
        private = ed25519.Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
        public = private.public_key().public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
        fingerprint = _sha256_b64(_ssh_blob(public))
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        # AWS hands out RSA keys in the traditional "BEGIN RSA PRIVATE KEY" form.
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        pkcs8 = private.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        public = private.public_key().public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
        fingerprint = colon_hex(hashlib.sha1(pkcs8, usedforsecurity=False).digest())
    return Material(key_type, pem.decode().rstrip("\n"), public.decode(), fingerprint)


def render(material: Material, key_format: str, comment: str) -> NewKey:
    """`material` handed out as the key pair `comment`, in `key_format` (pem or ppk)."""
    if key_format == "ppk":
        data = material.private_pem.encode()
        if material.key_type == "ed25519":
            private = serialization.load_ssh_private_key(data, password=None)
        else:
            # Our own key, checked when it was made: skip the costly RSA consistency check.
            private = serialization.load_pem_private_key(
                data, password=None, unsafe_skip_rsa_key_validation=True
            )
        text = ppk(private, comment)
    else:
        text = material.private_pem
    public = f"{material.public_openssh} {comment}"
    return NewKey(material.key_type, text, public, material.fingerprint)


def generate(key_type: str, key_format: str, comment: str) -> NewKey:
    """A new RSA 2048 or ED25519 key pair; `key_format` is pem or ppk."""
    return render(make(key_type), key_format, comment)


def _openssh_text(material: bytes | str) -> bytes:
    """The public key as OpenSSH text, from OpenSSH, RFC 4716 or base64 of either."""
    data = material.encode() if isinstance(material, str) else bytes(material)
    data = data.strip()
    if not data.startswith((b"ssh-", b"ecdsa-", b"---- BEGIN")):
        try:  # the REST door and some clients send the blob base64-encoded
            decoded = base64.b64decode(data, validate=True).strip()
        except (binascii.Error, ValueError):
            decoded = b""
        if decoded.startswith((b"ssh-", b"ecdsa-", b"---- BEGIN")):
            data = decoded
    if data.startswith(b"---- BEGIN SSH2 PUBLIC KEY ----"):
        lines = [
            line.strip()
            for line in data.splitlines()[1:]
            if line.strip() and not line.startswith(b"----")
        ]
        # Header lines ("Comment: ...") may continue with a backslash; drop them.
        body = b"".join(line for line in lines if b":" not in line)
        try:
            blob = base64.b64decode(body, validate=True)
            (length,) = struct.unpack(">I", blob[:4])
            algorithm = blob[4 : 4 + length]
        except (binascii.Error, ValueError, struct.error) as exc:
            raise errors.InvalidKeyFormat(_INVALID) from exc
        return algorithm + b" " + base64.b64encode(blob)
    return data


def parse_public(material: bytes | str) -> PublicKey:
    """An imported public key (ImportKeyPair), or InvalidKey.Format."""
    text = _openssh_text(material)
    parts = text.split()
    if len(parts) < 2 or parts[0] not in (b"ssh-rsa", b"ssh-ed25519"):
        raise errors.InvalidKeyFormat(_INVALID)
    try:
        key = serialization.load_ssh_public_key(b" ".join(parts[:2]))
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise errors.InvalidKeyFormat(_INVALID) from exc
    openssh = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    comment = b" ".join(parts[2:]).decode(errors="replace")
    public_text = openssh.decode() + (f" {comment}" if comment else "")
    if isinstance(key, ed25519.Ed25519PublicKey):
        return PublicKey("ed25519", public_text, _sha256_b64(_ssh_blob(openssh)))
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size not in RSA_SIZES:
            raise errors.InvalidKeyFormat(
                f"Invalid RSA key length {key.key_size}. Supported lengths are 1024, 2048 and 4096."
            )
        der = key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        digest = hashlib.md5(der, usedforsecurity=False).digest()
        return PublicKey("rsa", public_text, colon_hex(digest))
    raise errors.InvalidKeyFormat(_INVALID)


# --- PuTTY's .ppk format (version 2, unencrypted), for KeyFormat=ppk ------------------


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _mpint(n: int) -> bytes:
    raw = n.to_bytes((n.bit_length() + 8) // 8, "big") if n else b""
    return _string(raw)


def _lines(data: bytes) -> list[str]:
    text = base64.b64encode(data).decode()
    return [text[i : i + 64] for i in range(0, len(text), 64)]


def ppk(private: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey, comment: str) -> str:
    """The private key as a PuTTY-User-Key-File-2 with no passphrase."""
    public_openssh = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    algorithm = public_openssh.split()[0]
    public_blob = _ssh_blob(public_openssh)
    if isinstance(private, rsa.RSAPrivateKey):
        numbers = private.private_numbers()
        private_blob = (
            _mpint(numbers.d) + _mpint(numbers.p) + _mpint(numbers.q) + _mpint(numbers.iqmp)
        )
    else:
        raw = private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        private_blob = _string(raw)
    mac_key = hashlib.sha1(b"putty-private-key-file-mac-key", usedforsecurity=False).digest()
    mac_data = (
        _string(algorithm)
        + _string(b"none")
        + _string(comment.encode())
        + _string(public_blob)
        + _string(private_blob)
    )
    mac = hmac.new(mac_key, mac_data, hashlib.sha1).hexdigest()
    public_lines, private_lines = _lines(public_blob), _lines(private_blob)
    out = [
        f"PuTTY-User-Key-File-2: {algorithm.decode()}",
        "Encryption: none",
        f"Comment: {comment}",
        f"Public-Lines: {len(public_lines)}",
        *public_lines,
        f"Private-Lines: {len(private_lines)}",
        *private_lines,
        f"Private-MAC: {mac}",
    ]
    return "\n".join(out)


def valid_name(name: str) -> bool:
    return bool(name) and len(name) <= 255 and bool(re.fullmatch(r"[\x20-\x7e]+", name))
