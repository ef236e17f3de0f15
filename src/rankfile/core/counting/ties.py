"""Breaking ties: by the most recent earlier round at which the tied candidates differed, then
by lot with a seed the caller gives and the result records. There is never a silent choice: a
tie that needs a lot when no seed was given stops the count with `TieNeedsLot`.

A lot is drawn only when its outcome can change who is elected or excluded. `settle` runs a
count first without lots, taking the tied candidates in ballot order, and then once for every
other way the ties it met could go (up to EXPLORE_LIMIT counts); when every way elects and
excludes the same candidates, the ties decided only an order: the first count stands and its
notes say so. Otherwise the tie whose choice changes the outcome needs a lot.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rankfile.core.counting.result import CountResult

# How many counts `settle` may run to show that the ties met decide nothing. Past it, a lot
# is asked for (as if the ties could change the outcome).
EXPLORE_LIMIT = 64


class TieNeedsLot(Exception):
    """A tie that only a lot can break, and no seed was given."""


class TieBreaker:
    """Breaks ties for one count; all lots come from one seeded generator, in order."""

    def __init__(
        self, names: Sequence[str], seed: int | None, choices: Sequence[int] | None = None
    ) -> None:
        self.names = names
        self.seed = seed
        self._random = random.Random(seed) if seed is not None else None
        # The notes of the count: the lots drawn, or the ties that decided only an order.
        self.lots: list[str] = []
        # Exploring (see `settle`): `choices` says which of the tied candidates to take at each
        # tie a lot would break (the first, in ballot order, past its end); `branches` records
        # each such tie: how many candidates were tied, and the message asking for a lot.
        self._choices = list(choices) if choices is not None else None
        self.branches: list[tuple[int, str]] = []

    def pick(
        self,
        tied: Sequence[int],
        history: Sequence[Mapping[int, Any]],
        lowest: bool,
        what: str,
        within: Sequence[Any] | None = None,
    ) -> tuple[int, str]:
        """Choose one of `tied` (the lowest when `lowest`, else the highest).

        `history` is the tallies of the earlier rounds, oldest first (not the round in which
        the tie happened). `within`, when given, is for each of those rounds how far apart two
        tallies may be and still count as equal (Meek: the round's total surplus). Returns the
        candidate and a sentence saying how the tie was broken.
        """
        group = sorted(tied)
        for index in range(len(history) - 1, -1, -1):
            tallies = history[index]
            values = {c: tallies.get(c, 0) for c in group}
            margin = within[index] if within is not None else 0
            if max(values.values()) - min(values.values()) <= margin:
                continue
            if lowest:
                low = min(values.values())
                group = [c for c in group if values[c] <= low + margin]
            else:
                high = max(values.values())
                group = [c for c in group if values[c] >= high - margin]
            if len(group) == 1:
                return group[0], (
                    f"tie for {what} broken at round {index + 1}, the most recent earlier "
                    "round at which the tied candidates differed"
                )
        names = ", ".join(self.names[c] for c in group)
        needs_lot = (
            f"{names} are tied for {what} at every round; the tie must be broken by lot: "
            "give a seed"
        )
        if self._choices is not None:
            index = len(self.branches)
            choice = self._choices[index] if index < len(self._choices) else 0
            self.branches.append((len(group), needs_lot))
            chosen = group[choice]
            text = (
                f"{names} are tied for {what} at every round; whichever goes first, the same "
                f"candidates are elected and excluded, so no lot is drawn: "
                f"{self.names[chosen]} first, in ballot order"
            )
            self.lots.append(text)
            return chosen, text
        if self._random is None:
            raise TieNeedsLot(needs_lot)
        chosen = self._random.choice(group)
        text = f"tie for {what} between {names} broken by lot (seed {self.seed})"
        self.lots.append(text)
        return chosen, text

    def order(
        self,
        candidates: Sequence[int],
        tallies: Mapping[int, Fraction | int],
        history: Sequence[Mapping[int, Any]],
        what: str,
        lot: bool = True,
    ) -> list[tuple[int, str | None]]:
        """`candidates` from the highest tally down, ties broken; with the tie reason if any.

        With `lot=False` (an order that decides nothing, such as candidates all elected
        together) a tie left after the earlier rounds keeps the ballot-file order instead.
        """
        remaining = list(candidates)
        ordered: list[tuple[int, str | None]] = []
        while remaining:
            top = max(tallies[c] for c in remaining)
            tied = [c for c in remaining if tallies[c] == top]
            if len(tied) == 1:
                chosen, reason = tied[0], None
            elif not lot and all(len({h.get(c, 0) for c in tied}) == 1 for h in history):
                chosen, reason = min(tied), "equal votes at every round: listed in ballot order"
            else:
                chosen, reason = self.pick(tied, history, lowest=False, what=what)
            ordered.append((chosen, reason))
            remaining.remove(chosen)
        return ordered


def _outcome(result: CountResult) -> tuple[frozenset[int], frozenset[int]]:
    excluded = frozenset(c for r in result.rounds for c in r.excluded)
    return frozenset(result.elected), excluded


def settle(
    run: Callable[[TieBreaker], CountResult], names: Sequence[str], seed: int | None
) -> CountResult:
    """Run the count `run(ties)`, drawing lots only for ties that can change the outcome.

    Without a seed, a tie that can change who is elected or excluded raises TieNeedsLot; with
    one, the count is run again drawing every tie it meets by lot (recorded in its notes).
    """
    first_ties = TieBreaker(names, None, choices=[])
    first = run(first_ties)
    if not first_ties.branches:
        return first
    choices = [0] * len(first_ties.branches)
    options = [count for count, _ in first_ties.branches]
    outcomes = [(choices, _outcome(first))]
    complete = True
    while True:
        level = len(choices) - 1
        while level >= 0 and choices[level] + 1 >= options[level]:
            level -= 1
        if level < 0:
            break
        if len(outcomes) >= EXPLORE_LIMIT:
            complete = False
            break
        prefix = [*choices[:level], choices[level] + 1]
        ties = TieBreaker(names, None, choices=prefix)
        result = run(ties)
        choices = prefix + [0] * (len(ties.branches) - len(prefix))
        options = [count for count, _ in ties.branches]
        outcomes.append((choices, _outcome(result)))
    if complete and len({outcome for _, outcome in outcomes}) == 1:
        return first
    if seed is None:
        message = first_ties.branches[0][1]
        if complete:
            message = _deciding_tie(outcomes, first_ties.branches) or message
        raise TieNeedsLot(message)
    return run(TieBreaker(names, seed))


def _deciding_tie(
    outcomes: list[tuple[list[int], tuple[frozenset[int], frozenset[int]]]],
    branches: list[tuple[int, str]],
) -> str | None:
    """The message of the first tie (of the count without lots) whose choice changes the
    outcome: among the counts that went as the first up to that tie, the outcomes reachable
    from one of its choices differ from those reachable from another."""
    for level, (_, message) in enumerate(branches):
        reachable: dict[int, set[Any]] = {}
        for choices, outcome in outcomes:
            if len(choices) > level and not any(choices[:level]):
                reachable.setdefault(choices[level], set()).add(outcome)
        if len({frozenset(found) for found in reachable.values()}) > 1:
            return message
    return None
