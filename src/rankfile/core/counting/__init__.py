"""Counting votes: STV (Scottish, Meek, WIGM), instant runoff, plurality, approval, Schulze
and motions, in exact arithmetic. Pure Python, no Django."""
