"""Diffs per second for statement-sized pairs and for 50 KB briefings.

Each pair is an old text and a new one with a few realistic edits (a typo fixed, a sentence
replaced, a paragraph appended); the figure is the median over several timed rounds of the
whole per-field diff the diff stage stores (patch, characters, words, similarity).

    .venv/bin/python bench/bench_diff.py
"""

from __future__ import annotations

import random
import statistics
import time

from pipeline.figures import field_edit
from testbed.generate import extra_paragraph
from testbed.timeline import Timeline

ROUNDS = 5
STATEMENT_PAIRS = 200
BRIEFING_PAIRS = 10
BRIEFING_BYTES = 50_000


def edited(text: str, rng: random.Random, salt: str) -> str:
    paragraphs = text.split("\n")
    index = rng.randrange(len(paragraphs))
    words = paragraphs[index].split(" ")
    words[rng.randrange(len(words))] = "amended"
    paragraphs[index] = " ".join(words)
    paragraphs.insert(rng.randrange(len(paragraphs) + 1), extra_paragraph(1, "1950123", "en", salt))
    return "\n".join(paragraphs)


def statement_texts() -> list[str]:
    timeline = Timeline()
    return ["\n".join(v.content.body_texts()) for v in timeline.editions(0)]


def briefing(texts: list[str], rng: random.Random) -> str:
    parts: list[str] = []
    while len("\n".join(parts).encode()) < BRIEFING_BYTES:
        parts.append(rng.choice(texts))
    return "\n".join(parts)


def rate(pairs: list[tuple[str, str]]) -> float:
    """Median diffs per second over ROUNDS rounds of every pair."""
    rates = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for old, new in pairs:
            field_edit(old, new)
        rates.append(len(pairs) / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    rng = random.Random(7)
    texts = statement_texts()
    statements = [rng.choice(texts) for _ in range(STATEMENT_PAIRS)]
    statement_pairs = [(t, edited(t, rng, f"s{i}")) for i, t in enumerate(statements)]
    briefings = [briefing(texts, rng) for _ in range(BRIEFING_PAIRS)]
    briefing_pairs = [(t, edited(t, rng, f"b{i}")) for i, t in enumerate(briefings)]
    mean_statement = statistics.mean(len(t.encode()) for t in statements)
    mean_briefing = statistics.mean(len(t.encode()) for t in briefings)
    print(f"statement pairs ({mean_statement / 1000:.1f} KB): "
          f"{rate(statement_pairs):.0f} diffs/s (median of {ROUNDS} rounds)")
    print(f"briefing pairs ({mean_briefing / 1000:.1f} KB): "
          f"{rate(briefing_pairs):.1f} diffs/s (median of {ROUNDS} rounds)")


if __name__ == "__main__":
    main()
