"""Three demo series over the demo's own articles (kisha.demo): a まとめ of a fictional
administration, a travel series in numbered seasons, and a running 連載. Idempotent: a second
run rewrites the same three series. Called from `manage.py demo_site`."""

from __future__ import annotations

from kisha.news.selectors import article_pages, home_pages

from .services import SeasonSpec, series_index_ensure, series_publish


def _articles(*topics: str, limit: int = 12) -> list:
    return list(
        article_pages()
        .live()
        .filter(primary_topic__slug__in=topics)
        .order_by("first_published_at", "id")
        .only("id", "hero_image_id")[:limit]
    )


def demo_series() -> int:
    """Build the demo's series; returns how many there are."""
    home = home_pages().first()
    if home is None:
        return 0
    index = series_index_ensure(home=home)
    if not index.intro:
        index.intro = "ひとつのテーマを追った記事を、編集部が順番に並べました。"
        index.save_revision().publish()
    built = 0

    cabinet = _articles("disaster-prevention", "expo-legacy", "work-style", limit=10)
    if cabinet:
        series_publish(
            index=index,
            slug="hayama-cabinet",
            title="葉山内閣の一年　まとめ",
            kicker="まとめ",
            description=(
                "架空の葉山内閣が発足してからの一年を、防災、万博の跡地、働き方改革の記事で"
                "振り返ります。古い順に並べています。"
            ),
            cover_image=cabinet[0].hero_image,
            entries=[(a.id, None) for a in cabinet],
        )
        built += 1

    travel = _articles("rural-migration", limit=10)
    if travel:
        half = (len(travel) + 1) // 2
        series_publish(
            index=index,
            slug="local-line-journey",
            title="ローカル線でめぐる移住の町",
            kicker="旅の連載",
            description="各駅停車で地方の町を訪ね、移り住んだ人たちの暮らしを聞く旅の連載です。",
            cover_image=travel[-1].hero_image,
            seasons=[
                SeasonSpec(1, "海沿いの町へ", "潮見町から白浜台町まで、海岸線を南へ。"),
                SeasonSpec(2, "山あいの村へ", "北渓村と葉月町、峠を越えた先の暮らし。"),
            ],
            entries=[(a.id, 1 if i < half else 2) for i, a in enumerate(travel)],
        )
        built += 1

    ai = _articles("generative-ai", "semiconductors", limit=8)
    if ai:
        series_publish(
            index=index,
            slug="ai-and-work",
            title="生成AIと私たちの仕事",
            kicker="連載",
            description="生成AIと半導体の現場から、仕事の中身がどう変わるのかを追う連載です。",
            cover_image=ai[0].hero_image,
            entries=[(a.id, None) for a in ai],
        )
        built += 1
    return built
