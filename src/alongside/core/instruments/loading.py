"""Read instrument definitions from TOML files and refuse any that do not make sense.

Checked for every file: known keys only (a typo is an error, not a silent
default), unique item ids, response sets that exist, scoring rules that name
only known numeric items, and bands that cover every possible total exactly
once (no overlap, no gap). The message names the file and the problem.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from alongside.core.instruments.model import (
    Band,
    Instrument,
    Item,
    Option,
    ResponseSet,
    ScoreRule,
)

DEFINITIONS = Path(__file__).with_name("definitions")

_TOP_KEYS = {
    "id",
    "version",
    "title",
    "short_title",
    "construct",
    "licence",
    "attribution",
    "source",
    "licensed",
    "stem",
    "response_sets",
    "items",
    "item_count",
    "reverse_items",
    "scoring",
    "bands",
    "subscales",
}
_RESPONSE_KEYS = {
    "options",
    "minimum",
    "maximum",
    "minimum_label",
    "maximum_label",
    "unit",
    "kind",
    "max_length",
}
_ITEM_KEYS = {"id", "text", "responses", "reverse", "optional", "alert_at_or_above"}
_SCORING_KEYS = {"method", "items", "max_missing", "missing_rule"}
_SUBSCALE_KEYS = {"id", "title", "method", "items", "max_missing", "missing_rule", "bands"}


class InstrumentFileError(ValueError):
    """An instrument definition that cannot be used; the message names file and problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{Path(path).name}: {problem}")


def _unknown(found: Iterable[str], allowed: set[str], where: str) -> str | None:
    extra = sorted(set(found) - allowed)
    return f"unknown key {extra[0]!r} in {where}" if extra else None


def _response_set(set_id: str, raw: Mapping[str, Any]) -> ResponseSet:
    if problem := _unknown(raw, _RESPONSE_KEYS, f"response set {set_id!r}"):
        raise ValueError(problem)
    if "options" in raw:
        options = tuple(Option(int(o["value"]), str(o["label"])) for o in raw["options"])
        values = [option.value for option in options]
        if len(options) < 2:
            raise ValueError(f"response set {set_id!r} needs at least two options")
        if len(set(values)) != len(values):
            raise ValueError(f"response set {set_id!r} gives two options the same value")
        return ResponseSet(id=set_id, kind="choice", options=options)
    kind = raw.get("kind", "scale")
    if kind in ("date", "text"):
        return ResponseSet(id=set_id, kind=kind, max_length=int(raw.get("max_length", 500)))
    if kind != "scale" or "minimum" not in raw or "maximum" not in raw:
        raise ValueError(
            f"response set {set_id!r} needs options, a minimum and maximum, or kind date/text"
        )
    low, high = int(raw["minimum"]), int(raw["maximum"])
    if low >= high:
        raise ValueError(f"response set {set_id!r}: minimum must be below maximum")
    return ResponseSet(
        id=set_id,
        kind="scale",
        minimum=low,
        maximum=high,
        minimum_label=str(raw.get("minimum_label", "")),
        maximum_label=str(raw.get("maximum_label", "")),
        unit=str(raw.get("unit", "")),
    )


