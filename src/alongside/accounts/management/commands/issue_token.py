from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.accounts.models import TOKEN_DAYS_DEFAULT, TOKEN_DAYS_MAX, User
from alongside.accounts.scopes import ALL_SCOPES, clean_scopes
from alongside.accounts.services import api_token_issue


class Command(BaseCommand):
    help = "Issue an API bearer token for a user and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="command line")
        parser.add_argument(
            "--days",
            type=int,
            default=TOKEN_DAYS_DEFAULT,
            help=f"days until the token stops working (1 to {TOKEN_DAYS_MAX}, default %(default)s)",
        )
        parser.add_argument(
            "--scopes",
            default=",".join(ALL_SCOPES),
            help="comma-separated scopes the token may use (default: all of "
            + ", ".join(ALL_SCOPES)
            + ")",
        )

    def handle(
        self, *args: Any, email: str, name: str, days: int, scopes: str, **options: Any
    ) -> None:
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"no active account with the e-mail {email}")
        if not 1 <= days <= TOKEN_DAYS_MAX:
            raise CommandError(f"--days must be between 1 and {TOKEN_DAYS_MAX}, not {days}")
        try:
            chosen = clean_scopes(scopes.split(","))
        except ValueError as error:
            raise CommandError(f"--scopes: {error}") from None
        token, secret = api_token_issue(user=user, name=name, days=days, scopes=chosen)
        self.stdout.write(secret)
        # On stderr, so a script that captures stdout gets the bare token.
        self.stderr.write(
            f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC; scopes {' '.join(token.scopes)}"
        )
