"""The gate in front of every desk view: logged in, and staff of a jobcenter.

The second factor and the idle timeout of staff sessions are enforced before any view runs,
for every path, by ``amtsbote.accounts.middleware`` (docs/login.md)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from amtsbote.accounts.models import User

View = Callable[..., HttpResponseBase]


def staff_required(view: View) -> View:
    """Anonymous people go to the login page; customers get a 404 (the desk is not theirs)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not getattr(request.user, "is_jobcenter_staff", False):
            raise Http404("not staff")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def staff_user(request: HttpRequest) -> User:
    """The signed-in staff member of a request that passed ``staff_required``."""
    return request.user  # type: ignore[return-value]
