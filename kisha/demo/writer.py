"""Writes fictional articles from the templates in `content.py`, deterministically.

Each article depends only on `(seed, index)`, never on how many articles are built, so a run with
`--articles 12` builds the same first twelve stories as a run with `--articles 10000`. Index 0 is
the newest story. The writer knows nothing about Django: it returns plain drafts whose images are
positions in the demo image set, and `services.py` turns them into pages.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

from . import content as c
from .content import Topic

HEADLINE_CHARS = (20, 45)
SHORT_HEADLINE_MAX = 24
LEAD_CHARS = (80, 160)
IMAGE_COUNT = 24

HERO_CAPTIONS = {
    "skyline": "{city}中心部のビル群＝資料写真",
    "sea": "{city}の沿岸部＝資料写真",
    "mountains": "{city}近郊の山並み＝資料写真",
    "abstract": "会見が開かれた会場＝資料写真",
}
BODY_CAPTIONS = {
    "skyline": "夕暮れの{city}。高層ビルの建設が続く",
    "sea": "{city}の港。早朝から船が行き交う",
    "mountains": "{city}の郊外に広がる山並み",
    "abstract": "会場に掲げられた旗",
}


@dataclass
class ArticleDraft:
    index: int
    slug: str
    section: str
    topic: str
    headline: str
    short_headline: str
    lead: str
    # Raw StreamField data; image blocks hold a position in the demo image set under "image".
    body: list[dict]
    pages: int
    hero_image: int | None
    hero_caption: str
    tags: list[str]
    authors: list[str] = field(default_factory=list)
    wire_credit: str = ""
    original_headline: str = ""
    original_author: str = ""
    updated: bool = False


def topic_for(*, seed: int, index: int) -> tuple[Topic, int]:
    """The topic of article `index` and how many times that topic came up before it.

    Topics come round in cycles, each cycle in its own shuffled order, so neighbouring stories in
    a listing differ in topic and a topic's n-th story uses its n-th headline template.
    """
    cycle, position = divmod(index, len(c.TOPICS))
    order = list(c.TOPICS)
    random.Random(seed * 7919 + cycle).shuffle(order)
    return order[position], cycle


def image_kind(position: int) -> str:
    return c.IMAGE_SUBJECTS[position % len(c.IMAGE_SUBJECTS)][1]


def image_agency(position: int) -> str:
    return c.PHOTO_AGENCIES[position % len(c.PHOTO_AGENCIES)]


class _Filler:
    """Fills template slots with one article's cast and fresh numbers per sentence."""

    def __init__(self, rng: random.Random, topic: Topic):
        self.rng = rng
        city = rng.choice(c.CITIES)
        company, company2 = rng.sample(c.COMPANIES, 2)
        surname, given = rng.choice(c.EXPERT_NAMES)
        place = rng.choice(c.UNIVERSITIES)
        titles = c.EXPERT_TITLES[2:] if place.endswith("研究所") else c.EXPERT_TITLES[:2]
        title = rng.choice(titles)
        official, role = rng.choice(c.OFFICIALS[topic.section])
        self.expert_introduced = False
        self.cast = {
            "subject": topic.subject,
            "city": city,
            "foreign_city": rng.choice(c.FOREIGN_CITIES),
            "company": company,
            "company2": company2,
            "expert": f"{place}の{surname}{given}{title}",
            "expert_short": f"{surname}{title}",
            "expert_attribution": f"{surname} {given}・{place}{title}",
            "official": official.replace(" ", ""),
            "official_role": role,
            "work": rng.choice(c.WORKS),
            "player": rng.choice(c.PLAYERS).replace(" ", ""),
        }

    def __call__(self, template: str, *, numbers: dict | None = None) -> str:
        """`template` filled; `numbers` reuses another fill's numbers (a short headline says the
        same 5号機 as its headline). The numbers used are kept in `self.numbers`."""
        rng = self.rng
        cast = dict(self.cast)
        # The expert is introduced in full the first time, by surname and title afterwards.
        if "{expert" in template:
            if self.expert_introduced:
                cast["expert"] = cast["expert_short"]
            else:
                cast["expert_short"] = cast["expert"]
                self.expert_introduced = True
        job, age = rng.choice(c.RESIDENTS)
        drawn = {
            "resident_job": job,
            "resident_age": age,
            "num": rng.randint(2, 9),
            "big": rng.randint(12, 95),
            "pct": f"{rng.randint(1, 9)}.{rng.randint(0, 9)}",
            "day": rng.randint(1, 28),
        }
        self.numbers = numbers if numbers is not None else drawn
        return template.format(**cast, **self.numbers)


