"""A small newsroom of fictional stories on three running topics, written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from django.utils import timezone

from kisha.news.factories import (
    ArticlePageFactory,
    TopicIndexPageFactory,
    TopicPageFactory,
    publish_at,
)

STORIES = {
    "korea": [
        (
            "北朝鮮、非核化協議の再開に前向き　米特使が平壌入り",
            "米国の特使が平壌に入り、非核化協議の再開を打診した。",
            "北朝鮮の外務省は非核化をめぐる協議について、制裁の緩和が先だと主張した。米国務省は検証の手順を重視する。",
        ),
        (
            "米朝首脳会談、非核化の工程表で溝　制裁緩和が焦点",
            "米朝首脳会談は非核化の工程表で合意に至らなかった。",
            "非核化と制裁緩和の順序をめぐり、米朝の立場の違いが浮き彫りになった。北朝鮮は核施設の一部廃棄を提案した。",
        ),
        (
            "北朝鮮がミサイル発射　非核化交渉に暗雲",
            "北朝鮮が短距離ミサイルを日本海に向けて発射した。",
            "防衛省によると、ミサイルは約400キロ飛行した。米朝の非核化交渉は停滞し、制裁の強化を求める声が強まっている。",
        ),
        (
            "韓国大統領、米朝の仲介に意欲　非核化へ南北会談",
            "韓国の大統領は南北首脳会談で非核化の進展を訴えた。",
            "南北首脳会談では、北朝鮮の非核化と朝鮮半島の平和体制について協議した。米朝の対話再開が焦点となる。",
        ),
    ],
    "typhoon": [
        (
            "台風10号が九州に接近　気象庁が大雨特別警報の可能性",
            "気象庁は台風10号の接近で大雨特別警報を出す可能性があると発表した。",
            "台風10号は暴風域を伴って九州南部に接近している。気象庁は土砂災害と河川の氾濫に警戒を呼びかけ、自治体は避難指示を出した。",
        ),
        (
            "台風の大雨で河川氾濫　避難所に住民が身を寄せる",
            "台風による記録的な大雨で、各地の河川が氾濫した。",
            "避難所には多くの住民が身を寄せた。気象庁は線状降水帯の発生を伝え、土砂災害への警戒を続けるよう求めている。",
        ),
        (
            "気象庁、台風シーズンの備えを呼びかけ　避難経路の確認を",
            "気象庁は台風シーズンを前に、避難経路の確認を呼びかけた。",
            "大雨や暴風に備え、ハザードマップで土砂災害の危険がある場所を確かめるよう求めた。自治体は避難所の運営訓練を行った。",
        ),
        (
            "台風一過、停電と断水続く　復旧作業が本格化",
            "台風の通過後も広い範囲で停電と断水が続いている。",
            "電力会社は復旧作業を急いでいる。暴風で倒れた電柱の撤去が進み、避難所では給水車が配備された。",
        ),
    ],
    "markets": [
        (
            "日経平均が大幅反発　円安で輸出株に買い",
            "東京株式市場で日経平均株価は大幅に反発した。",
            "円安が進み、自動車など輸出関連株に買いが広がった。日銀の金融政策決定会合を前に、投資家は金利の動向を注視している。",
        ),
        (
            "日銀が追加利上げを決定　円相場は円高に振れる",
            "日銀は金融政策決定会合で追加利上げを決めた。",
            "利上げを受けて円相場は円高方向に振れ、日経平均株価は下落した。銀行株には買いが入った。",
        ),
        (
            "円安が加速、一時160円台　輸入物価の上昇に懸念",
            "外国為替市場で円安が加速し、一時1ドル160円台をつけた。",
            "輸入物価の上昇が家計を圧迫するとの懸念が強まっている。日銀の為替介入への警戒感から、株価は方向感を欠いた。",
        ),
        (
            "株価急落、世界同時株安の様相　日経平均は一時2000円安",
            "世界的な株安の流れを受け、日経平均株価が急落した。",
            "米国の景気後退懸念から投資家のリスク回避が強まった。円高も重荷となり、輸出株を中心に売りが膨らんだ。",
        ),
    ],
}


@pytest.fixture
def topics(home):
    index = TopicIndexPageFactory(parent=home)
    return {
        key: TopicPageFactory(parent=index, title=title, slug=key)
        for key, title in (("korea", "米朝関係"), ("typhoon", "台風"), ("markets", "市場"))
    }


@pytest.fixture
def newsroom(world, topics):
    """Twelve live articles, four per topic, published an hour apart: {topic key: [pages]}."""
    now = timezone.now()
    pages: dict[str, list] = {}
    n = 0
    for key, stories in STORIES.items():
        for title, lead, body in stories:
            page = ArticlePageFactory(
                parent=world,
                title=title,
                slug=f"{key}-{n}",
                lead=lead,
                body=[("paragraph", f"<p>{body}</p>")],
                primary_topic=topics[key],
            )
            publish_at(page, now - dt.timedelta(hours=n + 1))
            pages.setdefault(key, []).append(page)
            n += 1
    return pages


def topic_of(pages: dict[str, list], article_id: int) -> str:
    for key, group in pages.items():
        if any(page.id == article_id for page in group):
            return key
    return "?"
