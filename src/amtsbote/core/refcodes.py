"""Reference codes that people type from paper: an OCR-safe alphabet and a check character.

The alphabet leaves out characters that OCR and people confuse (0/O/Q, 1/I/L, 2/Z, 5/S, 8/B,
U/V). The check character is computed with the Luhn mod N algorithm over this alphabet, so
any single wrong character and any swap of two neighbours is detected.
"""

from __future__ import annotations

import secrets

ALPHABET = "34679ACDEFGHJKMNPRTWXY"  # 22 characters
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}


def check_character(payload: str) -> str:
    n = len(ALPHABET)
    factor = 2
    total = 0
    for ch in reversed(payload):
        addend = factor * _INDEX[ch]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def is_valid(code: str) -> bool:
    if len(code) < 2 or any(ch not in _INDEX for ch in code):
        return False
    return check_character(code[:-1]) == code[-1]


def generate(length: int = 12) -> str:
    """A random code of ``length`` characters, the last one the check character."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(length - 1))
    return payload + check_character(payload)


def normalize(text: str) -> str:
    """What a person typed → canonical form: upper case, without spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def group(code: str, size: int = 4) -> str:
    """``ABCD EFGH JKLM`` for printing and reading aloud."""
    return "-".join(code[i : i + size] for i in range(0, len(code), size))
