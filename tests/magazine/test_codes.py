"""ISBN-13 and JAN: normalised, check digits validated, errors in Japanese."""

import pytest

from django.core.exceptions import ValidationError

from kisha.magazine.codes import code_display, code_kind, code_validate


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("9784065211236", "9784065211236"),
        ("978-4-06-521123-6", "9784065211236"),
        ("９７８４０６５２１１２３６", "9784065211236"),  # full-width digits
        ("4910136051158", "4910136051158"),  # a magazine's JAN
        ("4901234567894", "4901234567894"),
        ("49123456", "49123456"),  # JAN short form (8)
    ],
)
def test_good_codes_are_kept_as_digits(typed, stored):
    assert code_validate(typed) == stored


def test_kind_and_display():
    assert code_kind("9784065211236") == "ISBN"
    assert code_kind("4910136051158") == "JAN"
    assert code_display("9784065211236") == "ISBN 9784065211236"


def test_a_wrong_check_digit_says_which_digit_it_should_be():
    with pytest.raises(ValidationError) as caught:
        code_validate("9784065211237")
    message = caught.value.messages[0]
    assert "ISBNのチェックディジット" in message and "6 のはず" in message
    with pytest.raises(ValidationError, match="JANのチェックディジット"):
        code_validate("4910136051159")


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("978406521123", "13桁"),
        ("97840652112361", "13桁"),
        ("978406521123X", "数字"),
        ("<script>alert(1)</script>", "数字"),
        ("1" * 500, "長すぎます"),
        ("٩٧٨٤٠٦٥٢١١٢٣٦", "数字"),  # Arabic-Indic digits are digits, but not ours
    ],
)
def test_malformed_codes(typed, fragment):
    with pytest.raises(ValidationError) as caught:
        code_validate(typed)
    assert fragment in caught.value.messages[0]
