"""Shared pieces: the user and image models, the base page, site chrome, Japanese text helpers."""