def _items(raw: Mapping[str, Any], sets: dict[str, ResponseSet]) -> tuple[Item, ...]:
    reverse = set(raw.get("reverse_items", []))
    if raw.get("licensed"):
        # The licensed text is not ours to ship: the items are numbered placeholders
        # answered on the one response set, until a service records its licence.
        if "items" in raw:
            raise ValueError("a licensed instrument ships without items (give item_count)")
        if len(sets) != 1:
            raise ValueError("a licensed instrument needs exactly one response set")
        (only,) = sets.values()
        count = int(raw.get("item_count", 0))
        if count < 1:
            raise ValueError("a licensed instrument needs item_count")
        ids = [str(n) for n in range(1, count + 1)]
        if unknown := sorted(reverse - set(ids)):
            raise ValueError(f"reverse_items names unknown item {unknown[0]!r}")
        return tuple(Item(id=i, text=None, responses=only, reverse=i in reverse) for i in ids)
    items = []
    seen: set[str] = set()
    for number, entry in enumerate(raw.get("items", []), start=1):
        if problem := _unknown(entry, _ITEM_KEYS, f"item {number}"):
            raise ValueError(problem)
        item_id = str(entry.get("id", ""))
        if not item_id:
            raise ValueError(f"item {number} has no id")
        if item_id in seen:
            raise ValueError(f"item id {item_id!r} is used twice")
        seen.add(item_id)
        if not str(entry.get("text", "")).strip():
            raise ValueError(f"item {item_id!r} has no text")
        set_id = entry.get("responses")
        if set_id not in sets:
            raise ValueError(f"item {item_id!r} uses unknown response set {set_id!r}")
        responses = sets[set_id]
        alert = entry.get("alert_at_or_above")
        items.append(
            Item(
                id=item_id,
                text=str(entry["text"]).strip(),
                responses=responses,
                reverse=bool(entry.get("reverse", False)) or item_id in reverse,
                optional=bool(entry.get("optional", False)),
                alert_at_or_above=None if alert is None else int(alert),
            )
        )
    if not items:
        raise ValueError("the instrument has no items")
    if unknown := sorted(reverse - seen):
        raise ValueError(f"reverse_items names unknown item {unknown[0]!r}")
    return tuple(items)


def _bands(raw: Iterable[Mapping[str, Any]], rule_title: str) -> tuple[Band, ...]:
    bands = tuple(Band(int(b["min"]), int(b["max"]), str(b["label"])) for b in raw)
    for band in bands:
        if band.low > band.high:
            raise ValueError(f"{rule_title}: band {band.label!r} has min above max")
    return tuple(sorted(bands, key=lambda band: band.low))


def _check_band_cover(rule: ScoreRule, items: dict[str, Item]) -> None:
    """Bands of a summed score must cover every possible total exactly once."""
    if not rule.bands:
        return
    if rule.method != "sum":
        raise ValueError(f"{rule.title}: bands are only defined for summed scores")
    lowest = sum(items[i].responses.lowest for i in rule.item_ids)
    highest = sum(items[i].responses.highest for i in rule.item_ids)
    expected = lowest
    for band in rule.bands:
        if band.low < expected:
            raise ValueError(f"{rule.title}: band {band.label!r} overlaps the band below it")
        if band.low > expected:
            raise ValueError(f"{rule.title}: no band covers a total of {expected}")
        expected = band.high + 1
    if expected - 1 != highest:
        raise ValueError(
            f"{rule.title}: bands end at {expected - 1} but the highest total is {highest}"
        )


def _score_rule(
    rule_id: str,
    title: str,
    raw: Mapping[str, Any],
    bands_raw: Iterable[Mapping[str, Any]],
    items: tuple[Item, ...],
) -> ScoreRule | None:
    method = raw.get("method", "sum")
    if method not in ("sum", "mean", "none"):
        raise ValueError(f"{title}: scoring method must be sum, mean or none, not {method!r}")
    by_id = {item.id: item for item in items}
    if method == "none":
        if list(bands_raw):
            raise ValueError(f"{title}: an unscored instrument cannot have bands")
        return None
    if "items" in raw:
        item_ids = tuple(str(i) for i in raw["items"])
    else:
        item_ids = tuple(item.id for item in items if item.responses.numeric and not item.optional)
    for item_id in item_ids:
        if item_id not in by_id:
            raise ValueError(f"{title}: scoring refers to unknown item {item_id!r}")
        if not by_id[item_id].responses.numeric:
            raise ValueError(f"{title}: item {item_id!r} is not a number and cannot be scored")
    if len(set(item_ids)) != len(item_ids):
        raise ValueError(f"{title}: scoring names an item twice")
    max_missing = int(raw.get("max_missing", 0))
    missing_rule = raw.get("missing_rule", "invalid")
    if missing_rule not in ("prorate", "invalid"):
        raise ValueError(f"{title}: missing_rule must be prorate or invalid")
    if not 0 <= max_missing < len(item_ids):
        raise ValueError(f"{title}: max_missing must be between 0 and {len(item_ids) - 1}")
    if missing_rule == "invalid" and max_missing:
        raise ValueError(f"{title}: missing_rule invalid allows no missing items")
    rule = ScoreRule(
        id=rule_id,
        title=title,
        method=method,
        item_ids=item_ids,
        max_missing=max_missing,
        missing_rule=missing_rule,
        bands=_bands(bands_raw, title),
    )
    _check_band_cover(rule, by_id)
    return rule


