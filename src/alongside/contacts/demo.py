"""Demo data for contacts (a step of `alongside demo`)."""

from alongside.demo.builder import DemoContext


def load(ctx: DemoContext) -> None:
    pass
