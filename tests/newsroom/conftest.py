"""Newsroom fixtures: the four roles (applied again after a transactional test's flush) and one
user per role whose admin language is Japanese."""

import pytest

from django.contrib.auth.models import Group

from wagtail.users.models import UserProfile

from kisha.newsroom.roles import CHIEF, DESK, WEB, WRITER, roles_ensure

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def roles(home, world):
    roles_ensure()
    return {
        group.name: group for group in Group.objects.filter(name__in=[WRITER, DESK, CHIEF, WEB])
    }


@pytest.fixture
def staff(roles, django_user_model):
    """`staff(role, username)` makes an active user in that role (role None: no group)."""

    def make(role, username, *, email=None, password=PASSWORD):
        # password=None: no hashing, for tests that only force_login.
        user = django_user_model.objects.create_user(
            username, email or f"{username}@example.jp", password
        )
        if role:
            user.groups.add(roles[role])
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "ja"
        profile.save()
        return user

    return make


@pytest.fixture
def writer(staff):
    return staff(WRITER, "kisha_writer", password=None)


@pytest.fixture
def desk(staff):
    return staff(DESK, "kisha_desk", password=None)


@pytest.fixture
def chief(staff):
    return staff(CHIEF, "kisha_chief", password=None)


@pytest.fixture
def web(staff):
    return staff(WEB, "kisha_web", password=None)
