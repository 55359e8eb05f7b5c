"""The building blocks of a form definition: fields, steps, the form with its version.

A definition is data plus small functions; it holds no state. The engine (``engine.py``)
turns a step into a Django form for validation and rendering, and values into JSON and back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from ..constants import FieldKind

Data = Mapping[str, Any]
# A check across the fields of one step: (field name, message) for every problem found.
Check = Callable[[Data], list[tuple[str, str]]]
Text = str | Promise


@dataclass(frozen=True)
class Field:
    name: str
    kind: FieldKind
    label: Text
    help_text: Text = ""
    required: bool = True
    choices: tuple[tuple[str, Text], ...] = ()
    validators: tuple[Callable[[Any], None], ...] = ()
    max_length: int = 200


@dataclass(frozen=True)
class Step:
    key: str
    title: Text
    fields: tuple[Field, ...]
    intro: Text = ""
    # Shown only when this returns True for the data entered so far (e.g. the move step only
    # when the customer said that they moved).
    condition: Callable[[Data], bool] | None = None
    checks: tuple[Check, ...] = ()

    def is_active(self, data: Data) -> bool:
        return self.condition is None or bool(self.condition(data))


@dataclass(frozen=True)
class FormDefinition:
    """One version of a form. A changed form is a new version; old versions stay registered
    so that drafts and submissions made with them can still be read."""

    code: str
    version: int
    title: Text
    # The German title on the PDF (§ 19 SGB X) and in the e-file.
    title_de: str
    description: Text
    steps: tuple[Step, ...]
    # Catalogue code of the document type the PDF is filed as ("" for none).
    document_type_code: str = ""
    # Register when there is no document type (e.g. "vermittlung").
    register_code: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    def active_steps(self, data: Data) -> list[Step]:
        return [step for step in self.steps if step.is_active(data)]

    def field(self, step_key: str, name: str) -> Field | None:
        step = self.step(step_key)
        return next((f for f in step.fields if f.name == name), None) if step else None
