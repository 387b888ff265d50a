from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.demo.builder import ACCOUNTS, demo_load, demo_password, demo_reset


class Command(BaseCommand):
    help = "Load synthetic demo data (idempotent). Never use on a server with real patients."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="delete demo data first")
        parser.add_argument("--scale", choices=["small", "national"], default="small")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args: Any, reset: bool, scale: str, seed: int, **options: Any) -> None:
        if scale == "national":
            # Said plainly rather than quietly loading the small set under a big name.
            raise CommandError(
                "--scale national is not built yet; use the small demo (the default)"
            )
        if reset:
            demo_reset()
            self.stdout.write("Removed the previous demo data.")
        demo_load(scale=scale, seed=seed, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with:"))
        for email, _, grants in ACCOUNTS:
            roles = ", ".join(f"{role} at {slug}" for slug, role in grants)
            self.stdout.write(f"  {email:<26} {roles}")
        self.stdout.write(f"  password for every demo account: {demo_password()}")
