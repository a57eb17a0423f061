"""Subscriber addresses: parsed by email-validator (a parser, not a backtracking regex, so a
hostile 100 KB string costs microseconds), normalised, and never allowed near a header with a
line break in it."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254  # RFC 5321's path limit less the brackets


class AddressError(ValueError):
    """The address cannot receive mail; the message is Japanese and safe to show."""


def address_normalize(raw: str) -> str:
    """The address as stored: surrounding spaces stripped, the domain in lower case (the local
    part is the receiving server's business). Raises AddressError."""
    if not isinstance(raw, str):
        raise AddressError("メールアドレスを入力してください。")
    value = raw.strip()
    if not value:
        raise AddressError("メールアドレスを入力してください。")
    # Checked before parsing, so the parser never sees a megabyte; and any control character
    # (CR and LF above all) is refused outright rather than stripped.
    if len(value) > MAX_LENGTH:
        raise AddressError("メールアドレスが長すぎます。")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise AddressError("メールアドレスに使えない文字が含まれています。")
    try:
        parsed = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise AddressError("メールアドレスの形式が正しくありません。") from None
    return f"{parsed.local_part}@{parsed.ascii_domain.lower()}"


def header_safe(value: str, *, limit: int = 200) -> str:
    """A value an editor typed, fit for a header: line breaks and other control characters
    become spaces (Django refuses them with BadHeaderError; this keeps a pasted subject usable)."""
    cleaned = "".join(" " if _is_break(ch) else ch for ch in value)
    # Only the spaces a removed break left behind are collapsed: a full-width space (U+3000)
    # in a Japanese subject is the editor's and stays.
    while "  " in cleaned:
        cleaned = cleaned.replace("  ", " ")
    return cleaned.strip(" ")[:limit]


def _is_break(ch: str) -> bool:
    return ord(ch) < 32 or ord(ch) == 127 or ch in "\u2028\u2029\x85"
