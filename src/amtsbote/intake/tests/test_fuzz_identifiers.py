"""Fuzzing the identifier parsers (issue 7): any text, no crash, only well-formed numbers out.

OCR text and form input are outside input like an upload: whatever they contain, the parsers
must neither raise nor return something that is not a BG-Nummer or Kundennummer. No deadline
(no timed assertions); hypothesis's example count keeps it bounded.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from amtsbote.cases.validators import (
    BG_NUMBER_RE,
    CUSTOMER_NUMBER_RE,
    normalize_number,
    validate_bg_number,
    validate_customer_number,
)
from amtsbote.intake.recognition_text import find_dates, find_numbers, near_variants

FUZZ = settings(max_examples=300, deadline=None)
bg_numbers = st.builds(
    lambda a, b: f"{a}BG{b}",
    st.text(alphabet="0123456789", min_size=5, max_size=5),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
)
customer_numbers = st.builds(
    lambda a, b: f"{a}D{b}",
    st.text(alphabet="0123456789", min_size=3, max_size=3),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
)
# Text like OCR output: letters, digits, the separators and confusions the parser knows.
ocr_text = st.text(
    alphabet=st.sampled_from(list("0123456789BGDOolI|S$ZzTg .-/_,:\n\tKundennr:BG-Nr.äöüß€")),
    max_size=400,
)


@FUZZ
@given(st.one_of(st.text(max_size=400), ocr_text))
def test_find_numbers_never_raises_and_returns_only_well_formed_numbers(text):
    for read in find_numbers(text):
        if read.kind == "bg":
            assert BG_NUMBER_RE.fullmatch(read.number), read
        else:
            assert read.kind == "kundennummer" and CUSTOMER_NUMBER_RE.fullmatch(read.number), read


@FUZZ
@given(
    bg_numbers,
    st.sampled_from(["", " ", "-", "BG-Nr. ", "Aktenzeichen: "]),
    st.text(alphabet="abcdefghij ,;", max_size=40),
    st.text(alphabet="abcdefghij ,;", max_size=40),
)
def test_a_printed_bg_number_is_found_in_any_surrounding_text(number, label, before, after):
    text = f"{before} {label}{number} {after}"
    assert number in {read.number for read in find_numbers(text)}


@FUZZ
@given(st.one_of(st.text(max_size=300), ocr_text))
def test_find_dates_never_raises_and_returns_real_dates(text):
    for found in find_dates(text):
        assert isinstance(found, dt.date)


@FUZZ
@given(st.one_of(bg_numbers, customer_numbers))
def test_near_variants_keep_the_format(number):
    pattern = BG_NUMBER_RE if "BG" in number else CUSTOMER_NUMBER_RE
    variants = near_variants(number)
    assert number not in variants
    assert all(pattern.fullmatch(variant) for variant in variants)


@FUZZ
@given(bg_numbers, st.lists(st.sampled_from([" ", "\t", "\u00a0"]), max_size=4))
def test_typed_numbers_normalise_to_valid_ones(number, spaces):
    typed = "".join(spaces) + number.lower()[:8] + "".join(spaces) + number.lower()[8:]
    validate_bg_number(normalize_number(typed))


def _is_bg(value: str) -> bool:
    return (
        len(value) == 14
        and value[5:7] == "BG"
        and all(c in "0123456789" for c in value[:5] + value[7:])
    )


def _is_customer(value: str) -> bool:
    return (
        len(value) == 10
        and value[3] == "D"
        and all(c in "0123456789" for c in value[:3] + value[4:])
    )


@FUZZ
@given(
    st.one_of(
        st.text(max_size=20),
        bg_numbers,
        customer_numbers,
        bg_numbers.map(lambda n: n + "\n"),
        st.text(alphabet="٠١٢٣٤٥٦٧٨٩0123456789BGD", min_size=10, max_size=14),
    )
)
def test_the_validators_accept_exactly_the_formats(value):
    for validate, is_valid in (
        (validate_bg_number, _is_bg),
        (validate_customer_number, _is_customer),
    ):
        if is_valid(value):
            validate(value)
        else:
            with pytest.raises(ValidationError):
                validate(value)
