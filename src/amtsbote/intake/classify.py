"""Which type of document is this? Rules plus a model that learns from staff corrections.

``classify(text)`` combines two opinions:

* **rules**: weighted keywords and patterns per type (``RULES``), e.g. "Mietvertrag",
  "Kaltmiete" for a rent contract; their share of all rule points;
* **model**: scikit-learn, character n-grams (3-5, word-bounded, robust to OCR errors) with
  TF-IDF and a logistic regression, trained on ``classifier_seed.SEED_EXAMPLES`` plus every
  correction staff made (``learn``); corrections weigh more than seeds.

The answer is the type with the highest combined score; below ``THRESHOLD`` it is ``None``
("unclassified", a person decides). The trained model is cached in memory and persisted in
``default_storage`` (``intake/classifier/model.joblib``); corrections are kept append-only,
one small JSON file each under ``intake/classifier/corrections/`` (works the same on object
storage, no read-modify-write). Another process's corrections are picked up within
``RECHECK_SECONDS``.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from .classifier_seed import SEED_EXAMPLES

THRESHOLD = 0.4  # combined score; calibrated on the corpus (bench/intake.py)
RULE_WEIGHT = 0.5  # share of the rules in the combined score; the model has the rest
RULE_TEMPERATURE = 2.0  # rule points -> probabilities: softmax(points / temperature)
MODEL_SHARPNESS = 3.0  # model decision values -> probabilities: softmax(values * sharpness)
CORRECTION_WEIGHT = 4.0  # a staff correction counts as much as four seed examples
RECHECK_SECONDS = 30
MAX_CHARS = 6000  # the first pages say what a document is
CORRECTIONS_DIR = "intake/classifier/corrections"
MODEL_NAME = "intake/classifier/model.joblib"
MODEL_FORMAT = 1

# (pattern, weight): titles and terms only that type uses weigh most.
RULES: dict[str, list[tuple[str, float]]] = {
    "mietvertrag": [
        (r"miet\s?vertrag", 4),
        (r"kaltmiete|grundmiete", 2),
        (r"vermieter", 1),
        (r"kaution|mietsicherheit", 2),
        (r"mietzeit|mietsache|mietverh", 1),
    ],
    "meldebescheinigung": [
        (r"melde\s?(bescheinigung|best[äa]tigung)", 5),
        (r"melderegister", 3),
        (r"meldebeh[öo]rde|einwohnermelde|b[üu]rgerb[üu]ro|bmg", 2),
        (r"hauptwohnung|hauptwohnsitz", 1),
        (r"einzugsdatum", 1),
    ],
    "kontoauszug": [
        (r"konto\s?auszug|auszug\s?nr|ums[äa]tze", 4),
        (r"kontostand|saldo", 2),
        (r"buchungs?tag|valuta|buchung", 2),
        (r"\biban\b", 1),
        (r"lastschrift", 1),
    ],
    "lohnabrechnung": [
        (r"(lohn|gehalts|verdienst|entgelt)\s?-?abrechnung|brutto/netto", 5),
        (r"lohnsteuer|steuerklasse", 2),
        (r"netto(verdienst|bez[üu]ge)|auszahlungsbetrag", 2),
        (r"rentenversicherung|arbeitslosenversicherung", 1),
        (r"personalnummer", 1),
    ],
    "nebenkostenabrechnung": [
        (r"(neben|betriebs)\s?kostenabrechnung", 5),
        (r"grundsteuer", 2),
        (r"m[üu]llabfuhr|hauswart|hausmeister|hausreinigung|treppenhaus", 2),
        (r"umlageschl[üu]ssel|wohnfl[äa]che", 1),
        (r"abwasser", 1),
    ],
    "heizkostenabrechnung": [
        (r"heiz(kosten)?\s?-?(und warmwasser)?\s?-?(kosten)?abrechnung", 5),
        (r"heizkostenverordnung|heizkostenverteiler", 3),
        (r"warmwasser", 2),
        (r"heizk[öo]rper|brennstoff|w[äa]rme", 1),
    ],
    "au_bescheinigung": [
        (r"arbeitsunf[äa]higkeit", 5),
        (r"\bau\b-?bescheinigung|krankschreibung", 3),
        (r"arbeitsunf[äa]hig\s(seit|bis)", 3),
        (r"diagnose|icd", 2),
        (r"(erst|folge)bescheinigung", 2),
        (r"arzt|praxis", 1),
    ],
    "kindergeldbescheid": [
        (r"kindergeld", 5),
        (r"familienkasse", 3),
        (r"\beinkommensteuergesetz|estg", 1),
        (r"einspruch", 1),
    ],
    "rentenbescheid": [
        (r"rentenbescheid|\brente\b|altersrente|witwenrente|erwerbsminderungsrente", 4),
        (r"rentenversicherung", 2),
        (r"entgeltpunkte|rentenwert|rentenanpassung", 3),
        (r"versicherungsnummer", 1),
    ],
    "arbeitsvertrag": [
        (r"arbeits\s?vertrag|anstellungsvertrag|besch[äa]ftigungsverh", 4),
        (r"probezeit", 2),
        (r"arbeitszeit|stundenlohn|verg[üu]tung", 1),
        (r"urlaub", 1),
        (r"arbeitnehmer", 1),
    ],
    "kuendigung": [
        (r"k[üu]ndigung(?!sfrist)", 4),
        (r"k[üu]ndigen|gek[üu]ndigt", 3),
        (r"arbeitsuchend|fristgerecht|ordentlich|fristlos", 1),
    ],
    "stromrechnung": [
        (r"strom\s?(rechnung|abrechnung)|rechnung f[üu]r strom|verbrauchsabrechnung strom", 5),
        (r"\bstrom", 2),
        (r"kwh", 2),
        (r"z[äa]hler", 1),
        (r"abschlag", 1),
        (r"arbeitspreis|grundpreis|netzentgelt|stromsteuer", 2),
    ],
    "krankenversicherung": [
        (r"mitglied(s|schafts)?\s?bescheinigung|mitgliedschaft", 4),
        (r"krankenkasse|aok|barmer|techniker|ikk|dak", 2),
        (r"familienversichert|pflichtversichert|versichertennummer", 3),
        (r"versicherungsbescheinigung", 2),
    ],
    "unterhaltstitel": [
        (r"unterhalt", 5),
        (r"jugendamt", 2),
        (r"d[üu]sseldorfer tabelle|mindestunterhalt", 3),
        (r"kindesvater|kindesmutter|unterhaltspflichtig", 2),
    ],
    "schulbescheinigung": [
        (r"schul(bescheinigung|besuch)|sch[üu]lerbescheinigung", 5),
        (r"schuljahr|klasse", 2),
        (r"schule|gymnasium|berufskolleg|sekretariat", 2),
    ],
    "weiterbewilligungsantrag": [
        (r"weiterbewilligung|\bwba\b", 6),
        (r"bewilligungszeitraum|bewilligungsabschnitt", 2),
        (r"beantrage", 1),
    ],
    "veraenderungsmitteilung": [
        (r"ver[äa]nderungsmitteilung|\bv[äa]m\b|[äa]nderungsmitteilung", 6),
        (r"teile.*[äa]nderung|[äa]nderung (tritt|ab)|mitteilung [üu]ber [äa]nderungen", 3),
        (r"umzug|bankverbindung", 1),
    ],
    "widerspruch": [
        (r"widerspruch", 4),
        (r"lege.*widerspruch|widerspruch ein|widerspreche", 4),
        (r"gegen (den|ihren) bescheid", 2),
        (r"begr[üu]ndung|akteneinsicht", 1),
    ],
    "bewerbungsnachweis": [
        (r"bewerbung", 4),
        (r"eigenbem[üu]hung", 4),
        (r"absage|vorstellungsgespr[äa]ch", 2),
        (r"kooperationsplan|eingliederungsvereinbarung", 2),
    ],
    "kfz_versicherung": [
        (r"kfz|kraftfahrt|autoversicherung", 5),
        (r"kennzeichen", 2),
        (r"haftpflicht|teilkasko|vollkasko|schadenfreiheit", 3),
        (r"fahrzeug", 1),
    ],
}
_COMPILED = {
    code: [(re.compile(pattern, re.IGNORECASE), weight) for pattern, weight in rules]
    for code, rules in RULES.items()
}


@dataclass
class Classification:
    code: str | None  # a DocumentType code, or None: unclassified
    confidence: float


class _Model:
    """The trained pipeline with the corrections it was trained on."""

    def __init__(self, pipeline: Pipeline, fingerprint: str) -> None:
        self.pipeline = pipeline
        self.fingerprint = fingerprint
        self.classes: list[str] = list(pipeline.classes_)

    def probabilities(self, text: str) -> dict[str, float]:
        """Softmax of the decision values, sharpened: with few examples per type the
        regularised model is modest, its ranking is what counts."""
        decision = np.atleast_1d(self.pipeline.decision_function([text])[0])
        if len(self.classes) == 2:  # binary: one decision value for the second class
            decision = np.array([-decision[0], decision[0]])
        return dict(zip(self.classes, _softmax(decision * MODEL_SHARPNESS), strict=True))


_lock = threading.Lock()
_cache: dict[str, Any] = {"model": None, "checked": 0.0}


def _softmax(values: np.ndarray) -> list[float]:
    exp = np.exp(values - values.max())
    return [float(v) for v in exp / exp.sum()]


def rule_scores(text: str) -> dict[str, float]:
    scores: dict[str, float] = {}
    head = text[:MAX_CHARS]
    for code, rules in _COMPILED.items():
        points = sum(weight for pattern, weight in rules if pattern.search(head))
        if points:
            scores[code] = points
    return scores


def classify(text: str) -> Classification:
    """The document type of ``text``, or ``Classification(None, …)`` when unsure."""
    text = _clean(text)
    if len(text) < 20:
        return Classification(None, 0.0)
    points = rule_scores(text)
    model = _model().probabilities(text)
    codes = sorted(set(RULES) | set(model))
    rules = dict(
        zip(
            codes,
            _softmax(np.array([points.get(c, 0.0) for c in codes]) / RULE_TEMPERATURE),
            strict=True,
        )
    )
    combined = {
        code: RULE_WEIGHT * rules[code] + (1 - RULE_WEIGHT) * model.get(code, 0.0) for code in codes
    }
    code, score = max(combined.items(), key=lambda item: item[1])
    if score < THRESHOLD:
        return Classification(None, round(score, 3))
    return Classification(code, round(score, 3))


def learn(*, text: str, code: str) -> None:
    """Record a staff decision (``text`` is of type ``code``) and retrain."""
    record = {"code": code, "text": _clean(text)[:MAX_CHARS], "at": timezone.now().isoformat()}
    name = f"{CORRECTIONS_DIR}/{time.time_ns()}-{uuid.uuid4().hex}.json"
    default_storage.save(name, ContentFile(json.dumps(record, ensure_ascii=False).encode()))
    with _lock:
        _cache["model"] = None
    _model()


def forget_cached_model() -> None:
    """Drop the in-memory model (tests; after changing storage): the next call reloads."""
    with _lock:
        _cache["model"] = None
        _cache["checked"] = 0.0


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _corrections() -> list[str]:
    try:
        _dirs, files = default_storage.listdir(CORRECTIONS_DIR)
    except (FileNotFoundError, NotImplementedError):
        return []
    return sorted(name for name in files if name.endswith(".json"))


def _fingerprint(names: list[str]) -> str:
    digest = hashlib.sha256(f"{MODEL_FORMAT}".encode())
    digest.update(json.dumps(SEED_EXAMPLES, sort_keys=True).encode())
    digest.update("\n".join(names).encode())
    return digest.hexdigest()


def _model() -> _Model:
    """The current model: from memory, else from storage, else trained (and stored)."""
    with _lock:
        model: _Model | None = _cache["model"]
        now = time.monotonic()
        if model is not None and now - _cache["checked"] < RECHECK_SECONDS:
            return model
        names = _corrections()
        fingerprint = _fingerprint(names)
        _cache["checked"] = now
        if model is not None and model.fingerprint == fingerprint:
            return model
        model = _load(fingerprint) or _train(names, fingerprint)
        _cache["model"] = model
        return model


def _load(fingerprint: str) -> _Model | None:
    if not default_storage.exists(MODEL_NAME):
        return None
    try:
        with default_storage.open(MODEL_NAME, "rb") as handle:
            stored = joblib.load(io.BytesIO(handle.read()))  # written only by _train below
    except Exception:  # an unreadable or outdated model is simply trained again
        return None
    if not isinstance(stored, dict) or stored.get("fingerprint") != fingerprint:
        return None
    return _Model(stored["pipeline"], fingerprint)


def _train(names: list[str], fingerprint: str) -> _Model:
    texts: list[str] = []
    labels: list[str] = []
    weights: list[float] = []
    for code, examples in SEED_EXAMPLES.items():
        for example in examples:
            texts.append(example)
            labels.append(code)
            weights.append(1.0)
    for name in names:
        with default_storage.open(f"{CORRECTIONS_DIR}/{name}", "rb") as handle:
            record = json.loads(handle.read())
        texts.append(record["text"])
        labels.append(record["code"])
        weights.append(CORRECTION_WEIGHT)
    pipeline = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True),
        LogisticRegression(C=20.0, max_iter=2000),
    )
    pipeline.fit(texts, labels, logisticregression__sample_weight=weights)
    buffer = io.BytesIO()
    joblib.dump({"fingerprint": fingerprint, "pipeline": pipeline}, buffer)
    if default_storage.exists(MODEL_NAME):
        default_storage.delete(MODEL_NAME)
    default_storage.save(MODEL_NAME, ContentFile(buffer.getvalue()))
    return _Model(pipeline, fingerprint)
