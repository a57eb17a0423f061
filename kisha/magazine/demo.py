"""Demo content for the magazine: a year of weekly issues and three print products.

Issues come out on Tuesdays, on sale a week before their cover date. Three weeks of the year are
合併号 (one issue for two weeks): Golden Week, Obon and New Year. Feature titles, leads and the
print-only TOC lines are written for this project (fiction, not real news). Idempotent: an
issue is found by its slug (its cover date) before it is made.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from stdnum import ean

from django.db import transaction

from kisha.core.models import KishaImage
from kisha.core.text import JST
from kisha.news.selectors import article_pages, home_pages

from .models import (
    IssuePage,
    IssueTocEntry,
    MagazineIndexPage,
    PrintProductPage,
    ProductIndexPage,
    ProductRetailerLink,
    today_jst,
)

WEEKS = 52
PRICE = 550
# (month, first day, last day) windows whose Tuesday starts a combined issue.
COMBINED_WINDOWS = (((4, 26), (5, 3)), ((8, 8), (8, 15)), ((12, 26), (1, 2)))

FEATURES = (
    (
        "物流2030年問題",
        "運び手が足りない。荷主と運送会社、そして消費者の「送料無料」が変わり始めた。",
    ),
    ("水をめぐる地政学", "氷河の後退と巨大ダムが、川を分け合う国々の力関係を塗り替えている。"),
    (
        "地方議会は誰のものか",
        "なり手不足と無投票当選が続く町で、住民が自ら議場に立った一年を追った。",
    ),
    (
        "半導体の次の主戦場",
        "微細化の先にある後工程と素材。日本企業が再び存在感を示せる場所はどこか。",
    ),
    (
        "老いる都市インフラ",
        "高度成長期に造られた橋と水道管が一斉に更新期を迎える。費用は誰が払うのか。",
    ),
    ("食卓の値段", "肥料、飼料、燃料。輸入に頼る食の原価を分解すると見えてくるもの。"),
    (
        "新しい働き方の副作用",
        "リモートと副業が当たり前になった職場で、評価と孤立の問題が浮かび上がる。",
    ),
    ("宇宙ビジネス元年", "打ち上げ費用の低下で、小さな企業が衛星データを売る時代がやってきた。"),
    ("教室のAI", "生成AIを授業に取り入れた学校と、禁止した学校。一年後に何が違ったのか。"),
    ("島国のエネルギー", "洋上風力、原子力、水素。電源構成をめぐる選択肢とそれぞれの重さ。"),
    ("観光客が戻った街で", "にぎわいと生活の両立を模索する古都と温泉地の試み。"),
    ("人口減少をどう生きるか", "縮む前提で町をたたむ自治体と、移住者で持ち直す村の分かれ道。"),
    ("通貨の未来", "デジタル通貨と現金。決済の主役交代は私たちの暮らしを何から変えるのか。"),
)

TOC_LINES = {
    "【編集長から】": ("今週の特集に寄せて", "読者からの手紙に答える"),
    "Periscope": ("世界の動き 今週の10本", "数字で読む世界経済", "各地の小さなニュース"),
    "Commentary": ("コラム 霞が関の風向き", "コラム 市場の温度計", "コラム 異文化の窓"),
    "World Affairs": ("欧州の選挙イヤーを読む", "中東の停戦交渉の行方", "南米の資源政策"),
    "Features": ("ルポ 夜の物流センター", "インタビュー 若手研究者の挑戦"),
    "Life/Style": ("映画 今週の一本", "旅 冬の港町を歩く", "本 編集部の推薦書"),
}

PRODUCTS = (
    {
        "slug": "mook-world-economy",
        "title": "MOOK 図解 世界経済の読み方",
        "kind": PrintProductPage.Kind.MOOK,
        "on_sale": -30,
        "end": None,
        "price": 1540,
        "prefix": "978402990001",
        "description": "金利、為替、エネルギー。ニュースの背景にある仕組みを図で解説します。",
    },
    {
        "slug": "bessatsu-next-year",
        "title": "別冊 来年の論点100",
        "kind": PrintProductPage.Kind.BESSATSU,
        "on_sale": 12,
        "end": None,
        "price": 1320,
        "prefix": "491099900123",
        "description": "政治、経済、社会、テクノロジー。来年を読むための100のテーマ。",
    },
    {
        "slug": "bessatsu-heisei",
        "title": "別冊 写真で見る平成の30年",
        "kind": PrintProductPage.Kind.BESSATSU,
        "on_sale": -500,
        "end": -60,
        "price": 1100,
        "prefix": "978402990002",
        "description": "報道写真でふり返る30年。",
    },
)


@dataclass(frozen=True)
class MagazineDemoSummary:
    issues: int
    combined: int
    products: int


def _combined_start(day: dt.date) -> bool:
    for (m1, d1), (m2, d2) in COMBINED_WINDOWS:
        start = dt.date(day.year, m1, d1)
        end = dt.date(day.year + (1 if m2 < m1 else 0), m2, d2)
        if start <= day <= end:
            return True
        if m2 < m1 and dt.date(day.year - 1, m1, d1) <= day <= dt.date(day.year, m2, d2):
            return True
    return False


def issue_dates(*, today: dt.date, weeks: int = WEEKS) -> list[tuple[dt.date, dt.date | None]]:
    """(cover, combined end) for a year of Tuesday issues up to the one on sale today."""
    latest = today + dt.timedelta(days=(1 - today.weekday()) % 7)  # the coming Tuesday
    if latest - dt.timedelta(days=7) > today:
        latest -= dt.timedelta(days=7)
    tuesdays = [latest - dt.timedelta(weeks=n) for n in range(weeks)][::-1]
    dates, skip = [], False
    for day in tuesdays:
        if skip:
            skip = False
            continue
        if _combined_start(day) and day + dt.timedelta(days=7) <= latest:
            dates.append((day, day + dt.timedelta(days=7)))
            skip = True
        else:
            dates.append((day, None))
    return dates


def _ensure_index(home, model, *, slug: str, title: str, intro: str):
    existing = model.objects.child_of(home).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(title=title, slug=slug, intro=intro)
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def _publish(parent, page, *, fast: bool) -> None:
    if fast:
        page.live = True
        parent.add_child(instance=page)
    else:
        parent.add_child(instance=page)
        page.save_revision().publish()


def magazine_demo_build(*, seed: int, fast: bool = False) -> MagazineDemoSummary:
    """Build (or complete) the demo's マガジン and 出版物 under the demo home page."""
    rng = random.Random(seed)
    home = home_pages().first()
    images = list(KishaImage.objects.order_by("id")[:40])
    articles = list(
        article_pages()
        .live()
        .exclude(first_published_at=None)
        .defer_streamfields()
        .order_by("-first_published_at")[:300]
    )
    used: set[int] = set()
    today = today_jst()
    with transaction.atomic():
        magazine = _ensure_index(
            home,
            MagazineIndexPage,
            slug="magazine",
            title="マガジン",
            intro="毎週火曜日号、前の週の火曜日発売。",
        )
        existing = set(IssuePage.objects.child_of(magazine).values_list("slug", flat=True))
        dates = issue_dates(today=today)
        numbers: dict[int, int] = {}
        combined = 0
        for position, (cover, end) in enumerate(dates):
            numbers[cover.year] = numbers.get(cover.year, 0) + 1
            combined += end is not None
            if cover.isoformat() in existing:
                continue
            title, lead = FEATURES[position % len(FEATURES)]
            on_sale = cover - dt.timedelta(days=7)
            issue = IssuePage(
                title=title,
                slug=cover.isoformat(),
                volume=cover.year - 1985,
                number=numbers[cover.year],
                cover_date=cover,
                cover_date_end=end,
                on_sale_date=on_sale,
                price=PRICE + (110 if end else 0),
                cover_image=images[position % len(images)] if images else None,
                feature_lead=lead,
            )
            # An issue prints web stories of the two weeks before it went on sale, each once.
            recent = [
                a
                for a in articles
                if a.id not in used
                and on_sale - dt.timedelta(days=14)
                <= a.first_published_at.astimezone(JST).date()
                < on_sale
            ]
            picked = rng.sample(recent, k=min(3, len(recent)))
            used.update(a.id for a in picked)
            issue.toc_entries = _toc(rng, title=title, picked=picked)
            _publish(magazine, issue, fast=fast)
        products = _ensure_index(
            home,
            ProductIndexPage,
            slug="products",
            title="出版物",
            intro="編集部が手がけたMOOKと別冊。",
        )
        for position, spec in enumerate(PRODUCTS):
            if PrintProductPage.objects.child_of(products).filter(slug=spec["slug"]).exists():
                continue
            product = PrintProductPage(
                title=spec["title"],
                slug=spec["slug"],
                kind=spec["kind"],
                description=spec["description"],
                on_sale_date=today + dt.timedelta(days=spec["on_sale"]),
                sale_end_date=today + dt.timedelta(days=spec["end"]) if spec["end"] else None,
                price=spec["price"],
                code=spec["prefix"] + ean.calc_check_digit(spec["prefix"]),
                cover_image=images[(-1 - position) % len(images)] if images else None,
            )
            product.retailer_links = [
                ProductRetailerLink(
                    name="オンライン書店", url=f"https://books.example.jp/{spec['slug']}"
                ),
                ProductRetailerLink(name="電子版", url=f"https://ebooks.example.jp/{spec['slug']}"),
            ]
            _publish(products, product, fast=fast)
    return MagazineDemoSummary(issues=len(dates), combined=combined, products=len(PRODUCTS))


def _toc(rng: random.Random, *, title: str, picked: list) -> list[IssueTocEntry]:
    entries = [
        IssueTocEntry(section="【編集長から】", title=rng.choice(TOC_LINES["【編集長から】"]))
    ]
    entries.append(IssueTocEntry(section="Special Report", title=f"特集 {title}", print_page=18))
    entries += [IssueTocEntry(section="Special Report", article=a, title="") for a in picked[:2]]
    for section in ("Periscope", "Commentary", "World Affairs", "Features", "Life/Style"):
        entries.append(IssueTocEntry(section=section, title=rng.choice(TOC_LINES[section])))
    if len(picked) > 2:
        entries.insert(-1, IssueTocEntry(section="Features", article=picked[2], title=""))
    for order, entry in enumerate(entries):
        entry.sort_order = order
    return entries
