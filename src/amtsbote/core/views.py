from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect


def home(request: HttpRequest) -> HttpResponse:
    """The root: log in first, then staff land on the desk and everybody else on the portal."""
    if not request.user.is_authenticated:
        return redirect_to_login("/")
    if getattr(request.user, "is_jobcenter_staff", False):
        return redirect("desk:inbox")
    return redirect("portal:home")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
