"""classify(): the 20 intake types on held-out text, unsure → None, learning from staff."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from tests.corpus.people import make_households
from tests.corpus.texts import TEMPLATES, Ctx

from amtsbote.intake import classify as classifier
from amtsbote.intake.classify import classify, learn


@pytest.fixture(autouse=True)
def _fresh_model():
    classifier.forget_cached_model()
    yield
    classifier.forget_cached_model()


def held_out_texts(per_type: int = 4) -> list[tuple[str, str]]:
    """Texts from the corpus generator: other senders and wording than the seed examples."""
    rng = random.Random(42)
    households = make_households(rng, 10)
    texts = []
    for code, template in TEMPLATES.items():
        for index in range(per_type):
            household = rng.choice(households)
            ctx = Ctx(rng, household.head, household, show_name=index != 3,
                      show_address=index % 2 == 0, show_birth=index == 1,
                      number_line="BG-Nr. " + household.bg_number if index == 2 else None,
                      today=dt.date(2025, 6, 2))  # fmt: skip
            texts.append((code, "\n".join(template(ctx))))
    return texts


def test_each_type_is_recognised_on_held_out_text():
    texts = held_out_texts()
    right = Counter(code for code, text in texts if classify(text).code == code)
    assert sum(right.values()) / len(texts) >= 0.9
    assert all(right[code] >= 3 for code in TEMPLATES), right


def test_ocr_noise_does_not_throw_it_off():
    text = "Kontoauszvg Nr. 3/2025\nIBAN DE12 4405 O199\nAlter Kontostand: 12,30 EUR\nLastschr1ft"
    assert classify(text).code == "kontoauszug"


@pytest.mark.parametrize(
    "text",
    [
        "Sehr geehrte Damen und Herren, anbei übersende ich die gewünschten Unterlagen.",
        "Einladung zum Termin im Jobcenter am 12.05. um 10 Uhr in Raum 204.",
        "Zeugnis der Mittleren Reife. Deutsch gut, Mathematik befriedigend.",
        "",
        "xx ## 12",
    ],
)
def test_unsure_means_unclassified(text):
    result = classify(text)
    assert result.code is None
    assert result.confidence < classifier.THRESHOLD


@pytest.mark.django_db
def test_learn_changes_a_later_answer():
    text = "Elterngeldstelle. Bescheid über Elterngeld für Ihr Kind Mia. Basiselterngeld 300 Euro."
    assert classify(text).code is None
    learn(text="Elterngeldstelle Bescheid über Elterngeld, Basiselterngeld monatlich 400 Euro",
          code="einkommensbescheinigung")  # fmt: skip
    learn(text="Bescheid Elterngeld Plus, Elterngeldstelle der Stadt, Bezugszeitraum",
          code="einkommensbescheinigung")  # fmt: skip
    assert classify(text).code == "einkommensbescheinigung"
    classifier.forget_cached_model()  # another process: loads the stored model
    assert classify(text).code == "einkommensbescheinigung"
