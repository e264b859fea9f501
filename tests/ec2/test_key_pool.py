"""CreateKeyPair takes key material made ahead by the worker (services/ec2/keypool.py),
through unmodified boto3 against the live server (tests/ec2/conftest.py); with the pool
empty it still works."""

from __future__ import annotations

import base64
import hashlib
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.config import Config
from cryptography.hazmat.primitives import serialization
from django.db import connection, transaction

from services.classrooms import reset
from services.core.models import Account
from services.ec2 import keypool
from services.ec2.models import KeyMaterial, KeyPair
from services.ec2.tasks import refill_key_pool


def _client(student, read_timeout: int = 60):
    return boto3.client(
        "ec2",
        region_name="us-east-1",
        endpoint_url=student.endpoint,
        aws_access_key_id=student.access_key_id,
        aws_secret_access_key=student.secret_access_key,
        config=Config(retries={"max_attempts": 1}, read_timeout=read_timeout),
    )


def _rsa_fingerprint(pem: str) -> str:
    """What AWS shows for a key it created: SHA-1 of the private key as PKCS#8 DER."""
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return ":".join(f"{b:02x}" for b in hashlib.sha1(der, usedforsecurity=False).digest())


def _ed25519_fingerprint(pem: str) -> str:
    key = serialization.load_ssh_private_key(pem.encode(), password=None)
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    blob = base64.b64decode(public.split()[1])
    return base64.b64encode(hashlib.sha256(blob).digest()).decode()


def _pool(key_type: str) -> set[str]:
    return set(KeyMaterial.objects.filter(key_type=key_type).values_list("fingerprint", flat=True))


@pytest.fixture
def small_pool(settings):
    settings.STRATOLAB_KEY_POOL_SIZE = 3
    return settings


