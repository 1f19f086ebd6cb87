"""Which routes and Django URL entries log users in (or issue tokens): what the login-related CFG rules and the
checklist look at."""

from __future__ import annotations

from typing import Any

from bastion.concepts.route_security import is_login_route
from bastion.concepts.webapp import ProjectModel, RouteContext

DJANGO_LOGIN_VIEWS = frozenset(
    {
        "django.contrib.auth.views.LoginView",
        "django.contrib.auth.views.PasswordResetView",
        "django.contrib.auth.views.login",
        "rest_framework.authtoken.views.obtain_auth_token",
        "rest_framework.authtoken.views.ObtainAuthToken",
        "rest_framework_simplejwt.views.TokenObtainPairView",
        "rest_framework_simplejwt.views.TokenObtainSlidingView",
    }
)


DJANGO_AUTH_URLS = "django.contrib.auth.urls"


def login_routes(model: ProjectModel) -> list[RouteContext]:
    return [
        context
        for context in model.routes
        if is_login_route(context.route.name, context.route.path, context.route.methods, context.route.reads_password)
    ]


def is_django_login_entry(entry: Any) -> bool:
    return entry.view in DJANGO_LOGIN_VIEWS or entry.include == DJANGO_AUTH_URLS
