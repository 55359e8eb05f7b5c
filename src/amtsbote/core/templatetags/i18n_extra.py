"""The language of a page as HTML writes it.

Django's code for Leichte Sprache is ``de-ls`` (its locale directory ``de_LS``); in a page that
would read as "German of Lesotho", so pages say ``de-x-ls``: German, in a private variant that
screen readers and browsers treat as German.
"""

from django import template
from django.utils import translation

register = template.Library()

HTML_LANG = {"de-ls": "de-x-ls"}


@register.filter
def html_lang(code: str | None) -> str:
    code = code or translation.get_language() or "de"
    return HTML_LANG.get(code, code)
