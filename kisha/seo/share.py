"""Share buttons as readers in Japan expect them: LINE, X, はてなブックマーク, Facebook and
copy link (docs/distribution.md, "Share buttons").

Each is a plain link to the network's own share page, with the article's canonical URL and
headline percent-encoded into it: no script and nothing from another origin is loaded until a
reader clicks, so the buttons cost no request, set no third-party cookie and pass the public
Content-Security-Policy. Copy link is a link to the article itself; `seo/share.js` turns a
click on it into a copy to the clipboard where the browser allows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html


@dataclass(frozen=True)
class ShareLink:
    network: str  # the CSS modifier and the icon's name: line, x, hatena, facebook, copy
    label: str  # the visible text
    rest: str  # read after the label by screen readers: "LINE" + "で送る"
    href: str
    external: bool = True  # opens the network's page in a new tab

    @property
    def name(self) -> str:
        """The accessible name: the visible label first (WCAG 2.5.3, label in name)."""
        return f"{self.label}{self.rest}{'（新しいタブで開きます）' if self.external else ''}"


def _q(text: str) -> str:
    # Everything but the unreserved characters, so "&", "#", "?" and "/" in a headline or URL
    # cannot end or split a parameter.
    return quote(text, safe="")


def share_links(*, url: str, title: str) -> list[ShareLink]:
    """The five share links of the page at `url` (absolute) headed `title`."""
    text = f"{title} | {settings.KISHA_SITE_NAME}"
    return [
        # LINE Social Plugins' share URL (LINE Developers, "Using LINE Social Plugins").
        ShareLink(
            "line",
            "LINE",
            "で送る",
            f"https://social-plugins.line.me/lineit/share?url={_q(url)}",
        ),
        # X's web intent (X Developer Platform, "Web Intents": text and url parameters).
        ShareLink("x", "X", "でポスト", f"https://x.com/intent/post?text={_q(text)}&url={_q(url)}"),
        # はてなブックマーク's add page (Hatena's "はてなブックマークボタン" help: /add?url=).
        ShareLink(
            "hatena",
            "はてブ",
            "（はてなブックマーク）に追加",
            f"https://b.hatena.ne.jp/add?mode=confirm&url={_q(url)}&title={_q(text)}",
        ),
        # Facebook's share dialog by URL (Meta for Developers, "Share Dialog": sharer.php?u=).
        ShareLink(
            "facebook",
            "Facebook",
            "でシェア",
            f"https://www.facebook.com/sharer/sharer.php?u={_q(url)}",
        ),
        ShareLink("copy", "URLコピー", "（記事のリンクをコピー）", url, external=False),
    ]


def share_script_slot(request, context: dict) -> str:
    """The article page's share-button script (the `share` slot of its scripts)."""
    return format_html('<script src="{}" defer></script>', static("seo/share.js"))
