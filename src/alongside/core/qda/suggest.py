"""Code suggestions: which codes were applied to passages like this one?

Plain TF-IDF with cosine similarity (numpy only, always available, no model to load):
each coded excerpt is a document; the uncoded passage is the query; a code's score is the
similarity of its most similar excerpt, and that excerpt is the "why". Suggestions are
advice for the analyst, never applied by this module or its callers.

Keys are opaque (the app passes code primary keys), so this module knows nothing of
Django, studies or blinding: the caller decides which excerpts the analyst may learn from.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

# Words so common in interview talk that they say nothing about the code.
STOPWORDS = frozenset(
    """a about after again all also am an and any are as at be because been being but by
    can could did do does doing don't for from get got had has have having he her here
    him his how i i'm if in into is it it's its just know like me more my no not now of
    on one or our out really so some than that that's the their them then there they
    think this to too um uh up us very was we well were what when where which who will
    with would yeah yes you your""".split()
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def tokens(text: str) -> list[str]:
    """Lower-cased words, apostrophes kept inside words, stop words and 1-letter words out."""
    found = []
    for match in _WORD.finditer(text.casefold()):
        word = match.group().replace("’", "'")
        if len(word) > 1 and word not in STOPWORDS:
            found.append(word)
    return found


@dataclass(frozen=True)
class Excerpt:
    """A coded passage the suggester may learn from."""

    code: Hashable
    text: str
    ref: Hashable = None  # whatever lets the caller show it again (e.g. a span pk)


@dataclass(frozen=True)
class Suggestion:
    code: Hashable
    score: float  # cosine similarity of the most similar excerpt, 0 < score <= 1
    because: Excerpt  # that excerpt: the "why" shown to the analyst


def suggest_codes(
    passage: str,
    excerpts: Sequence[Excerpt],
    *,
    limit: int = 3,
    min_score: float = 0.05,
) -> list[Suggestion]:
    """The codes whose excerpts are most like ``passage``, best first (at most ``limit``).

    Empty when the passage has no content words or nothing is similar enough."""
    query = tokens(passage)
    docs = [tokens(e.text) for e in excerpts]
    if not query or not any(docs):
        return []
    vocabulary = sorted({w for d in docs for w in d} | set(query))
    index = {w: i for i, w in enumerate(vocabulary)}
    n = len(docs)
    df = np.zeros(len(vocabulary))
    for doc in docs:
        for word in set(doc):
            df[index[word]] += 1
    # Smoothed idf (a word in every excerpt still counts a little), sublinear tf.
    idf = np.log((1 + n) / (1 + df)) + 1.0

    def vector(words: list[str]) -> np.ndarray:
        v = np.zeros(len(vocabulary))
        for word, count in Counter(words).items():
            v[index[word]] = 1.0 + math.log(count)
        v *= idf
        norm = np.linalg.norm(v)
        return v / norm if norm else v

    matrix = np.vstack([vector(d) for d in docs])
    scores = matrix @ vector(query)
    best: dict[Hashable, tuple[float, int]] = {}
    for i, excerpt in enumerate(excerpts):
        score = float(scores[i])
        if score >= min_score and (excerpt.code not in best or score > best[excerpt.code][0]):
            best[excerpt.code] = (score, i)
    # Ties: the earlier excerpt's code first, so the order is deterministic.
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[1][1]))
    return [
        Suggestion(code=code, score=min(score, 1.0), because=excerpts[i])
        for code, (score, i) in ranked[:limit]
    ]
