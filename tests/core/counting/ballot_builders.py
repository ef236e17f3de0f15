"""Building small ballot sets for the counting tests: `make("ABCD", {"AB": 3, "C": 1})`."""

from rankfile.core.ballots import BallotSet


def make(candidates: str, ballots: dict[str, int], seats: int | None = None) -> BallotSet:
    """Candidates named by letters; each key a ranking of letters, '=' joining equal ranks."""
    result = BallotSet(list(candidates), seats=seats)
    for text, weight in ballots.items():
        levels = tuple(tuple(candidates.index(letter) for letter in part) for part in _levels(text))
        result.add(levels, weight)
    return result


def _levels(text: str) -> list[str]:
    parts: list[str] = []
    for letter in text:
        if parts and parts[-1].endswith("="):
            parts[-1] = parts[-1][:-1] + letter
        elif letter == "=":
            parts[-1] += "="
        else:
            parts.append(letter)
    return parts
