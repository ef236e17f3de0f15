"""The rules of Rank and File in pure Python.

Nothing under this package imports Django or the Django apps (an import-linter contract in
pyproject.toml fails the build if it does): counting, apportionment, standing and the audit
chain can be used on their own.
"""
