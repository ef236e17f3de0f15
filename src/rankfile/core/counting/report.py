"""Writing a count: a text result sheet, our JSON schema, and the RCTab summary JSON.

The JSON schema is documented in docs/counting.md. Numbers are decimal strings with the
places the rule works to, truncated, so that no reader meets a float.
"""

from __future__ import annotations

from typing import Any

from rankfile.core.counting.result import CountResult, Round

ACTION_LABELS = {
    "first-preferences": "First preferences",
    "surplus": "Surplus of",
    "exclusion": "Exclusion of",
    "batch-exclusion": "Exclusion of",
    "none": "",
}


def to_json(result: CountResult) -> dict[str, Any]:
    """The result in our stable JSON schema (docs/counting.md)."""
    names = result.candidates
    rounds = []
    for r in result.rounds:
        rounds.append(
            {
                "round": r.number,
                "action": r.action,
                "from": [names[c] for c in r.source],
                "tallies": {names[c]: result.fmt(v) for c, v in r.tallies.items()},
                "transfers": {names[c]: result.fmt(v) for c, v in r.transfers.items()},
                "exhausted": result.fmt(r.exhausted),
                "rounding_loss": result.fmt(r.loss),
                **({"quota": result.fmt(r.quota)} if r.quota is not None else {}),
                **(
                    {"keep": {names[c]: result.fmt(v) for c, v in r.keep.items()}}
                    if r.keep is not None
                    else {}
                ),
                "elected": [names[c] for c in r.elected],
                "excluded": [names[c] for c in r.excluded],
                "decisions": [
                    {"candidate": names[d.candidate], "decision": d.kind, "reason": d.reason}
                    for d in r.decisions
                ],
            }
        )
    data: dict[str, Any] = {
        "method": result.method,
        "title": result.title,
        "seats": result.seats,
        "valid": result.fmt(result.valid),
        "quota": result.fmt(result.quota) if result.quota is not None else None,
        "seed": result.seed,
        "candidates": list(names),
        "rounds": rounds,
        "elected": [names[c] for c in result.elected],
        "notes": list(result.notes),
    }
    if result.ranking is not None:
        data["ranking"] = [[names[c] for c in tier] for tier in result.ranking]
    return data


def _round_heading(result: CountResult, r: Round) -> tuple[str, str]:
    label = ACTION_LABELS.get(r.action, r.action)
    who = ", ".join(result.name(c) for c in r.source)
    return f"Stage {r.number}", f"{label} {who}".strip()


