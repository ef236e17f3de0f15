"""Control characters that no field of Rank and File holds (NUL, backspace, escape …).

PostgreSQL refuses a NUL in text (a 500 if it reaches a query), SQLite stores it, and no
person types one: such characters are refused where text comes in (request parameters,
uploaded files), with a message naming the character and where it was. Tab, line feed and
carriage return are allowed, because they are meaningful in text (a multi-line cell or
comment); a field that may not hold them checks that itself.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NAMES = {0: "NUL", 0x1B: "ESC", 0x7F: "DEL", 8: "backspace"}


def first_control_character(text: str) -> str | None:
    """The first control character of ``text`` that no field may hold, or None."""
    found = _CONTROL.search(text)
    return found.group() if found else None


def describe(character: str) -> str:
    """A control character as a person can read it: ``NUL (U+0000)``, ``U+0007``."""
    code = ord(character)
    name = _NAMES.get(code)
    return f"{name} (U+{code:04X})" if name else f"U+{code:04X}"
