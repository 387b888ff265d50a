"""Extension points: the one way an app adds to, or reacts inside, another app's work.

The app that owns a step declares a ``Hook`` next to the code that runs it (the home
page owns its panels, ``mentor_pause`` owns "a mentor was paused"); other apps
``register`` into it from their ``AppConfig.ready()``; the owner reads the items, or
``call``s them when they are functions. The owner never imports the apps that plug in,
so no app edits another's code and no import circle forms.

Why not Django signals: a signal's receivers take ``**kwargs`` and return nothing the
sender can type, the sender cannot tell whether anyone is connected, and a receiver may
be garbage-collected silently (weak references). A hook is typed at both ends (mypy
checks what a registered function accepts and returns), keeps its items strongly and in
registration order, and ``POINTS`` lists every extension point, so
``docs/architecture.md`` can be checked against the code. Plain Python: no Django here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")

# Every extension point, by name (a test checks each is listed in docs/architecture.md).
POINTS: dict[str, Hook[Any]] = {}


class Hook(Generic[T]):
    """A named, typed list of contributions from other apps, in registration order."""

    def __init__(self, name: str, purpose: str) -> None:
        if name in POINTS:
            raise ValueError(f"extension point {name!r} is declared twice")
        self.name = name
        self.purpose = purpose
        self._items: list[T] = []
        POINTS[name] = self

    def register(self, item: T) -> T:
        """Add ``item`` once (``ready()`` may run more than once); returns it, so a
        function can be registered with ``@hook.register``."""
        if item not in self._items:
            self._items.append(item)
        return item

    def unregister(self, item: T) -> None:
        if item in self._items:
            self._items.remove(item)

    def __iter__(self) -> Iterator[T]:
        return iter(tuple(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def call(self: Hook[Callable[P, R]], *args: P.args, **kwargs: P.kwargs) -> list[R]:
        """Call every registered function with the same arguments; their results in order.

        An exception propagates: hooks run inside the owner's transaction, and a step
        that half happened must roll back whole."""
        return [function(*args, **kwargs) for function in tuple(self._items)]

    def __repr__(self) -> str:
        return f"Hook({self.name!r}, {len(self._items)} registered)"
