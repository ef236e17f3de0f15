"""The JSON API (/api/v1/), calling the same lookups and actions as the web pages."""
