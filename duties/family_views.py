"""The draft SEN information report in the family area: a parent asked to comment (by name, or
through the parent forum) reads the draft and leaves comments, and sees the school's answers to
their own. The page speaks the parent's language; the school's words stay in English."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

import access
from duties import services
from duties.forms import CommentForm
from duties.views import report_context
from family.views import in_parent_language
from ui.forms import add_service_errors


@login_required
@require_http_methods(["GET", "POST"])
@in_parent_language
def family_report(request: HttpRequest) -> HttpResponse:
    drafts = list(access.visible_shared_reports(request.user).select_related("school"))  # type: ignore[arg-type]
    chosen = drafts[0] if drafts else None
    wanted = request.POST.get("report") or request.GET.get("report")
    if wanted:
        chosen = next((d for d in drafts if str(d.pk) == wanted), chosen)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and chosen is not None and form.is_valid():
        try:
            services.comment_add(
                report=chosen,
                section=form.cleaned_data["section"],
                text=form.cleaned_data["text"],
                by=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you: your comment is with the school."))
            return redirect(f"{request.path}?report={chosen.pk}")
    context = report_context(chosen, timezone.localdate()) if chosen else {}
    mine = chosen.comments.filter(author_id=request.user.pk) if chosen else []
    return render(
        request,
        "duties/family_report.html",
        {
            **context,
            "drafts": drafts,
            "form": form,
            "mine": mine,
            "language": translation.get_language(),
        },
    )
