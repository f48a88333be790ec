"""Why a document could not be read. Each message is one line a user can act on."""


class SourceError(ValueError):
    """A document that cannot be turned into a cell table."""


class UnsupportedInputError(SourceError):
    """Neither a PDF, an image, nor a text export (judged by content, not extension)."""


class UnreadableDocumentError(SourceError):
    """Corrupt, truncated, encrypted, empty or oversized."""


class NotAFormError(SourceError):
    """Readable, but holds no 财政项目支出绩效自评表."""
