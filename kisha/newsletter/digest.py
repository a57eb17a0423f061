"""Composing a digest: the site's content and the editor's intro rendered once per mailing to
HTML (CSS inlined by css-inline, a dark-mode block kept as a <style>) and plain text, with
placeholders where each reader's links go. Personalising a mail is then two str.replace calls,
which is what lets a send reach hundreds of mails a second (docs/performance.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import css_inline

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kisha.core.text import jst_date

from .models import Mailing, NewsletterList
from .selectors import digest_content
from .tokens import manage_token_make

UNSUBSCRIBE = "%%KISHA_UNSUBSCRIBE%%"
MANAGE = "%%KISHA_MANAGE%%"
# Media queries cannot be inlined; this block is added after inlining and clients that ignore
# it still show the inlined light colours, which are explicit (never "inherit"), so a client
# that inverts colours on its own keeps the contrast.
DARK_CSS = """
@media (prefers-color-scheme: dark) {
  .nl-body, .nl-outer { background: #15181c !important; }
  .nl-card { background: #1f2328 !important; border-color: #353b42 !important; }
  .nl-item { border-color: #353b42 !important; }
  .nl-text, .nl-title a, .nl-lead, .nl-intro { color: #e8e8e8 !important; }
  .nl-meta, .nl-footer, .nl-footer a { color: #a8b0b8 !important; }
  .nl-h2 { color: #ff8a80 !important; border-color: #ff8a80 !important; }
}
"""

_BLOCK_END = re.compile(r"(</(?:p|div|tr|td|table|h2)>)(?!\n)")
_inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


@dataclass(frozen=True)
class Composed:
    subject: str
    html: str
    text: str


def _context(*, newsletter: NewsletterList, subject: str, intro: str) -> dict:
    return {
        "site_name": settings.KISHA_SITE_NAME,
        "site_url": settings.KISHA_SITE_URL,
        "newsletter": newsletter,
        "subject": subject,
        "intro_paragraphs": [
            p.strip() for p in intro.replace("\r\n", "\n").split("\n\n") if p.strip()
        ],
        "date": jst_date(timezone.now()),
        "unsubscribe_url": UNSUBSCRIBE,
        "manage_url": MANAGE,
        **digest_content(),
    }


def digest_compose(*, newsletter: NewsletterList, subject: str, intro: str) -> Composed:
    context = _context(newsletter=newsletter, subject=subject, intro=intro)
    html = render_to_string("newsletter/mail/digest.html", context)
    html = _inliner.inline(html)
    # Short lines: a body line over 998 bytes would be sent quoted-printable, and mail.py's
    # template needs the placeholders whole (a break after a block's end changes no rendering).
    html = _BLOCK_END.sub("\\1\n", html)
    html = html.replace("</head>", f"<style>{DARK_CSS}</style></head>", 1)
    text = render_to_string("newsletter/mail/digest.txt", context)
    return Composed(subject=subject, html=html, text=text)


def mailing_compose(*, mailing: Mailing) -> Composed:
    return digest_compose(
        newsletter=mailing.newsletter, subject=mailing.subject, intro=mailing.intro
    )


def personalise(body: str, *, unsubscribe_url: str, manage_url: str) -> str:
    return body.replace(UNSUBSCRIBE, unsubscribe_url).replace(MANAGE, manage_url)


def reader_links(*, subscriber_id: int, key: str, list_id: int, signer=None) -> tuple[str, str]:
    """The reader's one-click unsubscribe URL for this list and preferences URL."""

    base = settings.KISHA_SITE_URL
    unsub = manage_token_make(subscriber_id=subscriber_id, key=key, list_id=list_id, signer=signer)
    manage = manage_token_make(subscriber_id=subscriber_id, key=key, signer=signer)
    return (
        base + reverse("newsletter:unsubscribe", args=[unsub]),
        base + reverse("newsletter:manage", args=[manage]),
    )
