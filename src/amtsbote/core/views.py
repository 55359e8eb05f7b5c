from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache

from .health import readiness
from .metrics import metrics_text


def home(request: HttpRequest) -> HttpResponse:
    """The root: log in first, then staff land on the desk and everybody else on the portal."""
    if not request.user.is_authenticated:
        return redirect_to_login("/")
    if getattr(request.user, "is_jobcenter_staff", False):
        return redirect("desk:inbox")
    return redirect("portal:home")


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and the database: the load balancer's check (kept as it was)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when every check passes (database, migrations, storage, virus
    scanner …), else 503 naming what failed. No data of anyone in it."""
    ready, checks = readiness()
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
    )


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for whoever holds ``AMTSBOTE_METRICS_TOKEN`` (a bearer token);
    without a token configured there are none (404): counters say how busy a jobcenter is."""
    token = settings.METRICS_TOKEN
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not constant_time_compare(offered, token):
        raise Http404("no metrics here")
    body, content_type = metrics_text()
    return HttpResponse(body, content_type=content_type)
