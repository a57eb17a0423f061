"""ISBN-13 and JAN codes of print products: normalised, checked, and named.

python-stdnum does the check-digit arithmetic (EAN-13 and EAN-8, of which ISBN-13 is the
978/979 prefix); this module turns its exceptions into the messages a desk editor reads.
"""

from __future__ import annotations

import unicodedata

from stdnum import ean
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

from django.core.exceptions import ValidationError

MAX_INPUT = 40  # hyphens and spaces included; anything longer is not a code


def code_normalize(value: str) -> str:
    """Full-width digits to ASCII (NFKC), hyphens and spaces dropped."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in value if ch not in "- \u2010\u2011\u2012\u2013\u2212\u30fc")


def code_kind(code: str) -> str:
    """`ISBN` for a 978/979 code, else `JAN`."""
    return "ISBN" if len(code) == 13 and code[:3] in ("978", "979") else "JAN"


def code_validate(value: str) -> str:
    """The code as 8 or 13 digits, or a ValidationError in Japanese."""
    if len(value or "") > MAX_INPUT:
        raise ValidationError(
            "ISBN/JANコードが長すぎます。13桁（JAN短縮形は8桁）で入力してください。"
        )
    code = code_normalize(value)
    if not code.isdigit() or not code.isascii():
        raise ValidationError("ISBN/JANコードは数字（とハイフン）だけで入力してください。")
    if len(code) not in (8, 13):
        raise ValidationError(
            f"ISBN/JANコードは13桁（JAN短縮形は8桁）です。入力は{len(code)}桁です。"
        )
    try:
        ean.validate(code)
    except InvalidChecksum:
        expected = ean.calc_check_digit(code[:-1])
        raise ValidationError(
            f"{code_kind(code)}のチェックディジット（最後の1桁）が正しくありません。"
            f"「{code[:-1]}」に続く数字は {expected} のはずです。入力を確かめてください。"
        ) from None
    except StdnumError:
        raise ValidationError("ISBN/JANコードの形式が正しくありません。") from None
    return code


def code_display(code: str) -> str:
    """`ISBN978-4-…` is publisher-specific to hyphenate; show `ISBN 9784…` / `JAN 4910…`."""
    return f"{code_kind(code)} {code}" if code else ""
