"""Letters (答复和告知文书): a sandboxed Jinja2 environment over the shipped templates and a body's own, the data
each letter is filled with, rendering to HTML, PDF (WeasyPrint) and DOCX (python-docx), the font coverage check,
and the archive of what was sent.

Heavy modules (Jinja2, WeasyPrint, python-docx, fontTools) are imported here and only here, and this package is
imported only by the acts and commands that issue or show letters, never by `case show`.
"""

from ..domain.errors import Refused


class LetterError(Refused):
    """A letter cannot be issued or shown as asked: one line in Chinese naming what is wrong (refuses the act)."""
