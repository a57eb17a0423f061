"""Private documents only through Wagtail's serve view; the media route serves renditions only."""

import pytest

from django.core.files.base import ContentFile

from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from kisha.news.factories import KishaImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_document():
    root = Collection.get_first_root_node()
    private = root.add_child(name="社内資料")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    return get_document_model().objects.create(
        title="人事案",
        collection=private,
        file=ContentFile(b"confidential personnel plan", name="jinji.txt"),
    )


def test_a_private_document_is_not_served_from_media(client, private_document):
    name = private_document.file.name
    assert name.startswith("documents/")
    assert client.get(f"/media/{name}").status_code == 404
    # Nor by walking out of the renditions folder.
    assert client.get(f"/media/images/../{name}").status_code in (400, 404)


def test_a_private_document_needs_a_login_at_its_wagtail_url(
    client, private_document, django_user_model
):
    url = private_document.url
    assert url == f"/documents/{private_document.pk}/jinji.txt"
    response = client.get(url)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "login" in response["Location"]
    reader = django_user_model.objects.create_user("staff", "staff@example.com", "pw")
    client.force_login(reader)
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]  # never kept by a shared cache
    assert b"".join(response.streaming_content) == b"confidential personnel plan"


def test_renditions_are_served_and_originals_are_not(client):
    image = KishaImageFactory()
    rendition = image.get_rendition("fill-120x80|format-webp")
    assert rendition.url.startswith("/media/images/")
    response = client.get(rendition.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert image.file.name.startswith("original_images/")
    assert client.get(f"/media/{image.file.name}").status_code == 404


def test_the_image_admin_still_shows_its_previews(client, django_user_model):
    image = KishaImageFactory()
    client.force_login(django_user_model.objects.create_superuser("d", "d@example.com", "pw"))
    html = client.get(f"/admin/images/{image.pk}/").content.decode()
    previews = [part.split('"')[0] for part in html.split('src="/media/')[1:]]
    assert previews and all(p.startswith("images/") for p in previews)
    assert all(client.get(f"/media/{p}").status_code == 200 for p in previews)
