"""Offline quality of 今、あなたにオススメ: a replay of simulated reading sessions (issue 16, item 4).

    .venv/bin/python bench/recommend_quality.py [--articles 400] [--sessions 600]

A throwaway demo site (`demo_build`, kept under var/bench/), related lists from a full refresh,
then sessions replayed through the real per-reader selector (`reader_items`, the blend the API
answers) and two baselines, most-read and latest, each asked for 6 articles.

How sessions are made, and why the test is not circular: a session follows one running story
as the newsroom filed it. A reader picks a demo topic (the editors' primary topic, metadata the
text model never reads when its topic bonus is off), reads three consecutive stories of it in
publication order (with probability 0.25 one read is a detour to a random other story), and the
held-out next read is the topic's following story. The recommender sees only the ids read. It is
scored twice: as shipped (text + topic + tags + recency), and text only
(KISHA_RECOMMEND_TOPIC_BONUS = TAG_BONUS = 0), which never sees the labels the sessions were cut
from. "Most-read" counts the reads of all simulated sessions (what the rankings would show);
"latest" is the newest articles. All exclude what the session read.

Figures: hit-rate@6 (the held-out read is among the 6), coverage (distinct articles recommended
over all sessions / articles), intra-list diversity (share of pairs in one list from different
topics, averaged over lists).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, demo_site, machine  # noqa: E402

REPLAY = r"""
import json, random, sys, django
django.setup()
from collections import Counter
from itertools import combinations
from django.conf import settings
from kisha.core.memo import memos_forget
from kisha.recommend.selectors import eligible_articles, reader_items
from kisha.recommend.services import related_refresh

sessions_wanted = int(sys.argv[1])
rows = list(eligible_articles().order_by("first_published_at", "id").values_list("id", "primary_topic_id"))
topic = dict(rows)
by_topic = {}
for article_id, topic_id in rows:
    by_topic.setdefault(topic_id, []).append(article_id)
chains = [ids for ids in by_topic.values() if len(ids) >= 4]
rng = random.Random(16)
all_ids = [i for i, _ in rows]
sessions = []
while len(sessions) < sessions_wanted:
    chain = rng.choice(chains)
    start = rng.randrange(len(chain) - 3)
    reads = chain[start:start + 3]
    if rng.random() < 0.25:
        detour = rng.choice(all_ids)
        if detour not in chain:
            reads[rng.randrange(3)] = detour
    sessions.append((list(reversed(reads)), chain[start + 3]))  # most recent first

reads_count = Counter(i for history, _ in sessions for i in history)
most_read = [i for i, _ in reads_count.most_common()]
latest = list(reversed(all_ids))

def score(name, recommend):
    hits, shown, diversity = 0, set(), []
    for history, held_out in sessions:
        got = recommend(history)[:6]
        hits += held_out in got
        shown.update(got)
        pairs = list(combinations(got, 2))
        if pairs:
            diversity.append(sum(topic[a] != topic[b] for a, b in pairs) / len(pairs))
    return {"name": name, "hit_rate": hits / len(sessions), "coverage": len(shown) / len(all_ids),
            "diversity": sum(diversity) / len(diversity) if diversity else 0.0}

def first_unread(ranked):
    return lambda history: [i for i in ranked if i not in history][:6]

def system(history):
    return [item.id for item in reader_items(history=history, limit=6)]

results = [score("most-read", first_unread(most_read)), score("latest", first_unread(latest))]
related_refresh()
results.append(score("Kisha (as shipped)", system))
settings.KISHA_RECOMMEND_TOPIC_BONUS = 0
settings.KISHA_RECOMMEND_TAG_BONUS = 0
related_refresh()
memos_forget()
results.append(score("Kisha, text only", system))
print(json.dumps({"articles": len(all_ids), "topics": len(chains), "sessions": len(sessions), "results": results}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--sessions", type=int, default=600)
    args = parser.parse_args()
    print(f"# Kisha recommendation quality — {machine()}")
    env, _workdir, summary = demo_site(
        "recommend-quality", articles=args.articles, database_url=None
    )
    run = subprocess.run(
        [PYTHON, "-c", REPLAY, str(args.sessions)], env=env, capture_output=True, text=True
    )
    if run.returncode:
        sys.exit(run.stderr)
    data = json.loads(run.stdout)
    print(
        f"database: {summary}; {data['articles']} articles, {data['topics']} topics with a chain "
        f"of 4 or more, {data['sessions']} sessions"
    )
    print("| recommender | hit-rate@6 | coverage | intra-list diversity |")
    print("|---|---:|---:|---:|")
    for r in data["results"]:
        print(f"| {r['name']} | {r['hit_rate']:.3f} | {r['coverage']:.3f} | {r['diversity']:.3f} |")


if __name__ == "__main__":
    main()
