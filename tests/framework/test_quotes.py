"""Every quotation in the framework is found, word for word, in a text of its source.

``quote`` fields hold an instrument's own words only, so each must appear in the own-words file
of its instrument under commitments/texts/; every phrase quoted in an instrument's prose
("…" in summary, adopted_by, legal_status, notes) must appear in one of the texts kept there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker.framework import load_framework

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ROOT / "commitments" / "texts"
FRAMEWORK = load_framework(ROOT / "commitments")


def words(path: Path) -> str:
    """A text file's passages, comments and passage headings left out, whitespace made single."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith(("#", "["))]
    return " ".join(" ".join(lines).split())


ALL_TEXTS = {path.name: words(path) for path in sorted(TEXTS.glob("*.txt"))}
QUOTED = [(c.id, c.quote) for c in FRAMEWORK.commitments if c.quote]
PHRASE = re.compile(r'"([^"]{4,})"|“([^”]{4,})”')


def prose(instrument) -> list[str]:
    return [
        instrument.summary,
        instrument.adopted_by,
        instrument.legal_status,
        instrument.signatories.note,
        *(t.note or "" for t in instrument.texts),
        *(c.text for c in instrument.commitments),
    ]


def test_there_are_quotes_to_check():
    assert len(QUOTED) >= 8


@pytest.mark.parametrize(("commitment_id", "quote"), QUOTED)
def test_every_quote_is_in_the_instruments_own_words(commitment_id, quote):
    instrument = FRAMEWORK.instrument_of[commitment_id]
    own_words = TEXTS / f"{instrument.id}.txt"
    assert own_words.is_file(), f"{commitment_id} quotes {instrument.id}, which has no own-words file"
    assert " ".join(quote.split()) in words(own_words), f"{commitment_id}: {quote!r} is not in {own_words.name}"


@pytest.mark.parametrize("instrument", FRAMEWORK.instruments, ids=lambda i: i.id)
def test_every_phrase_quoted_in_prose_is_in_a_source_text(instrument):
    for text in prose(instrument):
        for match in PHRASE.finditer(text):
            phrase = " ".join((match.group(1) or match.group(2)).split())
            assert any(phrase in body for body in ALL_TEXTS.values()), (
                f"{instrument.id}: {phrase!r} is in no source text"
            )


def test_the_summarys_paraphrase_is_not_quoted_as_the_declaration():
    palermo = [c.quote for c in FRAMEWORK.instrument("palermo-2000").commitments if c.quote]
    for paraphrase in ("programs", "victim assistance and protection"):
        assert all(paraphrase not in quote for quote in palermo)
    assert "law enforcement training" in palermo


def test_a_misquote_would_be_caught():
    assert "effective programs of prevention" not in ALL_TEXTS["palermo-2000.txt"]
