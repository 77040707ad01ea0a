from django.http import HttpRequest

from accounts import access


def school(request: HttpRequest) -> dict[str, object]:
    """The school the user is working in and the others they may switch to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    schools = access.staff_schools(user)
    return {
        "current_school": access.current_school(request) if schools else None,
        "switchable_schools": schools,
        "home_area": access.home_area(user),
    }
