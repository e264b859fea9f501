"""Issue 11, "Also": a student's initial password has at least 60 bits of entropy and
is not in the database in plain text; the credentials sheet still shows it and it
still signs the student in."""

from __future__ import annotations

import importlib
import math
import re

from django.db import connection
from django.test import Client

from services.classrooms import provisioning
from services.classrooms.models import Student
from services.core import sealed


def test_generated_passwords_have_at_least_60_bits_of_entropy() -> None:
    # Each symbol is drawn uniformly and independently from the alphabet, so the
    # entropy is the number of symbols times log2 of the alphabet's size.
    alphabet = provisioning.PASSWORD_ALPHABET
    assert len(set(alphabet)) == len(alphabet)
    symbols = provisioning.PASSWORD_GROUPS * provisioning.PASSWORD_GROUP_LENGTH
    bits = symbols * math.log2(len(alphabet))
    assert bits >= 60, bits
    shape = re.compile(
        "-".join([f"[{re.escape(alphabet)}]{{{provisioning.PASSWORD_GROUP_LENGTH}}}"]
                 * provisioning.PASSWORD_GROUPS) + "$"
    )  # fmt: skip
    made = [provisioning.generate_password() for _ in range(2000)]
    assert all(shape.match(p) for p in made), made[:3]
    assert len(set(made)) == len(made)
    # Every symbol of the alphabet turns up: the draw uses all of it.
    assert set("".join(made).replace("-", "")) == set(alphabet)


def test_the_initial_password_is_sealed_in_the_database(classroom) -> None:
    ada = classroom.students.get(email="ada@example.com")
    with connection.cursor() as cursor:
        cursor.execute("SELECT initial_password FROM classrooms_student WHERE id = %s", [ada.pk])
        stored = cursor.fetchone()[0]
    password = Student.objects.get(pk=ada.pk).initial_password
    assert password and password not in stored
    assert sealed.unseal(stored) == password
    sheet = provisioning.credentials(ada)
    assert sheet["password"] == password
    response = Client().post("/signin", {"email": sheet["sign_in_email"], "password": password})
    assert response.status_code == 302


def test_the_migration_seals_passwords_stored_in_plain_text(classroom) -> None:
    ada = classroom.students.get(email="ada@example.com")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE classrooms_student SET initial_password = 'plain-text-1' WHERE id = %s",
            [ada.pk],
        )
    migration = importlib.import_module(
        "services.classrooms.migrations.0002_seal_initial_passwords"
    )
    with connection.schema_editor() as editor:
        migration.seal(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT initial_password FROM classrooms_student WHERE id = %s", [ada.pk])
        assert "plain-text-1" not in cursor.fetchone()[0]
    assert Student.objects.get(pk=ada.pk).initial_password == "plain-text-1"
