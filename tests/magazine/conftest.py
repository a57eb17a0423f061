"""Magazine fixtures: the マガジン and 出版物 indexes under the shared fixtures' home page."""

import pytest

from django.contrib.auth import get_user_model

from kisha.magazine.factories import MagazineIndexPageFactory, ProductIndexPageFactory


@pytest.fixture
def magazine(home):
    return MagazineIndexPageFactory(parent=home)


@pytest.fixture
def products_index(home):
    return ProductIndexPageFactory(parent=home)


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser(
        username="desk", email="desk@example.com", password="x" * 20
    )


@pytest.fixture
def admin_client(client, editor):
    client.force_login(editor)
    return client
