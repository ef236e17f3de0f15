"""Ballot files: BLT, PrefLib soi/toc, cast-vote-record CSV and wide CSV.

Every reader returns a `BallotSet` (weighted unique rankings) and raises `BallotFileError`
naming the line and what is wrong; nothing is guessed.
"""

from rankfile.core.ballots.model import (
    BallotFileError,
    BallotSet,
    EqualRankingError,
    Level,
    Ranking,
)

__all__ = ["BallotFileError", "BallotSet", "EqualRankingError", "Level", "Ranking"]
