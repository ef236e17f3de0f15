"""Ballots held as weighted unique rankings.

Real elections have far fewer distinct rankings than ballots (Leith Walk 2017: 10,649 ballots,
3,671 rankings), so a ballot set is a mapping from each distinct ranking to the number of
ballots (its weight) that carry it. Counting works on the rankings, never on single ballots.

A ranking is a tuple of *levels*, most preferred first. A level is a tuple of candidate
indexes (0-based into `BallotSet.candidates`): one index for an ordinary preference, several
for an equal ranking (`1=2` in BLT, a tie in PrefLib), none for an overvote whose marks are
unknown (`$OVERVOTE` in a cast-vote record). Skipped ranks are not stored: every reader passes
over them. What a level of other than one candidate means is decided by the counting rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

Level = tuple[int, ...]
Ranking = tuple[Level, ...]


class BallotFileError(ValueError):
    """A ballot file that cannot be read; the message names the line and what is wrong."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line is not None else message)


class EqualRankingError(ValueError):
    """A ballot ranks candidates equally and the rule in use does not allow it."""


@dataclass
class BallotSet:
    """The candidates, the seats (when the file says) and the weighted unique rankings."""

    candidates: list[str]
    rankings: dict[Ranking, int] = field(default_factory=dict)
    seats: int | None = None
    title: str = ""
    withdrawn: frozenset[int] = frozenset()

    @property
    def total(self) -> int:
        """The number of ballots (the sum of the weights)."""
        return sum(self.rankings.values())

    def add(self, ranking: Ranking, weight: int = 1) -> None:
        """Add `weight` ballots carrying `ranking` (merged with identical rankings)."""
        self.rankings[ranking] = self.rankings.get(ranking, 0) + weight

    def items(self) -> Iterator[tuple[Ranking, int]]:
        """The (ranking, weight) pairs."""
        return iter(self.rankings.items())

    def has_equal_rankings(self) -> bool:
        """Whether any ballot ranks two or more candidates at the same level."""
        return any(len(level) > 1 for ranking in self.rankings for level in ranking)

    def strict_rankings(self, equal: str = "refuse") -> dict[tuple[int, ...], int]:
        """The rankings as plain tuples of candidate indexes, for rules that need a strict order.

        Withdrawn candidates are passed over; a candidate repeated on a ballot counts only at its
        first place. `equal` says what a level of other than one candidate means:
        ``"refuse"`` raises EqualRankingError; ``"exhaust"`` ends the ballot there (the
        Scottish rule for papers whose next preference is ambiguous, and the US rule for an
        overvote).
        """
        withdrawn = self.withdrawn
        strict: dict[tuple[int, ...], int] = {}
        for ranking, weight in self.rankings.items():
            order: list[int] = []
            for level in ranking:
                if len(level) != 1:
                    if equal == "refuse":
                        names = ", ".join(self.candidates[c] for c in level) or "an overvote"
                        raise EqualRankingError(
                            f"a ballot ranks candidates equally ({names}); "
                            "this rule needs one candidate at each preference"
                        )
                    break
                candidate = level[0]
                if candidate in withdrawn or candidate in order:
                    continue
                order.append(candidate)
            key = tuple(order)
            strict[key] = strict.get(key, 0) + weight
        return strict

    def renumbered(self, keep: Iterable[int]) -> BallotSet:
        """A copy restricted to the candidates `keep`, renumbered in that order."""
        keep = list(keep)
        index = {old: new for new, old in enumerate(keep)}
        result = BallotSet([self.candidates[c] for c in keep], seats=self.seats, title=self.title)
        for ranking, weight in self.rankings.items():
            levels = tuple(
                lv
                for lv in (tuple(index[c] for c in level if c in index) for level in ranking)
                if lv
            )
            result.add(levels, weight)
        return result
