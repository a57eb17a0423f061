"""Content-Security-Policy, the Japanese error pages and `check --deploy`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from django.test import Client

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in header.split(";"))


def assert_japanese_page(response, status: int, heading: str) -> None:
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="ja">' in html and f"<h1>{heading}</h1>" in html
    assert "トップページへ戻る" in html


def test_public_pages_allow_no_inline_script(client, article):
    response = client.get(article.url)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["style-src"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'self'"


def test_every_inline_script_in_our_templates_carries_the_nonce():
    # Mails (templates under a mail/ folder) are not pages: no CSP applies, and mail clients
    # read only inline styles.
    templates = [
        t for t in ROOT.glob("kisha/**/templates/**/*.html") if "mail" not in t.parent.parts
    ]
    assert templates
    for template in templates:
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", template.read_text()):
            if "src=" not in tag:
                assert 'nonce="{{ ' in tag, f"{template}: {tag}"
        # Style attributes cannot carry a nonce; only the admin's policy allows them.
        if "admin" not in template.relative_to(ROOT).parts:
            assert not re.search(r"\sstyle=", template.read_text()), template


def test_the_admin_gets_its_own_looser_policy(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("d", "d@example.com", "pw"))
    policy = directives(client.get("/admin/"))
    assert "'unsafe-inline'" in policy["script-src"] and "nonce-" not in policy["script-src"]


def test_a_bad_host_gets_a_japanese_400(client):
    response = client.get("/", headers={"host": "evil.example"})
    assert_japanese_page(response, 400, "リクエストを処理できません")


def test_permission_denied_gets_a_japanese_403(client, settings):
    settings.ROOT_URLCONF = "tests.core.urls_errors"
    assert_japanese_page(client.get("/_test/forbidden/"), 403, "アクセスできません")


def test_a_csrf_failure_gets_a_japanese_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "a", "password": "b"})
    assert_japanese_page(response, 403, "送信を確認できませんでした")


def test_a_body_over_the_limit_gets_a_japanese_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/admin/login/", {"username": "a", "password": "b" * 5000})
    assert_japanese_page(response, 413, "送信内容が大きすぎます")


def test_an_over_long_url_gets_a_japanese_414(client, settings):
    assert settings.KISHA_MAX_URL_BYTES == 2048
    assert_japanese_page(client.get("/search/", {"q": "x" * 3000}), 414, "アドレスが長すぎます")
    assert_japanese_page(client.get("/" + "a" * 2100 + "/"), 414, "アドレスが長すぎます")
    # Counted as sent: 300 kana are 2,700 bytes percent-encoded.
    assert_japanese_page(client.get("/" + "あ" * 300 + "/"), 414, "アドレスが長すぎます")
    assert client.get("/search/", {"q": "x" * 1500}).status_code == 200
    response = client.get("/" + "a" * 2100 + "/")
    assert "Content-Security-Policy" in response and response["X-Content-Type-Options"] == "nosniff"


def test_the_500_page_styles_itself_with_the_nonce(settings):
    settings.ROOT_URLCONF = "tests.core.urls_errors"
    response = Client(raise_request_exception=False).get("/_test/broken/")
    assert response.status_code == 500
    nonce = re.search(r"'nonce-([^']+)'", directives(response)["style-src"]).group(1)
    assert f'<style nonce="{nonce}">' in response.content.decode()


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "KISHA_HTTPS": "1",
        "SECRET_KEY": "x7Kq2!pL9zR#wV4mN8cT1yB6hJ3fD0sG5aE-uQ_oI+rX2kZ9vW",
        "ALLOWED_HOSTS": "news.example.jp",
        "SQLITE_PATH": str(tmp_path / "check.sqlite3"),
        "LOG_LEVEL": "WARNING",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_responsive_embeds_need_no_style_attribute():
    from wagtail.embeds.embeds import get_embed_hash
    from wagtail.embeds.format import embed_to_frontend_html
    from wagtail.embeds.models import Embed

    url = "https://www.youtube.com/watch?v=kisha"
    Embed.objects.create(
        url=url,
        hash=get_embed_hash(url, max_width=None, max_height=None),
        type="video",
        html='<iframe src="https://www.youtube.com/embed/kisha" width="480" height="270"></iframe>',
        width=480,
        height=270,
    )
    html = embed_to_frontend_html(url)
    assert 'class="responsive-object"' in html and "youtube.com/embed/kisha" in html
    assert "style=" not in html  # the public CSP would refuse it
