"""The document-level error, outside the providers package so low-level helpers can raise it
without importing (and so loading) every provider."""

from __future__ import annotations


class WireFormatError(Exception):
    """The document as a whole cannot be read (not JSON/XML, wrong root, unsafe XML...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
