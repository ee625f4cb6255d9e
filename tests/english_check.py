"""Find English sentences left on a page rendered in another language.

A page in Japanese may still hold English where it says so: an element with ``lang="en"``
(content not yet translated, declared as English for screen readers) or ``translate="no"``
(codes, names, the product's name). Everything else a reader sees or hears (text, and the
``alt``, ``title``, ``placeholder`` and ``aria-*`` attributes) must not hold a run of three
or more English words.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_WORD = r"[A-Za-z]{2,}(?:['\u2019][A-Za-z]+)?"  # a word, with its "'s" or "n't"
ENGLISH_RUN = re.compile(rf"{_WORD}(?:[\s,-]+{_WORD}){{2,}}")
SPOKEN_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # True where English is allowed from here down
        self.found: list[str] = []

    def _allowed(self) -> bool:
        return bool(self.stack and self.stack[-1])

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        allowed = self._allowed() or tag in {"script", "style", "template"}
        allowed |= (attributes.get("lang") or "").startswith("en")
        allowed |= attributes.get("translate") == "no"
        if not allowed:
            for name, value in attributes.items():
                if name in SPOKEN_ATTRIBUTES and value and ENGLISH_RUN.search(value):
                    self.found.append(f"<{tag} {name}>: {value}")
        if tag not in VOID:
            self.stack.append(allowed)

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data) -> None:
        if not self._allowed() and ENGLISH_RUN.search(data):
            self.found.append(" ".join(data.split()))


def english_sentences(html: str) -> list[str]:
    """Every run of English a reader would meet on the page, outside the allowed places."""
    reader = _Reader()
    reader.feed(html)
    return reader.found
