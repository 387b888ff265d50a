"""Questionnaire instruments as data, and their scoring.

``instrument("phq9")`` gives the PHQ-9 as shipped in ``definitions/phq9.toml``;
``score(instrument, answers)`` scores a list of answers in item order.
"""

from alongside.core.instruments.loading import (
    InstrumentFileError,
    instrument,
    instruments,
    load_directory,
    load_file,
    parse_instrument,
)
from alongside.core.instruments.model import Band, Instrument, Item, ResponseSet, ScoreRule
from alongside.core.instruments.scoring import AnswerError, Score, check_answers, score

__all__ = [
    "AnswerError",
    "Band",
    "Instrument",
    "InstrumentFileError",
    "Item",
    "ResponseSet",
    "Score",
    "ScoreRule",
    "check_answers",
    "instrument",
    "instruments",
    "load_directory",
    "load_file",
    "parse_instrument",
    "score",
]
