"""Demo data for matches (a step of `alongside demo`)."""

from alongside.demo.builder import DemoContext


def load(ctx: DemoContext) -> None:
    pass
