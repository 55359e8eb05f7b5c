"""Archive packages on the desk: team leads export a case and import a package (hand-over)."""

from __future__ import annotations

import tempfile
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from amtsbote.accounts.models import User
from amtsbote.cases.access import access_case_for_staff, record_case_read
from amtsbote.cases.models import Case
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.core.http import file_response
from amtsbote.records.access import is_records_officer
from amtsbote.records.archive import case_export, case_import
from amtsbote.records.models import ArchiveImport, ImportedHistoryEntry

from ..decorators import staff_required, staff_user

HISTORY_PER_PAGE = 100


def _officer(request: HttpRequest) -> tuple[User, int]:
    """The team lead and their jobcenter's id; everybody else gets a 404."""
    user = staff_user(request)
    jobcenter_id = user.jobcenter_id
    if not is_records_officer(user) or jobcenter_id is None:
        raise Http404("archive packages are for team leads")
    return user, jobcenter_id


def _case_of_jobcenter(jobcenter_id: int, case_uuid: uuid.UUID) -> Case:
    case = Case.objects.select_related("jobcenter").filter(
        uuid=case_uuid, jobcenter_id=jobcenter_id
    )
    found = case.first()
    if found is None:
        raise Http404("no such case")
    return found


@require_http_methods(["GET", "POST"])
@staff_required
def archive_overview(request: HttpRequest) -> HttpResponse:
    """Upload form for a package, and the packages this jobcenter took over."""
    user, jobcenter_id = _officer(request)
    assert user.jobcenter is not None
    teams = list(user.jobcenter.teams.order_by("name"))
    error = ""
    status = 200
    bg_number = request.GET.get("bg_number", "").replace(" ", "").upper()
    if bg_number:
        case = Case.objects.filter(jobcenter_id=jobcenter_id, bg_number=bg_number).first()
        if case is not None:
            return redirect("desk:archive_export", case_uuid=case.uuid)
        error = _("There is no case with this BG-Nummer.")
        status = 404
    if request.method == "POST":
        upload = request.FILES.get("package")
        chosen = [t for t in teams if str(t.uuid) in request.POST.getlist("teams")]
        if upload is None:
            error = _("Choose the archive package (a ZIP file) to import.")
        else:
            try:
                case = case_import(upload, jobcenter=user.jobcenter, actor=user, teams=chosen)
            except AmtsboteError as exc:
                error = exc.message
            else:
                messages.success(
                    request,
                    _("The case %(bg)s was imported with %(count)s documents.")
                    % {"bg": case.bg_number, "count": case.documents.count()},
                )
                return redirect("desk:archive_history", case_uuid=case.uuid)
        status = 400
    imports = ArchiveImport.objects.filter(case__jobcenter_id=jobcenter_id).select_related(
        "case", "imported_by"
    )[:50]
    return render(
        request,
        "desk/records/archive_overview.html",
        {"teams": teams, "imports": imports, "error": error},
        status=status,
    )


@require_GET
@staff_required
def archive_export(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponseBase:
    """The case's archive package as a download (written to a temporary file, then streamed)."""
    user, jobcenter_id = _officer(request)
    case = _case_of_jobcenter(jobcenter_id, case_uuid)
    spool = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 - FileResponse closes it
    try:
        case_export(case, actor=user, target=spool)
    except AmtsboteError as exc:
        spool.close()
        messages.error(request, exc.message)
        return redirect("desk:archive")
    spool.seek(0)
    return file_response(
        spool, content_type="application/zip", filename=f"akte-{case.bg_number}.zip"
    )


@require_GET
@staff_required
def archive_history(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """The history a case brought from the jobcenter it came from (team leads, case teams)."""
    user = staff_user(request)
    if is_records_officer(user) and user.jobcenter_id is not None:
        case = _case_of_jobcenter(user.jobcenter_id, case_uuid)
    else:
        case = access_case_for_staff(user, case_uuid)
    imports = list(ArchiveImport.objects.filter(case=case).select_related("imported_by"))
    if not imports:
        raise Http404("this case was not imported")
    record_case_read(user, case, view="imported_history")
    entries = ImportedHistoryEntry.objects.filter(case=case).order_by("position")
    page = Paginator(entries, HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/records/archive_history.html",
        {"case": case, "imports": imports, "page": page, "may_export": is_records_officer(user)},
    )
