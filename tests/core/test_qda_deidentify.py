"""De-identification candidates and span replacement (alongside.core.qda.deidentify)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.core.qda import QdaError
from alongside.core.qda.deidentify import identifying_candidates, replace_spans

SAMPLE = (
    "Interviewer: Tell me about your mentor.\n"
    "P4: Dave Smith came to the ward at Royal Melbourne Hospital on 3 March 2024. "
    "My wife Karen rang him on 0412 345 678, and Dr Patel emailed dave.smith@example.org. "
    "I moved to Footscray, VIC 3011 in May and went back to work last Tuesday. "
    "You may not believe it."
)


def found(text, **kwargs):
    return [(c.kind, c.text) for c in identifying_candidates(text, **kwargs)]


def test_finds_names_places_dates_phones_and_emails():
    assert found(SAMPLE, known_names=["David Smith", "Dave"]) == [
        ("name", "Dave Smith"),
        ("place", "Royal Melbourne Hospital"),
        ("date", "3 March 2024"),
        ("name", "Karen"),
        ("phone", "0412 345 678"),
        ("name", "Dr Patel"),
        ("email", "dave.smith@example.org"),
        ("place", "Footscray"),
        ("place", "VIC 3011"),
        ("date", "May"),
        ("date", "last Tuesday"),
    ]


def test_candidates_are_in_order_and_never_overlap():
    candidates = identifying_candidates(SAMPLE, ["Dave Smith"])
    for left, right in zip(candidates, candidates[1:], strict=False):
        assert left.end <= right.start
    assert all(SAMPLE[c.start : c.end] == c.text for c in candidates)


def test_known_names_match_whole_words_in_any_case():
    assert found("dave and Davenport", known_names=["Dave"]) == [("name", "dave")]
    assert found("International: +44 20 7946 0958", regions=("AU",)) == [
        ("phone", "+44 20 7946 0958")
    ]
    assert found("Somewhere near Ballarat", known_places=["ballarat"]) == [("place", "Ballarat")]


def test_replace_spans_keeps_later_spans_right():
    text = "Dave met Karen at Footscray; she coded this later."
    names = [
        (text.index("Karen"), text.index("Karen") + 5, "[PARTNER]"),
        (0, 4, "[MENTOR]"),
        (18, 27, "[SUBURB]"),
    ]
    new, moved = replace_spans(text, names)
    assert new == "[MENTOR] met [PARTNER] at [SUBURB]; she coded this later."
    coded = (text.index("coded"), text.index("coded") + len("coded this"))
    start, end = moved(coded[0]), moved(coded[1])
    assert new[start:end] == "coded this"
    assert moved(0) == 0 and moved(5) == 9  # before any / just after the first placeholder
    assert moved(2) == 0  # inside a replaced name: the placeholder's start
    # A span that ended inside a name now covers the whole placeholder.
    assert new[slice(*moved.span(0, 2))] == "[MENTOR]"
    assert new[slice(*moved.span(9, 27))] == "[PARTNER] at [SUBURB]"


@given(st.data())
def test_replace_spans_moves_every_untouched_offset_with_its_character(data):
    text = data.draw(st.text(min_size=1, max_size=40))
    cuts = sorted(data.draw(st.sets(st.integers(0, len(text)), max_size=8)))
    pairs = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if b > a]
    replacements = [(a, b, data.draw(st.text(max_size=5))) for a, b in pairs]
    new, moved = replace_spans(text, replacements)
    for offset in range(len(text)):
        if not any(a <= offset < b for a, b, _ in replacements):
            assert new[moved(offset)] == text[offset]


def test_bad_replacements_are_refused():
    with pytest.raises(QdaError, match="overlap"):
        replace_spans("abcdef", [(0, 3, "x"), (2, 4, "y")])
    with pytest.raises(QdaError, match="within the text"):
        replace_spans("abc", [(1, 9, "x")])
    with pytest.raises(QdaError, match="start before it ends"):
        replace_spans("abc", [(2, 2, "x")])
