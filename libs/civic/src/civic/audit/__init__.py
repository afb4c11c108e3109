"""Read audit: every answer that holds a person's data leaves a line saying who read it.

A route declares what it reads (``openapi_extra=reads_personal("application")``) or that
it reads nothing personal (``reads_personal(None)``); ``AuditReads`` (the middleware every
service app carries) then writes, before the answer leaves, one line per read into the
service's append-only ``read_audit`` table and the same line to ``audit.reads.v1``. The
people are found in the answer (every ``person_id`` field of a JSON body), in the path, and
in what a handler names with ``saw(person_id)`` (a document's bytes name nobody).
``tests/test_read_audit.py`` fails for a route that declares nothing, and for one that
declares nothing personal but answers with personal fields. See docs/read-audit.md.
"""

from civic.audit.marks import NOT_PERSONAL, reads_personal, saw

__all__ = ["NOT_PERSONAL", "reads_personal", "saw"]
