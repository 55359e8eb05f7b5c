from django.urls import include, path
from django.views.generic import RedirectView

from amtsbote.core.views import healthz, home, metrics, readyz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("portal/", include("amtsbote.portal.urls")),
    path("desk/", include("amtsbote.desk.urls")),
    path("api/v1/", include("amtsbote.api.urls")),
    # The address printed on sealed receipts is short enough to type: /verify/.
    path("verify/", RedirectView.as_view(pattern_name="portal:verify", query_string=True)),
    path("favicon.ico", RedirectView.as_view(url="/static/amtsbote/favicon.svg")),
]
