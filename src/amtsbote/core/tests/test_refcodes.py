import string

from hypothesis import given
from hypothesis import strategies as st

from amtsbote.core import refcodes

payloads = st.text(alphabet=refcodes.ALPHABET, min_size=1, max_size=refcodes.MAX_LENGTH - 1)


def test_alphabet_leaves_out_confusable_characters():
    for confusable in "0ODQ1IL2Z5S8BGUVY":
        assert confusable not in refcodes.ALPHABET


def test_generated_codes_are_valid_and_of_the_asked_length():
    for _ in range(200):
        code = refcodes.generate(12)
        assert len(code) == 12
        assert refcodes.is_valid(code)


@given(payloads, st.data())
def test_any_single_wrong_character_is_detected(payload, data):
    code = payload + refcodes.check_character(payload)
    position = data.draw(st.integers(0, len(code) - 1))
    wrong = data.draw(st.sampled_from([c for c in refcodes.ALPHABET if c != code[position]]))
    assert not refcodes.is_valid(code[:position] + wrong + code[position + 1 :])


@given(payloads, st.data())
def test_swapping_two_neighbours_is_detected(payload, data):
    code = payload + refcodes.check_character(payload)
    position = data.draw(st.integers(0, len(code) - 2))
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    if swapped != code:
        assert not refcodes.is_valid(swapped)


def test_swapping_first_and_last_alphabet_characters_is_detected():
    # Luhn mod N misses exactly this swap (like Luhn's 09 ↔ 90); this scheme does not.
    first, last = refcodes.ALPHABET[0], refcodes.ALPHABET[-1]
    payload = first + last + first + first
    code = payload + refcodes.check_character(payload)
    assert refcodes.is_valid(code)
    assert not refcodes.is_valid(last + first + code[2:])


def test_normalize_accepts_what_people_type():
    code = refcodes.generate(12)
    typed = " " + refcodes.group(code).lower() + " "
    assert refcodes.normalize(typed) == code
    assert refcodes.is_valid(refcodes.normalize(typed))


def test_characters_outside_the_alphabet_are_invalid():
    assert not refcodes.is_valid("")
    assert not refcodes.is_valid("A")
    assert not refcodes.is_valid("ABCDEFGHIJK0")
    assert not refcodes.is_valid(refcodes.generate(refcodes.MAX_LENGTH) + "A")


def test_alphabet_size_is_prime():
    n = refcodes.MODULUS
    assert n > 2 and all(n % d for d in range(2, n))
    assert not refcodes.is_valid(string.ascii_lowercase[:12])
