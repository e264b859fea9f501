"""Issue 11, "Also": access-key secrets (root, IAM users, STS temporary credentials) are
not in the database in plain text, only sealed under SECRET_KEY, and the AWS CLI and
boto3 still sign in with them; the migration seals the rows that were there before."""

from __future__ import annotations

import importlib

from django.db import connection

from services.core import sealed
from services.core.models import AccessKey
from services.iam.models import TemporaryCredential


def column(table: str, column: str, key_column: str, key: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {key_column} = %s", [key])
        return cursor.fetchone()[0]


def key_column(key_id: str) -> str:
    return column("core_accesskey", "secret_access_key", "access_key_id", key_id)


def test_the_cli_signs_in_with_a_root_key_whose_secret_is_sealed(student) -> None:
    stored = key_column(student.access_key_id)
    assert student.secret_access_key not in stored
    assert sealed.unseal(stored) == student.secret_access_key
    done = student.cli("sts", "get-caller-identity")
    assert done.returncode == 0, done.stderr
    assert done.data["Account"] == student.account_id
    # A wrong secret is still refused (the sealed text is no secret either).
    wrong = student.cli("sts", "get-caller-identity", secret=stored[:40])
    assert wrong.returncode != 0 and "SignatureDoesNotMatch" in wrong.stderr


def test_iam_user_and_temporary_secrets_are_sealed_and_still_sign(student) -> None:
    iam = student.client("iam")
    iam.create_user(UserName="alice")
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    assert key["SecretAccessKey"] not in key_column(key["AccessKeyId"])
    sts = student.client("sts", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"].endswith(":user/alice")

    temp = student.client("sts").get_session_token()["Credentials"]
    stored = column(
        "iam_temporarycredential", "secret_access_key", "access_key_id", temp["AccessKeyId"]
    )
    assert temp["SecretAccessKey"] not in stored
    assert sealed.unseal(stored) == temp["SecretAccessKey"]
    ec2 = student.client(
        "ec2", key_id=temp["AccessKeyId"], secret=temp["SecretAccessKey"],
        aws_session_token=temp["SessionToken"],
    )  # fmt: skip
    assert ec2.describe_volumes()["Volumes"] == []


def test_the_rest_api_token_still_works(account, client) -> None:
    key = account.access_keys.get()
    token = f"Token {key.access_key_id}:{key.secret_access_key}"
    assert client.get("/api/v1/ec2/volumes/", HTTP_AUTHORIZATION=token).status_code == 200
    wrong = f"Token {key.access_key_id}:{key_column(key.access_key_id)}"
    assert client.get("/api/v1/ec2/volumes/", HTTP_AUTHORIZATION=wrong).status_code == 401


def test_the_migration_seals_secrets_stored_in_plain_text(account) -> None:
    key = account.access_keys.get()
    plain = key.secret_access_key
    with connection.cursor() as cursor:  # as the rows were before the migration
        cursor.execute(
            "UPDATE core_accesskey SET secret_access_key = %s WHERE access_key_id = %s",
            [plain, key.access_key_id],
        )
    migration = importlib.import_module("services.core.migrations.0003_seal_access_key_secrets")
    with connection.schema_editor() as editor:
        migration.seal(None, editor)
    stored = key_column(key.access_key_id)
    assert plain not in stored and sealed.unseal(stored) == plain
    assert AccessKey.objects.get(pk=key.pk).secret_access_key == plain
    with connection.schema_editor() as editor:  # twice: nothing sealed twice
        migration.seal(None, editor)
    assert AccessKey.objects.get(pk=key.pk).secret_access_key == plain
    with connection.schema_editor() as editor:  # and back
        migration.unseal(None, editor)
    assert key_column(key.access_key_id) == plain


def test_the_temporary_credentials_migration_seals_them_too(iam) -> None:
    creds = iam("GetSessionToken", service="sts")["Credentials"]
    row = TemporaryCredential.objects.get(pk=creds["AccessKeyId"])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE iam_temporarycredential SET secret_access_key = %s WHERE access_key_id = %s",
            [creds["SecretAccessKey"], row.pk],
        )
    migration = importlib.import_module("services.iam.migrations.0002_seal_temporary_secrets")
    with connection.schema_editor() as editor:
        migration.seal(None, editor)
    stored = column("iam_temporarycredential", "secret_access_key", "access_key_id", row.pk)
    assert creds["SecretAccessKey"] not in stored
    assert TemporaryCredential.objects.get(pk=row.pk).secret_access_key == creds["SecretAccessKey"]


def test_a_rotated_secret_key_still_opens_with_the_old_one_as_fallback(account, settings) -> None:
    key = account.access_keys.get()
    plain = key.secret_access_key
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a new key " * 6, [settings.SECRET_KEY]
    assert AccessKey.objects.get(pk=key.pk).secret_access_key == plain
    # Without the old key the secret is lost, and no one signs with a guessable one.
    settings.SECRET_KEY_FALLBACKS = []
    lost = AccessKey.objects.get(pk=key.pk).secret_access_key
    assert lost not in (plain, "") and len(lost) >= 40


def test_virtual_mfa_seeds_are_sealed_too(iam) -> None:
    """A copy of the database must not give away the codes of anyone's MFA device."""
    from services.iam.models import MfaDevice

    device = iam("CreateVirtualMFADevice", VirtualMFADeviceName="alice")["VirtualMFADevice"]
    seed = device["Base32StringSeed"].decode()
    row = MfaDevice.objects.get(name="alice")
    stored = column("iam_mfadevice", "seed", "id", row.pk)
    assert seed not in stored and sealed.unseal(stored) == seed
    assert row.seed == seed