def parse_instrument(raw: Mapping[str, Any], path: Path | str) -> Instrument:
    """Build an instrument from a parsed file; raise InstrumentFileError naming the problem."""
    try:
        if problem := _unknown(raw, _TOP_KEYS, "the file"):
            raise ValueError(problem)
        for key in ("id", "version", "title", "licence", "source", "scoring"):
            if key not in raw:
                raise ValueError(f"missing {key!r}")
        if raw["id"] != Path(path).stem:
            raise ValueError(f"id {raw['id']!r} does not match the file name")
        sets = {
            set_id: _response_set(set_id, spec)
            for set_id, spec in raw.get("response_sets", {}).items()
        }
        items = _items(raw, sets)
        scoring = raw["scoring"]
        if problem := _unknown(scoring, _SCORING_KEYS, "scoring"):
            raise ValueError(problem)
        total = _score_rule("total", "total", scoring, raw.get("bands", []), items)
        subscales = []
        for entry in raw.get("subscales", []):
            if problem := _unknown(entry, _SUBSCALE_KEYS, "a subscale"):
                raise ValueError(problem)
            sub = _score_rule(
                str(entry["id"]),
                f"subscale {entry['id']!r}",
                entry,
                entry.get("bands", []),
                items,
            )
            if sub is None:
                raise ValueError(f"subscale {entry['id']!r} must be scored")
            subscales.append(sub)
        if len({s.id for s in subscales}) != len(subscales):
            raise ValueError("two subscales share an id")
    except (ValueError, KeyError, TypeError) as error:
        problem = error.args[0] if isinstance(error, ValueError) else f"bad value: {error}"
        raise InstrumentFileError(path, str(problem)) from error
    return Instrument(
        id=str(raw["id"]),
        version=str(raw["version"]),
        title=str(raw["title"]),
        short_title=str(raw.get("short_title", raw["title"])),
        construct=str(raw.get("construct", "")),
        licence=str(raw["licence"]),
        attribution=str(raw.get("attribution", "")),
        source=str(raw["source"]),
        licensed=bool(raw.get("licensed", False)),
        stem=str(raw.get("stem", "")),
        items=items,
        total=total,
        subscales=tuple(subscales),
    )


def load_file(path: Path) -> Instrument:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise InstrumentFileError(path, f"not valid TOML ({error})") from error
    return parse_instrument(raw, path)


def load_directory(directory: Path) -> dict[str, Instrument]:
    instruments = {}
    for path in sorted(directory.glob("*.toml")):
        instrument = load_file(path)
        instruments[instrument.id] = instrument
    return instruments


@cache
def instruments() -> dict[str, Instrument]:
    """Every shipped instrument by id, loaded once per process."""
    return load_directory(DEFINITIONS)


def instrument(instrument_id: str) -> Instrument:
    try:
        return instruments()[instrument_id]
    except KeyError:
        known = ", ".join(sorted(instruments()))
        raise KeyError(f"unknown instrument {instrument_id!r} (known: {known})") from None
