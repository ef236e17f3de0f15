"""Conventions: the credentials cut-off, delegate apportionment from a frozen standing
snapshot, delegate elections per branch and the credentials roll. See docs/conventions.md."""
