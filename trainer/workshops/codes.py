"""Join codes: six characters a room can read off a projector and type on a phone.

The alphabet leaves out every character that is easy to mistake for another on a
projector, on a phone keyboard or read aloud, so a code copied from the back of a room
is typed right the first time. 17 characters to the power 6 gives about 24 million codes.
"""

from __future__ import annotations

import re
import secrets

# Upper-case letters and digits with the look-alikes removed:
# 0 O D Q (round), 1 I L J (upright strokes), 2 Z, 5 S, 8 B, U V, 6 G, C (close to G and O).
ALPHABET = "AEFHKMNPRTWXY3479"
LENGTH = 6

_SEPARATORS = re.compile(r"[\s\-_.·]+")


def new_code() -> str:
    """A random code; whether it is free among live workshops is the caller's check."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def new_room_key() -> str:
    """The random part of a room's address on the phones: 16 URL-safe characters, so the
    address gives nothing away and no one reaches a room by counting."""
    return secrets.token_urlsafe(12)


def normalize(raw: str) -> str:
    """What a person typed, as a code: upper case, without spaces or dashes."""
    return _SEPARATORS.sub("", raw or "").upper()


def is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(character in ALPHABET for character in code)


def grouped(code: str) -> str:
    """``K7M 3QX``: easier to read aloud; the join form accepts it with or without the space."""
    half = LENGTH // 2
    return f"{code[:half]} {code[half:]}"
