"""Exceptions raised by tgclassify. Every one says which file and what to do."""

from __future__ import annotations


class TgclassifyError(Exception):
    """Base class of every error tgclassify raises on purpose."""


class ReportReadError(TgclassifyError):
    """A report file could not be read: unsupported, empty, binary, corrupt or too large."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ModelLoadError(TgclassifyError):
    """A saved model folder is missing, incomplete, tampered with or incompatible."""


class DataFormatError(TgclassifyError):
    """A labeled-data file does not follow the corpus format."""
