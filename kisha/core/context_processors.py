from django.conf import settings
from django.http import HttpRequest


def site_chrome(request: HttpRequest) -> dict:
    """What every page's chrome needs and that is the same for every reader."""
    return {
        "SITE_NAME": settings.KISHA_SITE_NAME,
        "SITE_URL": settings.KISHA_SITE_URL,
    }
