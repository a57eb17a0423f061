"""Public views: the sidebar block, the sign-up page and its POST endpoint, and the landing
pages of the links in mails (confirm, preferences, unsubscribe).

CSRF without a token (docs/newsletter.md, "Sign-up and CSRF"): the sign-up form sits in the
sidebar of every cached page, and a page carrying a CSRF token could not be shared. The POST
endpoint instead refuses a browser's cross-site request by its Origin and Sec-Fetch-Site
headers, which every current browser sends on a POST and a page cannot forge, and is rate
limited per address in the shared cache. What a forged sign-up could do anyway is only ask for
a confirmation mail: nothing is subscribed until the mailbox's owner confirms.

Links in mails: GET only shows a page with a button; the state changes on POST (mail scanners
follow links with GET). The one-click unsubscribe POST of RFC 8058 comes from the mail
provider's servers without cookies or Origin, so those endpoints are CSRF-exempt too: the
signed token in the URL is the authority.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kisha.core.addresses import client_address
from kisha.core.memo import Memo

from .forms import PreferencesForm, SignupForm
from .limits import signup_allowed
from .models import NewsletterList
from .selectors import lists_for_sidebar, lists_open, subscriber_lists
from .services import (
    manage_subscriber,
    preferences_update,
    subscribe_request,
    subscription_confirm,
    unsubscribe,
)
from .tokens import TokenError, confirm_token_read, manage_token_make

logger = logging.getLogger("kisha.newsletter")


# Whether any open list is offered in the sidebar, per process behind the content generation
# (a list's save bumps it: signals.py), so the block costs no query on a page.
_sidebar_open = Memo(
    "newsletter-sidebar",
    lambda: NewsletterList.objects.filter(active=True, in_sidebar=True).exists(),
)


def newsletter_slot(request, context: dict) -> str:
    """The sidebar's メールマガジン block: the same HTML for every reader and page, so it never
    stops a page from being cached (no CSRF token, no list names). Nothing when no open list
    is offered in the sidebar."""
    if not _sidebar_open.get():
        return ""
    return render_to_string("newsletter/slot.html", {})


def _private(response: HttpResponse) -> HttpResponse:
    """Pages that carry a reader's token: never stored, never indexed, never leaked in a
    Referer to the article links they show."""
    patch_cache_control(response, private=True, no_store=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _choices() -> list[tuple[int, str]]:
    return [(n.id, n.name) for n in lists_open()]


def _same_origin(request: HttpRequest) -> bool:
    """A browser's cross-site POST says so in Sec-Fetch-Site and in Origin; requests without
    either (curl, a test client) are not a victim's browser and may pass."""
    fetch_site = request.headers.get("Sec-Fetch-Site", "")
    if fetch_site and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin", "")
    if origin and origin != "null":
        allowed = {_origin(settings.KISHA_SITE_URL), _origin(request.build_absolute_uri("/"))}
        allowed |= {_origin(o) for o in settings.CSRF_TRUSTED_ORIGINS}
        return _origin(origin) in allowed
    return origin != "null"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@require_safe
def signup_page(request: HttpRequest) -> HttpResponse:
    """/newsletter/: the lists with their descriptions and a form; cacheable like any page."""
    form = SignupForm(list_choices=_choices())
    return render(request, "newsletter/signup.html", {"form": form, "lists": lists_open()})


@csrf_exempt
@require_POST
def signup_submit(request: HttpRequest) -> HttpResponse:
    if not _same_origin(request):
        return _private(render(request, "newsletter/refused.html", status=403))
    address = client_address(request) or "unknown"
    if not signup_allowed(address=address):
        return _private(render(request, "429.html", status=429))
    form = SignupForm(request.POST, list_choices=_choices())
    if form.is_bot:
        # A bot gets the page a person gets, and nothing happens.
        return HttpResponseRedirect(reverse("newsletter:sent"), status=303)
    if not form.is_valid():
        selected = set()
        for value in request.POST.getlist("lists"):
            if value.isdigit() and len(value) < 12:
                selected.add(int(value))
        context = {"form": form, "lists": lists_open(), "selected": selected}
        response = render(request, "newsletter/signup.html", context, status=400)
        return _private(response)
    list_ids = form.cleaned_data["lists"] or [n.id for n in lists_for_sidebar()]
    subscribe_request(email=form.cleaned_data["email"], list_ids=list_ids)
    return HttpResponseRedirect(reverse("newsletter:sent"), status=303)


@require_safe
def signup_sent(request: HttpRequest) -> HttpResponse:
    """One page for every outcome: new, pending, confirmed, unsubscribed, bounced, SMTP down."""
    return render(request, "newsletter/sent.html", {})


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    context = {"token": token, "state": "ask"}
    if request.method == "POST":
        try:
            subscriber = subscription_confirm(token=token)
            context.update(state="done", manage_url=_manage_url(subscriber))
        except TokenError as exc:
            context["state"] = "expired" if str(exc) == "expired" else "invalid"
    else:
        try:
            confirm_token_read(token)
        except TokenError as exc:
            context["state"] = "expired" if str(exc) == "expired" else "invalid"
    status = 400 if context["state"] in ("expired", "invalid") else 200
    return _private(render(request, "newsletter/confirm.html", context, status=status))


def _manage_url(subscriber) -> str:
    return reverse(
        "newsletter:manage",
        args=[manage_token_make(subscriber_id=subscriber.id, key=subscriber.manage_key)],
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with a button. POST: unsubscribed, whether from that button or from a mail
    client's RFC 8058 one-click POST (body `List-Unsubscribe=One-Click`)."""
    try:
        subscriber, list_id = manage_subscriber(token=token)
    except TokenError:
        return _private(
            render(request, "newsletter/unsubscribe.html", {"state": "invalid"}, status=400)
        )
    context = {"token": token, "state": "ask", "manage_url": _manage_url(subscriber)}
    if list_id:
        context["newsletter"] = next((n for n in lists_open() if n.id == list_id), None)
    if request.method == "POST":
        _, lists = unsubscribe(token=token)
        context.update(state="done", lists=lists)
    return _private(render(request, "newsletter/unsubscribe.html", context))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber, _ = manage_subscriber(token=token)
    except TokenError:
        return _private(render(request, "newsletter/manage.html", {"state": "invalid"}, status=400))
    choices = _choices()
    saved = False
    if request.method == "POST":
        form = PreferencesForm(request.POST, list_choices=choices)
        if form.is_valid():
            preferences_update(subscriber=subscriber, list_ids=set(form.cleaned_data["lists"]))
            saved = True
    else:
        form = PreferencesForm(list_choices=choices)
    context = {
        "state": "form",
        "form": form,
        "saved": saved,
        "email": subscriber.email,
        "lists": lists_open(),
        "subscribed": subscriber_lists(subscriber=subscriber),
        "token": token,
    }
    return _private(
        render(
            request,
            "newsletter/manage.html",
            context,
            status=200 if form.is_bound is False or form.is_valid() else 400,
        )
    )
