"""What each ranking entry reads (kisha.rankings.fragments.ranking_headlines): the reference
page's whole headline for ranks 1–5 and a cut one for 6–10, and never two entries alike."""

from dataclasses import dataclass

from kisha.core.text import display_width
from kisha.rankings.fragments import ranking_headlines


@dataclass
class Card:
    title: str
    short_headline: str = ""

    @property
    def card_title(self) -> str:
        return self.short_headline or self.title


LONG = "国産ロケット、{n}号機の打ち上げに成功　商業衛星を軌道へ"


def test_full_headlines_whole_then_cut():
    cards = [Card(LONG.format(n=n), f"ロケット{n}号機") for n in range(10)]
    shown = ranking_headlines(cards, width=28)
    for n, (text, full) in enumerate(shown):
        assert full == cards[n].title
        if n < 5:
            assert text == full
        else:
            assert text.endswith("…") and display_width(text) <= 28  # the cut now triggers


def test_short_headlines_that_collide_fall_back_to_the_headline():
    cards = [
        Card("国産ロケット、7号機の打ち上げに成功", "ロケット打ち上げ成功"),
        Card("国産ロケット、8号機の打ち上げに成功", "ロケット打ち上げ成功"),
        Card("小惑星探査機が地球に帰還へ", "探査機が帰還へ"),
    ]
    shown = [text for text, _ in ranking_headlines(cards, width=28, headline="short")]
    assert shown == [cards[0].title, cards[1].title, "探査機が帰還へ"]


def test_cuts_that_would_read_alike_are_shown_whole():
    same_start = "米中の閣僚級通商協議、関税の扱いが焦点に　第{n}回"
    cards = [Card(f"見出し{n}") for n in range(5)]
    cards += [Card(same_start.format(n=n)) for n in range(5)]
    shown = [text for text, _ in ranking_headlines(cards, width=20)]
    assert len(set(shown)) == len(shown)
    assert shown[5:] == [c.title for c in cards[5:]]


def test_no_articles():
    assert ranking_headlines([], width=28) == []