def test_create_key_pair_takes_a_pooled_rsa_key(student, small_pool):
    keypool.refill()
    before = _pool("rsa")
    assert len(before) == 3
    out = _client(student).create_key_pair(KeyName="lab")
    assert out["KeyMaterial"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert out["KeyFingerprint"] in before
    assert _pool("rsa") == before - {out["KeyFingerprint"]}  # the pool shrank by that key
    assert _rsa_fingerprint(out["KeyMaterial"]) == out["KeyFingerprint"]
    described = _client(student).describe_key_pairs(KeyNames=["lab"], IncludePublicKey=True)
    (pair,) = described["KeyPairs"]
    assert pair["KeyFingerprint"] == out["KeyFingerprint"] and pair["KeyType"] == "rsa"
    assert pair["PublicKey"].startswith("ssh-rsa ") and pair["PublicKey"].endswith(" lab")


def test_create_key_pair_takes_a_pooled_ed25519_key_as_ppk(student, small_pool):
    keypool.refill()
    before = _pool("ed25519")
    out = _client(student).create_key_pair(KeyName="putty", KeyType="ed25519", KeyFormat="ppk")
    assert out["KeyFingerprint"] in before and len(_pool("ed25519")) == 2
    lines = out["KeyMaterial"].splitlines()
    assert lines[:3] == [
        "PuTTY-User-Key-File-2: ssh-ed25519",
        "Encryption: none",
        "Comment: putty",
    ]
    public_blob = base64.b64decode("".join(lines[4 : 4 + int(lines[3].split(": ")[1])]))
    assert (
        base64.b64encode(hashlib.sha256(public_blob).digest()).decode() == (out["KeyFingerprint"])
    )


def test_concurrent_creates_never_share_material(student, small_pool):
    small_pool.STRATOLAB_KEY_POOL_SIZE = 4
    keypool.refill()
    pooled = _pool("rsa")
    ec2 = _client(student)
    with ThreadPoolExecutor(8) as pool:
        outs = list(pool.map(lambda n: ec2.create_key_pair(KeyName=f"k{n}"), range(8)))
    materials = {o["KeyMaterial"] for o in outs}
    fingerprints = {o["KeyFingerprint"] for o in outs}
    assert len(materials) == len(fingerprints) == 8
    assert pooled <= fingerprints  # the 4 pooled ones went, each once; 4 were made inline
    assert not _pool("rsa")
    assert KeyPair.objects.filter(account_id=student.account_id).count() == 8


def test_a_locked_pooled_key_is_skipped_not_waited_for(student, small_pool):
    small_pool.STRATOLAB_KEY_POOL_SIZE = 2
    keypool.refill()
    first, second = KeyMaterial.objects.filter(key_type="rsa").order_by("pk")
    with transaction.atomic():  # another CreateKeyPair holding `first`, uncommitted
        KeyMaterial.objects.select_for_update().get(pk=first.pk)
        out = _client(student, read_timeout=20).create_key_pair(KeyName="skip")
        assert out["KeyFingerprint"] == second.fingerprint
    assert _pool("rsa") == {first.fingerprint}


def test_an_empty_pool_still_creates_keys(student):
    assert not KeyMaterial.objects.exists()
    ec2 = _client(student)
    rsa = ec2.create_key_pair(KeyName="inline")
    assert _rsa_fingerprint(rsa["KeyMaterial"]) == rsa["KeyFingerprint"]
    ed = ec2.create_key_pair(KeyName="inline-ed", KeyType="ed25519")
    assert ed["KeyMaterial"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert _ed25519_fingerprint(ed["KeyMaterial"]) == ed["KeyFingerprint"]
    assert not KeyMaterial.objects.exists()


def test_a_duplicate_name_takes_nothing_from_the_pool(student, small_pool):
    keypool.refill()
    ec2 = _client(student)
    ec2.create_key_pair(KeyName="twice")
    before = _pool("rsa")
    with pytest.raises(ec2.exceptions.ClientError) as error:
        ec2.create_key_pair(KeyName="twice")
    assert error.value.response["Error"]["Code"] == "InvalidKeyPair.Duplicate"
    assert _pool("rsa") == before


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_take_puts_the_key_back(small_pool):
    keypool.refill()
    before = _pool("rsa")
    with pytest.raises(RuntimeError), transaction.atomic():
        taken = keypool.take("rsa")
        assert taken.fingerprint in before
        raise RuntimeError("the call failed after taking its key")
    assert _pool("rsa") == before


@pytest.mark.django_db(transaction=True)
def test_a_key_sealed_under_a_lost_secret_key_is_dropped_not_handed_out(small_pool):
    small_pool.STRATOLAB_KEY_POOL_SIZE = 1
    keypool.refill()
    good = KeyMaterial.objects.get(key_type="rsa")
    lost = KeyMaterial.objects.create(
        key_type="rsa", private_key="x", public_key=good.public_key, fingerprint="lost"
    )
    with connection.cursor() as cursor:  # what a SECRET_KEY without its fallback leaves
        table = KeyMaterial._meta.db_table
        cursor.execute(f"UPDATE {table} SET private_key = 'gAAAA-no' WHERE id = %s", [lost.pk])
        cursor.execute(f"UPDATE {table} SET id = %s WHERE id = %s", [good.pk - 1, lost.pk])
    with transaction.atomic():
        taken = keypool.take("rsa")
    assert taken.fingerprint == good.fingerprint
    assert not KeyMaterial.objects.filter(key_type="rsa").exists()


@pytest.mark.django_db(transaction=True)
def test_the_refill_task_fills_the_pool_sealed(small_pool):
    assert refill_key_pool.apply().get() == 6
    assert len(_pool("rsa")) == len(_pool("ed25519")) == 3
    assert refill_key_pool.apply().get() == 0  # full: nothing to do
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT private_key FROM {KeyMaterial._meta.db_table}")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and not any("PRIVATE KEY" in value for value in stored)
    row = KeyMaterial.objects.filter(key_type="rsa").first()
    assert _rsa_fingerprint(row.private_key) == row.fingerprint


def test_a_classroom_reset_leaves_the_pool_alone(student, small_pool):
    keypool.refill()
    before = _pool("rsa") | _pool("ed25519")
    _client(student).create_key_pair(KeyName="mine")
    reset.reset(Account.objects.get(pk=student.account_id))
    assert not KeyPair.objects.filter(account_id=student.account_id).exists()
    assert len(before - (_pool("rsa") | _pool("ed25519"))) == 1  # only the one taken


def test_pool_keys_are_made_at_the_lowest_cpu_priority(monkeypatch) -> None:
    # Issue 14: refilling the pool while a class works must not take the cores from the
    # web requests, so the keys are made in a thread of niceness 19; this thread keeps
    # its own.
    import os
    import threading

    from services.ec2 import keymaterial

    seen: list[int] = []
    make = keymaterial.make

    def watched(key_type: str) -> keymaterial.Material:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return make(key_type)

    monkeypatch.setattr(keymaterial, "make", watched)
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    made = keypool.make_quietly("ed25519", 2)
    assert [m.key_type for m in made] == ["ed25519", "ed25519"]
    assert seen == [19, 19]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before

    def broken(key_type: str) -> keymaterial.Material:
        raise ValueError("no entropy")

    monkeypatch.setattr(keymaterial, "make", broken)
    with pytest.raises(ValueError, match="no entropy"):  # a failure reaches the caller
        keypool.make_quietly("rsa", 1)
