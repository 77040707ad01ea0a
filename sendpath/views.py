from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

import access


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    area = access.home_area(request.user)  # type: ignore[arg-type]
    if area == "staff":
        return redirect("school_home")
    if area == "family":
        return redirect("family_home")
    if area == "overview":
        return redirect("overview_home")
    if request.user.is_superuser:  # the installation's administrator, with no role of their own
        return redirect("installation")
    return render(request, "no_access.html", status=403)


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exception) or "Forbidden"}, status=403)
    return render(request, "403.html", {"message": str(exception or "")}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found"}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error"}, status=500)
    return render(request, "500.html", status=500)
