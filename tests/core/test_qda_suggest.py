"""The code suggester: plain TF-IDF + cosine over coded excerpts."""

from __future__ import annotations

from alongside.core.qda.suggest import Excerpt, suggest_codes, tokens

EXCERPTS = [
    Excerpt("peer", "He had been through it himself, he knew what going back to work was like.", 1),
    Excerpt("peer", "She understood because she had the same injury and went back to work.", 2),
    Excerpt("barrier", "Finding a time to meet was hard with the hospital schedule.", 3),
    Excerpt("barrier", "Parking at the hospital cost a fortune and the bus took two hours.", 4),
    Excerpt("family", "My wife was worried about money the whole time.", 5),
]


def test_the_obviously_right_code_ranks_first_with_its_reason() -> None:
    found = suggest_codes("It was hard to find a time to meet around the hospital.", EXCERPTS)
    assert found[0].code == "barrier"
    assert found[0].because.ref == 3
    assert 0 < found[0].score <= 1
    found = suggest_codes("He had been through the same injury, so he knew.", EXCERPTS)
    assert found[0].code == "peer"
    assert [s.code for s in found].count("peer") == 1  # one entry per code, best excerpt


def test_nothing_to_go_on_gives_nothing() -> None:
    assert suggest_codes("", EXCERPTS) == []
    assert suggest_codes("um yeah so I think", EXCERPTS) == []  # stop words only
    assert suggest_codes("Hospital parking.", []) == []
    assert suggest_codes("Completely unrelated astronomy telescopes.", EXCERPTS) == []


def test_limit_and_determinism() -> None:
    passage = "Back to work at the hospital was hard"
    first = suggest_codes(passage, EXCERPTS, limit=2)
    assert len(first) == 2
    assert first == suggest_codes(passage, EXCERPTS, limit=2)
    scores = [s.score for s in suggest_codes(passage, EXCERPTS, limit=5)]
    assert scores == sorted(scores, reverse=True)


def test_tokens_keep_words_and_drop_stop_words() -> None:
    assert tokens("I couldn’t WORK, you know — Café!") == ["couldn't", "work", "café"]
