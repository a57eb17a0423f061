from kisha.recommend.text import term_counts, tfidf_vector


def test_terms_weigh_title_over_body_and_drop_particles_and_numbers():
    counts = term_counts(title="台風が接近", lead="", body="台風10号の大雨に警戒。2026年")
    assert counts["台風"] == 3 + 1
    assert "が" not in counts and "10" not in counts and "2026" not in counts
    assert all(len(term) > 1 for term in counts)


def test_spelling_variants_meet():
    assert "引っ越し" in term_counts(title="引越しの季節", lead="", body="")


def test_body_is_cut_to_the_configured_length(settings):
    settings.KISHA_RECOMMEND_BODY_CHARS = 6
    counts = term_counts(title="", lead="", body="台風の季節。" + "日経平均" * 100)
    assert "日経" not in counts and "日経平均" not in counts


def test_vector_has_unit_length_and_rare_terms_weigh_more():
    vector = tfidf_vector({"台風": 3, "接近": 3}, df={"台風": 1, "接近": 900}, documents=1000)
    assert abs(sum(w * w for w in vector.values()) - 1) < 1e-6
    assert vector["台風"] > vector["接近"]


def test_hostile_text_is_harmless():
    assert term_counts(title="\x00\u202e" * 100, lead="🙂" * 500, body="<script>" * 100) is not None
