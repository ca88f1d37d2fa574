"""Verified emergency numbers per site language, from `emergency_numbers.yaml` (an editor's file).

Every number carries the official page it was read on and the date it was read: a number
without its source is an error, never shown. Country names are not stored: the page takes them
from CLDR in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from babel import Locale

DATA_FILE = Path(__file__).resolve().parent / "emergency_numbers.yaml"

# What calling the number reaches; the page words each in the reader's language.
SERVICES = ("all-emergencies", "ambulance", "medical-advice")
PHONES = ("mobile",)
_DIGITS = re.compile(r"[0-9]{2,6}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


class EmergencyNumbersError(ValueError):
    """The data file is broken: the message names the file and the entry, for an editor."""


@dataclass(frozen=True)
class OfficialSource:
    title: str
    publisher: str
    url: str
    language: str  # BCP 47 tag of the page, for the link's hreflang
    checked: dt.date  # when someone read this page and saw the number on it


@dataclass(frozen=True)
class EmergencyNumber:
    digits: str
    service: str  # one of SERVICES
    source: OfficialSource
    phones: str | None = None  # "mobile" when it works from mobile phones only


@dataclass(frozen=True)
class CountryNumbers:
    country: str  # ISO 3166 code, e.g. "GB"
    numbers: tuple[EmergencyNumber, ...]

    def name_in(self, catalogue: str) -> str:
        """The country's name in a site language (its catalogue name, e.g. "zh_Hans"), from CLDR."""
        return Locale.parse(catalogue).territories.get(self.country, self.country)

    @property
    def last_checked(self) -> dt.date:
        return max(number.source.checked for number in self.numbers)


def _fail(where: str, problem: str) -> EmergencyNumbersError:
    return EmergencyNumbersError(f"{DATA_FILE.name}: {where}: {problem}")


def _text(raw: dict, field: str, where: str) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"`{field}` is missing or empty")
    return value.strip()


def _source(raw: object, where: str) -> OfficialSource:
    if not isinstance(raw, dict):
        raise _fail(where, "every number needs its `source` (title, publisher, url, language, checked)")
    url = _text(raw, "url", f"{where} source")
    if not url.startswith("https://"):
        raise _fail(where, f"the source's url must start with https:// (got {url!r})")
    language = _text(raw, "language", f"{where} source")
    if not _LANGUAGE_TAG.fullmatch(language):
        raise _fail(where, f"the source's language is a language code such as en or zh (got {language!r})")
    checked = raw.get("checked")
    if not isinstance(checked, dt.date) or isinstance(checked, dt.datetime):
        raise _fail(where, "the source needs `checked`: the date you read it, as YYYY-MM-DD")
    if checked > dt.date.today():
        raise _fail(where, f"the source's `checked` date {checked} is in the future")
    return OfficialSource(
        title=_text(raw, "title", f"{where} source"),
        publisher=_text(raw, "publisher", f"{where} source"),
        url=url,
        language=language,
        checked=checked,
    )


def _number(raw: object, where: str) -> EmergencyNumber:
    if not isinstance(raw, dict):
        raise _fail(where, "a number is an entry with number, service and source")
    digits = raw.get("number")
    if not isinstance(digits, str) or not _DIGITS.fullmatch(digits):
        raise _fail(where, f'`number` is the digits in quotes, such as "999" (got {digits!r})')
    where = f"{where} ({digits})"
    service = raw.get("service")
    if service not in SERVICES:
        raise _fail(where, f"`service` is one of {', '.join(SERVICES)} (got {service!r})")
    phones = raw.get("phones")
    if phones is not None and phones not in PHONES:
        raise _fail(where, f"`phones` is one of {', '.join(PHONES)} or left out (got {phones!r})")
    return EmergencyNumber(digits=digits, service=service, source=_source(raw.get("source"), where), phones=phones)


def _country(code: object, raw: object) -> CountryNumbers:
    where = f"countries: {code}"
    if not isinstance(code, str) or not _COUNTRY.fullmatch(code) or code not in Locale("en").territories:
        raise _fail(where, "a country is its two-letter code in capitals, such as GB")
    if not isinstance(raw, list) or not raw:
        raise _fail(where, "a country lists at least one number")
    numbers = tuple(_number(item, f"{where}, number {index}") for index, item in enumerate(raw, start=1))
    if len({number.digits for number in numbers}) != len(numbers):
        raise _fail(where, "the same number is listed twice")
    return CountryNumbers(country=code, numbers=numbers)


def parse_emergency_numbers(raw: object) -> dict[str, tuple[CountryNumbers, ...]]:
    """Site language code -> its countries' numbers, in the order the file gives."""
    if not isinstance(raw, dict) or not all(isinstance(raw.get(key), dict) for key in ("languages", "countries")):
        raise _fail("top level", "the file needs `languages` and `countries`")
    countries = {code: _country(code, numbers) for code, numbers in raw["countries"].items()}
    by_language: dict[str, tuple[CountryNumbers, ...]] = {}
    for language, codes in raw["languages"].items():
        where = f"languages: {language}"
        if not isinstance(codes, list):
            raise _fail(where, "a language lists country codes, such as [GB, US]")
        unknown = [code for code in codes if code not in countries]
        if unknown:
            raise _fail(where, f"no numbers under `countries` for {', '.join(map(str, unknown))}")
        if len(set(codes)) != len(codes):
            raise _fail(where, "a country is listed twice")
        by_language[str(language)] = tuple(countries[code] for code in codes)
    return by_language


def load_emergency_numbers(path: Path = DATA_FILE) -> dict[str, tuple[CountryNumbers, ...]]:
    try:
        with path.open(encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark is not None else "somewhere"
        problem = getattr(error, "problem", error)
        raise EmergencyNumbersError(f"{path.name}: {line}: not valid YAML ({problem})") from None
    return parse_emergency_numbers(raw)


@cache
def emergency_numbers() -> dict[str, tuple[CountryNumbers, ...]]:
    return load_emergency_numbers()


def numbers_for(locale_code: str) -> tuple[CountryNumbers, ...]:
    """The countries a site language's page lists (none for a language the file does not name)."""
    return emergency_numbers().get(locale_code, ())
