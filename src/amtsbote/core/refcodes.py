"""Reference codes that people type from paper: an OCR-safe alphabet and a check character.

The alphabet leaves out characters that OCR and people confuse: 0/O/D/Q, 1/I/L, 2/Z, 5/S,
8/B, U/V/Y and G (kept: 6). It has 19 characters, a prime: the check character makes the
weighted sum ``Σ (i+1)·value(cᵢ)`` over the whole code divisible by 19. With weights 1…n
(n < 19) all distinct and non-zero modulo a prime, every single wrong character and every
swap of two neighbours changes the sum by a non-zero amount, so both are always detected.
"""

from __future__ import annotations

import secrets

ALPHABET = "34679ACEFHJKMNPRTWX"
MODULUS = len(ALPHABET)  # 19, prime
MAX_LENGTH = MODULUS - 1
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}


def check_character(payload: str) -> str:
    """The character that, appended to ``payload``, makes the code valid."""
    n = len(payload) + 1
    if n > MAX_LENGTH:
        raise ValueError(f"codes have at most {MAX_LENGTH} characters")
    total = sum((i + 1) * _INDEX[ch] for i, ch in enumerate(payload))
    # n·c ≡ −total (mod 19); n is invertible because 0 < n < 19.
    value = (-total * pow(n, -1, MODULUS)) % MODULUS
    return ALPHABET[value]


def is_valid(code: str) -> bool:
    if not 2 <= len(code) <= MAX_LENGTH or any(ch not in _INDEX for ch in code):
        return False
    return sum((i + 1) * _INDEX[ch] for i, ch in enumerate(code)) % MODULUS == 0


def generate(length: int = 12) -> str:
    """A random code of ``length`` characters, the last one the check character."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(length - 1))
    return payload + check_character(payload)


def normalize(text: str) -> str:
    """What a person typed → canonical form: upper case, without spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def group(code: str, size: int = 4) -> str:
    """``ABCD-EFGH-JKLM`` for printing and reading aloud."""
    return "-".join(code[i : i + size] for i in range(0, len(code), size))
