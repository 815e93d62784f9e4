from django.shortcuts import redirect


def home(request):
    if request.user.is_authenticated and request.user.memberships.exists():
        return redirect("workspace:clients")
    return redirect("login")
