"""`manage.py instructor <username> <email>`: create (or update the password of) an
instructor who signs in at /instructor/."""

from __future__ import annotations

import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create an instructor account for the /instructor/ area."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument("--password", help="prompted for when not given")

    def handle(self, username: str, email: str, password: str | None = None, **_) -> None:
        password = password or getpass.getpass("Password: ")
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": email}
        )
        user.email = email
        user.set_password(password)
        user.save()
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} instructor {username}; sign in at /instructor/signin")
