"""Rank and File: software with which member-run organizations run their own democracy."""

__version__ = "0.1.0"
