"""What a page says, without its markup: for assertions that must not match attributes.

A page carries random values in attributes (the CSRF token, the CSP nonce), so
"this number is not on the page" is only a sound assertion about its text.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's text nodes (outside script and style), joined by spaces."""
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
