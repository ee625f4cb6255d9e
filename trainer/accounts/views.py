"""Sign up, log in and log out. Guests become account holders without losing their attempts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from trainer.accounts.forms import EmailForm, SignupForm
from trainer.accounts.models import keep_language, language_of
from trainer.throttle import limits

# Pages a guest can use: "continue without an account" leads back to one of these.
GUEST_PATHS = ("/scenarios/", "/play/", "/join/")


def _next_url(request: HttpRequest) -> str:
    """The safe ``next`` the person came from, or an empty string."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: "redirect()" would take anything else for a view's name.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _landing(user) -> str:
    """Where a log-in without a ``next`` goes: someone who runs workshops to their
    workshops, everyone else to the scenarios."""
    if user.workshops.exists():
        return reverse("workshops:list")
    return settings.LOGIN_REDIRECT_URL


def _guest_url(next_url: str) -> str:
    """Where "continue without an account" goes: back to a page guests can use, or home."""
    return next_url if next_url.startswith(GUEST_PATHS) else "/"


def _context(request: HttpRequest, form) -> dict:
    next_url = _next_url(request)
    return {"form": form, "next": next_url, "guest_url": _guest_url(next_url)}


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request) or settings.LOGIN_REDIRECT_URL)
    form = AuthenticationForm(request, data=request.POST or None)
    status = 422 if form.is_bound else 200
    if request.method == "POST":
        username = request.POST.get("username", "")
        # Counted before the password is checked, and not checked at all while paused.
        attempt = limits.take(
            (limits.LOGIN_ACCOUNT, username),
            (limits.LOGIN_ADDRESS, limits.client_address(request)),
        )
        if attempt:
            form = AuthenticationForm(request, initial={"username": username})
            paused = (
                "Too many failed log-ins. For your account's safety, log-in is paused: "
                f"try again in {limits.wait_words(attempt.wait)}."
            )
            context = {**_context(request, form), "paused": paused}
            return limits.too_many(request, "registration/login.html", context, attempt.wait)
        if form.is_valid():
            limits.refund(attempt)
            limits.clear(limits.LOGIN_ACCOUNT, username)
            user = form.get_user()
            auth_login(request, user)
            return _with_language(redirect(_next_url(request) or _landing(user)), user)
    return render(request, "registration/login.html", _context(request, form), status=status)


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request) or settings.LOGIN_REDIRECT_URL)
    form = SignupForm(data=request.POST or None)
    attempt = limits.Try()
    if request.method == "POST":
        attempt = limits.take((limits.SIGNUP_ADDRESS, limits.client_address(request)))
        if attempt:
            paused = (
                "Many accounts were made from your network in the last hour. Try again in "
                f"{limits.wait_words(attempt.wait)}, or carry on without an account."
            )
            context = {**_context(request, SignupForm()), "paused": paused}
            return limits.too_many(request, "accounts/signup.html", context, attempt.wait)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:  # someone took the name a moment ago
            limits.refund(attempt)
            form.add_error("username", "A user with that username already exists.")
            return render(request, "accounts/signup.html", _context(request, form), status=422)
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # The language the guest chose before signing up becomes the account's.
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        keep_language(user, chosen)
        messages.success(
            request,
            f"Welcome, {user.get_username()}. Your account is ready; your progress is saved to it.",
        )
        return redirect(_next_url(request) or settings.LOGIN_REDIRECT_URL)
    limits.refund(attempt)  # only accounts made count against the address
    status = 422 if form.is_bound else 200
    return render(request, "accounts/signup.html", _context(request, form), status=status)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def email(request: HttpRequest) -> HttpResponse:
    """Add, change or remove the email address a password reset is sent to."""
    form = EmailForm(data=request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.cleaned_data["email"]:
            messages.success(request, "Saved. A password reset link would go to that address.")
        else:
            messages.success(
                request, "Removed. Without an email address, a forgotten password cannot be reset."
            )
        return redirect("email")
    status = 422 if form.is_bound else 200
    return render(request, "accounts/email.html", {"form": form}, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, "You are logged out.")
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _with_language(response: HttpResponse, user) -> HttpResponse:
    """Give ``response`` the cookie of the language ``user`` chose, so an account reads in
    its own language on every browser it logs in from."""
    language = language_of(user)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The switcher: Django's ``set_language`` (a cookie, then back to ``next``), and for an
    account, the choice kept in its profile. An unknown code changes nothing."""
    response = set_language(request)
    chosen = request.POST.get("language", "")
    if request.user.is_authenticated:
        keep_language(request.user, chosen)
    return response
