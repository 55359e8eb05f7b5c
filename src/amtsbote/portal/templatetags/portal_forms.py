"""Render Django form fields with KERN UX classes (used by the allauth page overrides)."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def kern_widget(field: forms.BoundField) -> SafeString:
    """The field's widget with KERN classes, error state and hint/error references."""
    widget = field.field.widget
    is_check = isinstance(widget, forms.CheckboxInput)
    classes = ["kern-form-check__checkbox" if is_check else "kern-form-input__input"]
    attrs: dict[str, str | bool] = {}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        classes.append(
            "kern-form-check__checkbox--error" if is_check else "kern-form-input__input--error"
        )
        attrs["aria-invalid"] = "true"
        described_by.append(f"{field.auto_id}-error")
    existing = widget.attrs.get("class", "")
    attrs["class"] = " ".join([existing, *classes]).strip()
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    attrs.pop("placeholder", None)
    return field.as_widget(attrs=attrs)
