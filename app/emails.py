"""What we accept as an author email: something@somewhere, as git records it."""

from __future__ import annotations

import re

MAX_EMAIL_LENGTH = 254  # RFC 5321
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


def is_email(text: str) -> bool:
    return len(text) <= MAX_EMAIL_LENGTH and bool(_EMAIL.match(text))
