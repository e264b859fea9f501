"""Key pairs: real keys, fingerprints as AWS computes them, once-only private keys."""

import base64
import hashlib
import struct

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from services.core.errors import AwsError
from services.core.models import Event
from services.ec2.models import KeyPair


def _colon(digest: bytes) -> str:
    return ":".join(f"{b:02x}" for b in digest)


def _ssh_string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def test_create_rsa_key_fingerprint_is_sha1_of_pkcs8(ec2):
    out = ec2("CreateKeyPair", KeyName="lab-key")
    pem = out["KeyMaterial"]
    assert pem.startswith("-----BEGIN RSA PRIVATE KEY-----")
    private = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey) and private.key_size == 2048
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert out["KeyFingerprint"] == _colon(hashlib.sha1(der).digest())
    assert out["KeyPairId"].startswith("key-")


def test_create_ed25519_key_fingerprint_is_base64_sha256(ec2):
    out = ec2("CreateKeyPair", KeyName="ed-key", KeyType="ed25519")
    assert out["KeyMaterial"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    private = serialization.load_ssh_private_key(out["KeyMaterial"].encode(), password=None)
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    blob = _ssh_string(b"ssh-ed25519") + _ssh_string(raw)
    assert out["KeyFingerprint"] == base64.b64encode(hashlib.sha256(blob).digest()).decode()
    (info,) = ec2("DescribeKeyPairs", KeyNames=["ed-key"], IncludePublicKey=True)["KeyPairs"]
    assert info["KeyType"] == "ed25519"
    assert info["PublicKey"].startswith("ssh-ed25519 ") and info["PublicKey"].endswith(" ed-key")


def test_ec2_11_private_key_is_given_once(ec2):
    out = ec2("CreateKeyPair", KeyName="once")
    material = out["KeyMaterial"]
    body = material.splitlines()[5]
    row = KeyPair.objects.get(key_name="once")
    stored = " ".join(str(v) for v in row.__dict__.values())
    assert body not in stored
    event = Event.objects.get(event_name="CreateKeyPair")
    assert body not in str(event.__dict__)
    (info,) = ec2("DescribeKeyPairs", KeyNames=["once"])["KeyPairs"]
    assert "KeyMaterial" not in info and info["KeyFingerprint"] == out["KeyFingerprint"]


def test_ppk_format(ec2):
    out = ec2("CreateKeyPair", KeyName="putty", KeyFormat="ppk")
    lines = out["KeyMaterial"].splitlines()
    assert lines[0] == "PuTTY-User-Key-File-2: ssh-rsa"
    assert lines[2] == "Comment: putty" and lines[-1].startswith("Private-MAC: ")


def test_import_rsa_fingerprint_is_md5_of_public_der(ec2):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key()
    openssh = public.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    out = ec2("ImportKeyPair", KeyName="mine", PublicKeyMaterial=openssh + b" me@laptop")
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert out["KeyFingerprint"] == _colon(hashlib.md5(der).digest())
    (info,) = ec2("DescribeKeyPairs", KeyPairIds=[out["KeyPairId"]])["KeyPairs"]
    assert info["KeyType"] == "rsa"


def test_import_ed25519_and_rfc4716(ec2):
    private = ed25519.Ed25519PrivateKey.generate()
    openssh = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    blob = base64.b64decode(openssh.split()[1])
    rfc4716 = (
        "---- BEGIN SSH2 PUBLIC KEY ----\n"
        'Comment: "256-bit ED25519, converted"\n'
        f"{base64.b64encode(blob).decode()}\n"
        "---- END SSH2 PUBLIC KEY ----\n"
    )
    out = ec2("ImportKeyPair", KeyName="ed-import", PublicKeyMaterial=rfc4716)
    assert out["KeyFingerprint"] == base64.b64encode(hashlib.sha256(blob).digest()).decode()


def test_bad_public_keys_change_nothing(ec2):
    for material in ("not a key", "ssh-rsa AAAAnotbase64!!", "ssh-dss AAAAB3NzaC1kc3MAAACBAP"):
        with pytest.raises(AwsError) as err:
            ec2("ImportKeyPair", KeyName="bad", PublicKeyMaterial=material)
        assert err.value.code == "InvalidKey.Format"
    assert not KeyPair.objects.exists()


def test_duplicates_delete_and_isolation(ec2, other_ec2):
    ec2("CreateKeyPair", KeyName="dup")
    with pytest.raises(AwsError) as err:
        ec2("CreateKeyPair", KeyName="dup")
    assert err.value.code == "InvalidKeyPair.Duplicate"
    assert KeyPair.objects.filter(key_name="dup").count() == 1
    # Another account and another region may use the same name.
    other_ec2("CreateKeyPair", KeyName="dup")
    ec2.region("eu-west-1")("CreateKeyPair", KeyName="dup")
    assert len(ec2("DescribeKeyPairs")["KeyPairs"]) == 1
    with pytest.raises(AwsError) as err:
        other_ec2("DescribeKeyPairs", KeyNames=["nope"])
    assert err.value.code == "InvalidKeyPair.NotFound"

    deleted = ec2("DeleteKeyPair", KeyName="dup")
    assert deleted["Return"] is True and deleted["KeyPairId"].startswith("key-")
    assert ec2("DeleteKeyPair", KeyName="dup") == {"Return": True}  # idempotent, as AWS
    assert ec2("DescribeKeyPairs")["KeyPairs"] == []
    assert len(other_ec2("DescribeKeyPairs")["KeyPairs"]) == 1


def test_filters_and_tags(ec2):
    ec2(
        "CreateKeyPair",
        KeyName="tagged",
        KeyType="ed25519",
        TagSpecifications=[{"ResourceType": "key-pair", "Tags": [{"Key": "env", "Value": "lab"}]}],
    )
    ec2("CreateKeyPair", KeyName="plain")
    out = ec2("DescribeKeyPairs", Filters=[{"Name": "tag:env", "Values": ["lab"]}])
    assert [k["KeyName"] for k in out["KeyPairs"]] == ["tagged"]
    out = ec2("DescribeKeyPairs", Filters=[{"Name": "key-type", "Values": ["rsa"]}])
    assert [k["KeyName"] for k in out["KeyPairs"]] == ["plain"]