def to_text(result: CountResult) -> str:
    """A result sheet laid out like an official one: candidates down, stages across."""
    names = result.candidates
    lines = []
    if result.title:
        lines.append(result.title)
    lines.append(f"Method: {result.method}    Seats: {result.seats}")
    lines.append(f"Valid votes: {result.fmt(result.valid)}")
    if result.quota is not None:
        lines.append(f"Quota: {result.fmt(result.quota)}")
    if result.seed is not None:
        lines.append(f"Seed for ties by lot: {result.seed}")
    lines.append("")
    if result.rounds:
        width = max(
            12, max(len(result.fmt(v)) for r in result.rounds for v in r.tallies.values()) + 2
        )
        name_width = max(len(n) for n in [*names, "Non-transferable", "Total"]) + 2
        heading = "".ljust(name_width) + "".join(
            f"Stage {r.number}".rjust(width) for r in result.rounds
        )
        lines.append(heading)
        lines.append("-" * len(heading))
        for c, name in enumerate(names):
            cells = "".join(
                result.fmt(r.tallies.get(c, 0 * r.exhausted)).rjust(width) for r in result.rounds
            )  # noqa: E501
            lines.append(name.ljust(name_width) + cells)
        # US counts call it exhausted; STV result sheets, non-transferable.
        lost_label = "Non-transferable" if result.quota is not None else "Exhausted"
        lines.append(
            lost_label.ljust(name_width)
            + "".join(result.fmt(r.exhausted + r.loss).rjust(width) for r in result.rounds)
        )
        if any(r.quota is not None for r in result.rounds):
            lines.append(
                "Quota".ljust(name_width)
                + "".join(
                    result.fmt(r.quota or 0 * r.exhausted).rjust(width) for r in result.rounds
                )
            )
        lines.append(
            "Total".ljust(name_width)
            + "".join(
                result.fmt(sum(r.tallies.values()) + r.exhausted + r.loss).rjust(width)
                for r in result.rounds
            )
        )
        if any(r.keep is not None for r in result.rounds):
            # Meek: the keep factor each candidate's votes were counted with, stage by stage.
            lines.append("")
            lines.append("Keep factors")
            for c, name in enumerate(names):
                lines.append(
                    name.ljust(name_width)
                    + "".join(
                        result.fmt((r.keep or {}).get(c, 0 * r.exhausted)).rjust(width)
                        for r in result.rounds
                    )
                )
        lines.append("")
        for r in result.rounds:
            stage, action = _round_heading(result, r)
            lines.append(f"{stage}: {action}")
            for d in r.decisions:
                verb = {"elected": "Elected", "excluded": "Excluded"}.get(d.kind, "Note")
                lines.append(f"    {verb}: {names[d.candidate]} ({d.reason})")
        lines.append("")
    if result.ranking is not None:
        lines.append("Ranking:")
        for place, tier in enumerate(result.ranking, start=1):
            lines.append(f"    {place}. " + " = ".join(names[c] for c in tier))
    lines.append("Elected, in order of election:")
    for place, c in enumerate(result.elected, start=1):
        lines.append(f"    {place}. {names[c]}")
    for note in result.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines) + "\n"


def to_rctab(result: CountResult, contest: str | None = None) -> dict[str, Any]:
    """The universal tabulator summary JSON that RCTab writes and rcvis reads.

    RCTab lists, at each round, who is elected or eliminated and where their votes go in the
    next round; eliminated candidates leave the later tallies. A candidate elected with a
    surplus transferred later is listed at the round before that transfer, where RCTab's
    readers expect the votes to start falling. Meek STV cannot be written this way (the votes
    of the elected go up and down with the quota at every round): ValueError.
    """
    if result.method == "meek":
        raise ValueError(
            "the RCTab summary cannot express Meek STV (elected candidates' votes change "
            "with the quota at every round); use json"
        )
    names = result.candidates
    rounds = result.rounds
    gone: set[int] = set()
    surplus_round = {r.source[0]: r.number for r in rounds if r.action == "surplus"}
    results = []
    for index, r in enumerate(rounds):
        following = rounds[index + 1] if index + 1 < len(rounds) else None
        tally = {names[c]: result.fmt(v) for c, v in r.tallies.items() if c not in gone}
        entries: list[dict[str, Any]] = []

        def transfers_from(
            source: int, nxt: Round | None = following, r: Round = r
        ) -> dict[str, str]:
            if nxt is None or source not in nxt.source:
                return {}
            moved = {
                names[c]: result.fmt(v) for c, v in nxt.transfers.items() if v > 0 and c != source
            }
            exhausted = nxt.exhausted + nxt.loss - r.exhausted - r.loss
            if exhausted > 0:
                moved["exhausted"] = result.fmt(exhausted)
            return moved

        for r_elected in rounds:
            for c in r_elected.elected:
                # Listed where its votes start to move: before its surplus, else where won.
                listed_at = surplus_round.get(c, r_elected.number + 1) - 1
                if listed_at == r.number:
                    entries.append({"elected": names[c], "transfers": transfers_from(c)})
        for c in r.excluded:
            entries.append({"eliminated": names[c], "transfers": transfers_from(c)})
            gone.add(c)
        results.append({"round": r.number, "tally": tally, "tallyResults": entries})
    config: dict[str, Any] = {"contest": contest or result.title or "Election"}
    if result.quota is not None:
        config["threshold"] = result.fmt(result.quota)
    return {"config": config, "results": results}
