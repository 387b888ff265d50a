from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.accounts.models import User
from alongside.accounts.services import api_token_issue


class Command(BaseCommand):
    help = "Issue an API bearer token for a user and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="command line")

    def handle(self, *args: Any, email: str, name: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"no active account with the e-mail {email}")
        _, secret = api_token_issue(user=user, name=name)
        self.stdout.write(secret)
