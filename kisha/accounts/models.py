"""The user model lives in an app of its own: Wagtail's migrations depend on it, and the image
model (in kisha.core) depends on Wagtail's, so the two cannot share an app without a cycle."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """The newsroom's accounts. Custom from the first migration so fields can be added later."""

    display_name = models.CharField("表示名", max_length=100, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = "ユーザー"
        verbose_name_plural = "ユーザー"

    def get_full_name(self) -> str:
        return self.display_name or super().get_full_name() or self.username
