from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect


def home(request: HttpRequest) -> HttpResponse:
    """Staff land on the desk, everybody else on the portal."""
    if getattr(request.user, "is_jobcenter_staff", False):
        return redirect("desk:inbox")
    return redirect("portal:home")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
