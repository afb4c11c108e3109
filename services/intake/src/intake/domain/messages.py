"""The message that tells an applicant the township's decision (civic.notify, issue 20).

It goes to the person (``user_id`` is their person id): to the phone or openid of their
preference when they set one, otherwise to the phone they gave with the application
(repository/messages.py finds it when the message is sent). It carries the decision's code,
a short reference and a masked name: no ID number, no reason text, nothing of their health.
"""

from __future__ import annotations

import logging
import uuid

from civic.notify.model import Outgoing
from civic.notify.rules import Purpose
from contracts.privacy import mask_name
from intake.domain.model import Application
from intake.domain.status import ApplicationStatus

log = logging.getLogger(__name__)

#: The decisions an applicant is told of, by the status the application reached.
DECIDED = {ApplicationStatus.APPROVED: "approved", ApplicationStatus.REJECTED: "rejected"}


def applicant_of(person_id: uuid.UUID) -> str:
    """The ``user_id`` messages to a person go to (and their preference is kept under)."""
    return str(person_id)


def reference(application_id: uuid.UUID) -> str:
    """The short reference an applicant can quote at the window."""
    return application_id.hex[:8].upper()


def decision_message(app: Application) -> Outgoing | None:
    """The message of a decided application (one per application: its cause is the decision)."""
    decision = DECIDED.get(app.status)
    if decision is None:
        return None
    where = {
        "dedupe_key": f"decision:{app.application_id}",
        "user_id": applicant_of(app.person_id),
        "county_code": app.county_code,
        "township_code": app.township_code,
        "purpose": Purpose.DECISION,
    }
    params = {"decision": decision, "ref": reference(app.application_id)}
    try:
        return Outgoing(**where, params={**params, "name": mask_name(app.applicant.name)})
    except ValueError:
        # A name a template may not carry must not hold back the decision: it goes without.
        log.warning("decision message of %s sent without the name", app.application_id)
        return Outgoing(**where, params=params)
