"""Portal URLs: help (included by portal.urls, in the portal namespace)."""

from django.urls import URLPattern, path

from .views import help as views_help

urlpatterns: list[URLPattern] = [
    path("help/", views_help.help_page, name="help"),
    path("help/easy/", views_help.easy, name="easy"),
    path("accessibility/", views_help.accessibility, name="accessibility"),
]