def _pick(
    rng: random.Random, options: tuple[str, ...], fill: _Filler, *, turn: int, low: int, high: int
) -> tuple[str, int, dict]:
    """The `turn`-th template (rotating), filled; other templates are tried if it misses the
    length range, and the closest fit is kept as a last resort. Returns the text, the index of
    its template and the numbers it was filled with."""
    start = turn % len(options)
    order = [*range(start, len(options)), *range(start)]
    best: tuple[str, int, dict] | None = None
    for position in order:
        for _ in range(3):
            text = fill(options[position])
            if low <= len(text) <= high:
                return text, position, fill.numbers
            if best is None or abs(len(text) - high) < abs(len(best[0]) - high):
                best = (text, position, fill.numbers)
    assert best is not None
    return best[0][:high], best[1], best[2]


def _fits(sentence: str, topic: Topic) -> bool:
    """Whether a generic sentence reads naturally in a story of this topic's section."""
    section = topic.section
    if "{company}" in sentence and section not in ("business", "technology", "science"):
        return False
    if "国会" in sentence and section in ("world", "culture", "sports"):
        return False
    if "市場関係者" in sentence and section in ("culture", "sports"):
        return False
    # Japanese residents, industry bodies and market sizes have no place in a story from abroad.
    abroad_misfits = ("{resident", "業界団体", "関連市場の規模")
    return not (section == "world" and any(m in sentence for m in abroad_misfits))


def _paragraph(sentences: list[str]) -> str:
    return "<p>" + "".join(sentences) + "</p>"


def _block(rng: random.Random, block_type: str, value) -> dict:
    return {"type": block_type, "value": value, "id": str(uuid.UUID(int=rng.getrandbits(128)))}


def article_draft(*, seed: int, index: int) -> ArticleDraft:
    """The fictional article at `index` (0 = newest) for `seed`."""
    topic, turn = topic_for(seed=seed, index=index)
    rng = random.Random(seed * 1_000_003 + index)
    fill = _Filler(rng, topic)

    wire = index % 5 in (1, 3)  # 40% wire stories
    multi_page = index % 10 == 4  # 10% long features, split into 2–3 pages

    headline, which, numbers = _pick(
        rng, topic.headlines, fill, turn=turn, low=HEADLINE_CHARS[0], high=HEADLINE_CHARS[1]
    )
    # Each headline template has its own short headline, filled with the same names and numbers,
    # so a list that shows the short one names the same story.
    short = fill(topic.shorts[which], numbers=numbers)[:SHORT_HEADLINE_MAX]

    facts = list(topic.facts)
    rng.shuffle(facts)
    lead_sentences = [fill(topic.leads[turn % len(topic.leads)])]
    while facts and sum(map(len, lead_sentences)) < LEAD_CHARS[0]:
        candidate = fill(facts.pop())
        if sum(map(len, lead_sentences)) + len(candidate) <= LEAD_CHARS[1]:
            lead_sentences.append(candidate)
    lead = "".join(lead_sentences)

    body = _body(rng, topic, fill, facts=facts, multi_page=multi_page)
    pages = 1 + sum(1 for block in body if block["type"] == "page_break")

    hero = None
    hero_caption = ""
    agency = rng.choice(c.WIRE_AGENCIES) if wire else ""
    place = fill.cast["foreign_city" if topic.section == "world" else "city"]
    if index < 30 or rng.random() < 0.9:  # the front page always has photos
        # A wire story's photo comes from the same agency; staff stories use our own or domestic.
        wanted = agency or rng.choice(("週刊キシャ", "週刊キシャ", "共同通信", "時事通信"))
        candidates = [i for i in range(IMAGE_COUNT) if image_agency(i) == wanted]
        hero = rng.choice(candidates)
        hero_caption = HERO_CAPTIONS[image_kind(hero)].format(city=place)
    if rng.random() < 0.35:
        position = rng.choice([i for i in range(IMAGE_COUNT) if i != hero])
        caption = BODY_CAPTIONS[image_kind(position)].format(city=place)
        where = 2 if len(body) > 3 else 1
        body.insert(where, _block(rng, "image", {"image": position, "caption": caption, "alt": ""}))

    draft = ArticleDraft(
        index=index,
        slug=f"{topic.slug}-{index + 1:05d}",
        section=topic.section,
        topic=topic.slug,
        headline=headline,
        short_headline=short,
        lead=lead,
        body=body,
        pages=pages,
        hero_image=hero,
        hero_caption=hero_caption,
        tags=rng.sample(topic.tags, rng.randint(1, min(3, len(topic.tags)))),
        updated=index % 12 == 5,
    )
    if wire:
        draft.wire_credit = agency
        draft.original_headline = topic.english[turn % len(topic.english)]
        draft.original_author = rng.choice(c.WIRE_WRITERS)
    else:
        writers = [a.slug for a in c.AUTHORS if topic.section in a.sections] or [
            a.slug for a in c.AUTHORS
        ]
        count = 2 if len(writers) > 1 and rng.random() < 0.2 else 1
        draft.authors = rng.sample(writers, count)
    return draft


