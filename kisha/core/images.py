"""Rights kept with an image: added to, never lost.

One file may reach the library from several wire pictures (the same photo resent under another
id, or by another agency): ``KishaImage`` stores it once (Wagtail's ``file_hash``), so the
rights each picture brings are merged into the one image. A merge keeps every statement the
image had unless the new one contains it word for word, and adds nothing that is already there,
so an editor choosing the image sees every restriction any agency put on it, once.
"""

from __future__ import annotations

import logging

from django.db import transaction

from .models import COPYRIGHT_NOTICE_MAX, USAGE_TERMS_MAX, KishaImage

logger = logging.getLogger(__name__)


def _plain(text: str) -> str:
    """The text as compared: runs of whitespace (U+3000 included) as one space."""
    return " ".join(text.split())


def usage_terms_merged(current: str, new: str) -> str:
    """``current`` with each line of ``new`` that it does not already say added on a line of
    its own; a line of ``current`` that a new line repeats word for word gives way to it."""
    lines = [line.strip() for line in current.splitlines() if line.strip()]
    for line in (line.strip() for line in new.splitlines()):
        if not line or _plain(line) in _plain("\n".join(lines)):
            continue
        lines = [kept for kept in lines if _plain(kept) not in _plain(line)]
        lines.append(line)
    return "\n".join(lines)


def copyright_notice_merged(current: str, new: str) -> str:
    """Both notices, ``/`` between them, unless one contains the other."""
    current, new = current.strip(), new.strip()
    if not new or _plain(new) in _plain(current):
        return current
    if not current or _plain(current) in _plain(new):
        return new
    return f"{current} / {new}"


def image_rights_add(
    *, image: KishaImage, copyright_notice: str = "", usage_terms: str = ""
) -> bool:
    """Add a picture's rights to a stored image (under a row lock, so two downloads of the same
    file cannot overwrite each other's). Returns whether the image changed. A merge longer than
    the field holds is not written: the image keeps what it has and the refusal is logged (the
    wire picture keeps its own terms, and 記事化 still tells them)."""
    if not copyright_notice.strip() and not usage_terms.strip():
        return False
    with transaction.atomic():
        locked = KishaImage.objects.select_for_update().filter(pk=image.pk).first()
        if locked is None:  # deleted from the library meanwhile: nothing to add to
            return False
        changed: list[str] = []
        for name, merge, new, limit in (
            ("copyright_notice", copyright_notice_merged, copyright_notice, COPYRIGHT_NOTICE_MAX),
            ("usage_terms", usage_terms_merged, usage_terms, USAGE_TERMS_MAX),
        ):
            merged = merge(getattr(locked, name), new)
            if merged == getattr(locked, name):
                continue
            if len(merged) > limit:
                logger.warning(
                    "image %s: %s not added (too long)", image.pk, name.replace("_", " ")
                )
                continue
            setattr(locked, name, merged)
            changed.append(name)
        if changed:
            locked.save(update_fields=changed)
    for name in changed:
        setattr(image, name, getattr(locked, name))
    return bool(changed)
