from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alongside.demo.builder import ACCOUNTS, demo_load, demo_password, demo_reset


class Command(BaseCommand):
    help = "Load synthetic demo data (idempotent). Never use on a server with real patients."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="delete demo data first")
        parser.add_argument("--scale", choices=["small", "national"], default="small")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args: Any, reset: bool, scale: str, seed: int, **options: Any) -> None:
        if reset:
            demo_reset()
            self.stdout.write("Removed the previous demo data.")
        if scale == "national":
            self._national(seed)
            return
        demo_load(scale=scale, seed=seed, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with:"))
        for email, _, grants in ACCOUNTS:
            roles = ", ".join(f"{role} at {slug}" for slug, role in grants)
            self.stdout.write(f"  {email:<26} {roles}")
        self.stdout.write(f"  password for every demo account: {demo_password()}")

    def _national(self, seed: int) -> None:
        import time

        from alongside.demo.national import NationalPlan, national_load, sign_ins

        plan = NationalPlan(seed=seed)
        started = time.monotonic()
        totals = national_load(plan, log=self.stdout.write)
        seconds = time.monotonic() - started
        self.stdout.write(", ".join(f"{v:,} {k}" for k, v in totals.items()) or "nothing new")
        self.stdout.write(self.style.SUCCESS(f"National demo data ready in {seconds:.0f} s."))
        first = sign_ins(0)
        self.stdout.write(
            f"  sign in as {first['manager']}, {first['therapist']}, {first['mentor']} or "
            f"{first['patient']} (01..{plan.services:02d}); password: {demo_password()}"
        )
