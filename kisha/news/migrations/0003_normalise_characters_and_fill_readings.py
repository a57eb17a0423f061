"""Existing content in house style, and 五十音 readings for existing topics (issue 18).

What this changes, so it can be reviewed: in every article's headline (and draft headline),
short headline, listing title, lead and photo caption, half-width katakana become full-width and
full-width Latin letters and digits become half-width (kisha.core.characters.newspaper_text:
URLs, e-mail addresses and KISHA_TEXT_KEEP words untouched; full-width punctuation kept). Each
changed field is printed as `article <id> <field>: <before> → <after>`. Topics without a reading
get SudachiPy's (kisha.search.tokenizer.reading). The content generation is bumped, so cached
fragments keyed by it are dropped; whole pages in a front cache age out or need a purge
(docs/operations.md). Revisions are left as they were: a draft saved
again goes through the admin form, which normalises it. Reversing keeps the new text.
"""

from django.db import migrations

ARTICLE_FIELDS = ("title", "draft_title", "short_headline", "listing_title", "lead", "hero_caption")


def forwards(apps, schema_editor):
    from kisha.core.characters import newspaper_text, reading_for

    ArticlePage = apps.get_model("news", "ArticlePage")
    TopicPage = apps.get_model("news", "TopicPage")
    verbose = bool(ArticlePage.objects.exists())
    touched = False
    for article in ArticlePage.objects.only("id", *ARTICLE_FIELDS).iterator():
        changed = []
        for field in ARTICLE_FIELDS:
            before = getattr(article, field) or ""
            after = newspaper_text(before)
            if after != before:
                setattr(article, field, after)
                changed.append(field)
                if verbose:
                    print(f"  article {article.id} {field}: {before} → {after}")
        if changed:
            article.save(update_fields=changed)
            touched = True
    for topic in TopicPage.objects.filter(reading="").only("id", "title", "reading"):
        topic.reading = reading_for(topic.title)
        if topic.reading:
            topic.save(update_fields=["reading"])
            touched = True
    if touched:
        # Cached fragments and memos are keyed by the content generation: a new one drops them.
        from kisha.core.memo import generation_bump

        generation_bump()


class Migration(migrations.Migration):
    dependencies = [("news", "0002_topic_reading_for_gojuon_order")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
