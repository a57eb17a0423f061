"""Reading rendered pages in tests as a reader reads them."""

import re

_PHRASE_SPANS = (
    re.compile(r'<span class="nobr">(.*?)</span>', re.S),
    re.compile(r'<span class="phrases">(.*?)</span>', re.S),
)


def unphrase(html: str | bytes) -> str:
    """`html` without the phrase markup of kisha.core.phrases (`<wbr>`, the keep-all and nobr
    spans), so a test can look for a headline as one string."""
    if isinstance(html, bytes):
        html = html.decode()
    html = html.replace("<wbr>", "")
    for pattern in _PHRASE_SPANS:
        html = pattern.sub(r"\1", html)
    return html
