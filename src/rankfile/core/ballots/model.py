"""Ballots held as weighted unique rankings.

Real elections have far fewer distinct rankings than ballots (Leith Walk 2017: 10,649 ballots,
3,671 rankings), so a ballot set is a mapping from each distinct ranking to the number of
ballots (its weight) that carry it. Counting works on the rankings, never on single ballots.

A ranking is a tuple of *levels*, most preferred first. A level is a tuple of candidate
indexes (0-based into `BallotSet.candidates`): one index for an ordinary preference, several
for an equal ranking (`1=2` in BLT, a tie in PrefLib), none for an overvote whose marks are
unknown (`$OVERVOTE` in a cast-vote record). Skipped ranks are not stored: every reader passes
over them. What a level of other than one candidate means is decided by the counting rule.

One normalisation for every reader, made here as rankings are added: a candidate repeated on a
ballot counts only at its first place (later marks for them are dropped, and a level left with
no candidate by that goes too); weights are whole numbers of at least 0.
"""

from __future__ import annotations

from collections.abc import Iterator

Level = tuple[int, ...]
Ranking = tuple[Level, ...]


class BallotFileError(ValueError):
    """A ballot file that cannot be read; the message names the line and what is wrong."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line is not None else message)


def _first_places(packed: dict[bytes, int]) -> dict[bytes, int]:
    """`packed` with each ranking naming a candidate twice cut to their first places."""
    if list(map(len, packed)) == list(map(len, map(set, packed))):
        return packed
    normal: dict[bytes, int] = {}
    for key, weight in packed.items():
        if len(set(key)) != len(key):
            key = bytes(dict.fromkeys(key))
        normal[key] = normal.get(key, 0) + weight
    return normal


def _check_weight(weight: int) -> None:
    if weight < 0:
        raise ValueError(f"a ballot weight cannot be negative ({weight})")


class EqualRankingError(ValueError):
    """A ballot ranks candidates equally and the rule in use does not allow it."""


class BallotSet:
    """The candidates, the seats (when the file says) and the weighted unique rankings.

    Rankings with one candidate at every level (nearly all of them) are kept apart as plain
    tuples of candidate indexes, which is what the counting rules use; `rankings` gives every
    ranking as levels.
    """

    def __init__(
        self,
        candidates: list[str],
        rankings: dict[Ranking, int] | None = None,
        seats: int | None = None,
        title: str = "",
        withdrawn: frozenset[int] = frozenset(),
    ) -> None:
        self.candidates = candidates
        self.seats = seats
        self.title = title
        self.withdrawn = withdrawn
        self._orders: dict[tuple[int, ...], int] | None = {}
        # The same rankings packed one byte per candidate (fewer than 255 candidates), as the
        # BLT reader builds them; tuples are made from them only when something asks.
        self._packed: dict[bytes, int] | None = None
        self._repeats_checked = True
        self.mixed: dict[Ranking, int] = {}
        for ranking, weight in (rankings or {}).items():
            self.add(ranking, weight)

    def __repr__(self) -> str:
        return (
            f"BallotSet({len(self.candidates)} candidates, {self.total} ballots, "
            f"{len(self._packed or self.orders) + len(self.mixed)} rankings)"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BallotSet):
            return NotImplemented
        return (
            self.candidates == other.candidates
            and self.seats == other.seats
            and self.title == other.title
            and self.withdrawn == other.withdrawn
            and self.orders == other.orders
            and self.mixed == other.mixed
        )

    @property
    def orders(self) -> dict[tuple[int, ...], int]:
        """The rankings with one candidate at every level, as tuples of candidate indexes."""
        if self._orders is None:
            packed = self.packed_orders()
            assert packed is not None
            self._orders = dict(zip(map(tuple, packed), packed.values(), strict=True))
            self._packed = None
        return self._orders

    def set_packed_orders(self, packed: dict[bytes, int]) -> None:
        """Replace the one-candidate-per-level rankings by `packed` (one byte per candidate).

        A ranking naming a candidate twice is normalised as `add` does (first place kept), when
        the rankings are first asked for.
        """
        if len(self.candidates) >= 255 and self.candidates:
            raise ValueError("packed rankings need fewer than 255 candidates")
        self._packed = packed
        self._repeats_checked = False
        self._orders = None

    def packed_orders(self, normalised: bool = True) -> dict[bytes, int] | None:
        """The one-candidate-per-level rankings packed as bytes, when that is possible.

        `normalised=False` may give rankings still naming a candidate twice, which the Gregory
        counts can take as they are (a paper never reaches the repeat: the candidate repeated
        is no longer continuing by then) and so spare the check.
        """
        if self._packed is not None:
            if normalised and not self._repeats_checked:
                self._packed = _first_places(self._packed)
                self._repeats_checked = True
            return self._packed
        if len(self.candidates) >= 255:
            return None
        orders = self.orders
        return dict(zip(map(bytes, orders), orders.values(), strict=True))

    @property
    def rankings(self) -> dict[Ranking, int]:
        """Every ranking as levels, with its weight."""
        result: dict[Ranking, int] = {
            tuple((c,) for c in order): weight for order, weight in self.orders.items()
        }
        result.update(self.mixed)
        return result

    @property
    def total(self) -> int:
        """The number of ballots (the sum of the weights)."""
        plain = self._packed if self._packed is not None else self.orders
        return sum(plain.values()) + sum(self.mixed.values())

    def add(self, ranking: Ranking, weight: int = 1) -> None:
        """Add `weight` ballots carrying `ranking` (merged with identical rankings).

        A candidate repeated on the ballot counts at its first place only.
        """
        if all(len(level) == 1 for level in ranking):
            self.add_order(tuple(level[0] for level in ranking), weight)
            return
        _check_weight(weight)
        seen: set[int] = set()
        levels: list[Level] = []
        for level in ranking:
            if not level:
                levels.append(level)  # an overvote of unknown candidates
                continue
            kept = tuple(dict.fromkeys(c for c in level if c not in seen))
            seen.update(kept)
            if kept:
                levels.append(kept)
        normal = tuple(levels)
        if all(len(level) == 1 for level in normal):
            self.add_order(tuple(level[0] for level in normal), weight)
        else:
            self.mixed[normal] = self.mixed.get(normal, 0) + weight

    def add_order(self, order: tuple[int, ...], weight: int = 1) -> None:
        """Add `weight` ballots ranking the candidates `order`, one at each level.

        A candidate repeated in `order` counts at its first place only.
        """
        _check_weight(weight)
        if len(order) > 1 and len(set(order)) != len(order):
            order = tuple(dict.fromkeys(order))
        self.orders[order] = self.orders.get(order, 0) + weight

    def items(self) -> Iterator[tuple[Ranking, int]]:
        """The (ranking, weight) pairs."""
        return iter(self.rankings.items())

    def marks_a_candidate(self) -> bool:
        """Whether any ballot (of weight above 0) marks a candidate who has not withdrawn."""
        withdrawn = self.withdrawn
        plain = self._packed if self._packed is not None else self.orders
        for order, weight in plain.items():
            if weight and any(c not in withdrawn for c in order):
                return True
        for ranking, weight in self.mixed.items():
            if weight and any(c not in withdrawn for level in ranking for c in level):
                return True
        return False

    def has_equal_rankings(self) -> bool:
        """Whether any ballot ranks two or more candidates at the same level."""
        return any(len(level) > 1 for ranking in self.mixed for level in ranking)

    def strict_rankings(self, equal: str = "refuse") -> dict[tuple[int, ...], int]:
        """The rankings as plain tuples of candidate indexes, for rules that need a strict order.

        Withdrawn candidates are passed over; a candidate repeated on a ballot counts only at its
        first place. `equal` says what a level of other than one candidate means:
        ``"refuse"`` raises EqualRankingError; ``"exhaust"`` ends the ballot there (the
        Scottish rule for papers whose next preference is ambiguous, and the US rule for an
        overvote). The result may be the set's own mapping: do not change it.
        """
        if not self.mixed and not self.withdrawn:
            return self.orders
        withdrawn = self.withdrawn
        strict: dict[tuple[int, ...], int] = {}
        sources: list[tuple[Ranking | tuple[int, ...], int, bool]] = [
            (order, weight, True) for order, weight in self.orders.items()
        ]
        sources.extend((ranking, weight, False) for ranking, weight in self.mixed.items())
        for ranking, weight, plain in sources:
            order: list[int] = []
            for item in ranking:
                if plain:
                    candidate = item
                else:
                    assert isinstance(item, tuple)
                    if len(item) != 1:
                        if equal == "refuse":
                            names = ", ".join(self.candidates[c] for c in item) or "an overvote"
                            raise EqualRankingError(
                                f"a ballot ranks candidates equally ({names}); "
                                "this rule needs one candidate at each preference"
                            )
                        break
                    candidate = item[0]
                assert isinstance(candidate, int)
                if candidate in withdrawn or candidate in order:
                    continue
                order.append(candidate)
            key = tuple(order)
            strict[key] = strict.get(key, 0) + weight
        return strict