def _body(
    rng: random.Random, topic: Topic, fill: _Filler, *, facts: list[str], multi_page: bool
) -> list[dict]:
    """Paragraphs of 2–3 sentences (facts first, then background and reactions, analysis, and an
    outlook to close), 1–3 小見出し, sometimes a quote, and page breaks for long features.
    No template is used twice in one article, so no sentence repeats."""
    paragraphs = rng.randint(9, 12) if multi_page else rng.randint(4, 12)
    sizes = [rng.choice((2, 2, 3)) for _ in range(paragraphs)]
    middle, analysis, outlook = (
        [s for s in pool if _fits(s, topic)]
        for pool in (c.BACKGROUND + c.REACTION, c.ANALYSIS, c.OUTLOOK)
    )
    for pool in (middle, analysis, outlook):
        rng.shuffle(pool)
    closing = outlook[: rng.randint(1, 2)]
    stream = facts + middle[:6] + analysis[:5] + middle[6:] + analysis[5:]
    stream = stream[: sum(sizes) - len(closing)] + closing
    texts: list[str] = []
    position = 0
    for size in sizes:
        chunk = stream[position : position + size]
        position += size
        if chunk:
            texts.append(_paragraph([fill(sentence) for sentence in chunk]))

    heading_count = 1 if len(texts) < 6 else (2 if len(texts) < 9 else 3)
    headings = list(topic.headings)
    rng.shuffle(headings)
    generic = list(c.GENERIC_HEADINGS)
    rng.shuffle(generic)
    headings = (headings + generic)[:heading_count]
    # Headings go before evenly spaced paragraphs, never before the first.
    heading_at = {
        max(1, round(len(texts) * (k + 1) / (heading_count + 1))): k for k in range(heading_count)
    }

    blocks: list[dict] = []
    for i, text in enumerate(texts):
        if i in heading_at:
            blocks.append(_block(rng, "heading", headings[heading_at[i]]))
        blocks.append(_block(rng, "paragraph", text))

    if topic.quotes and rng.random() < 0.4:
        text, speaker = rng.choice(topic.quotes)
        value = {"text": text, "attribution": fill(speaker)}
        # After the paragraph nearest the middle, so a quote never opens a section.
        after = [i + 1 for i, b in enumerate(blocks) if b["type"] == "paragraph" and i >= 1]
        where = min(after, key=lambda i: abs(i - len(blocks) // 2))
        blocks.insert(where, _block(rng, "quote", value))

    if multi_page:
        pages = rng.choice((2, 3))
        heading_positions = [i for i, b in enumerate(blocks) if b["type"] == "heading"]
        cuts = []
        for k in range(1, pages):
            target = round(len(blocks) * k / pages)
            near = [h for h in heading_positions if abs(h - target) <= 2 and h not in cuts]
            cuts.append(near[0] if near else target)
        for cut in sorted(set(cuts), reverse=True):
            if 0 < cut < len(blocks):
                blocks.insert(cut, _block(rng, "page_break", None))
    return blocks
