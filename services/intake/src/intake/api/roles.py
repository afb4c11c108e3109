"""What intake's routes share: who may call them, and the Idempotency-Key header."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from civic.security import Principal, require_roles
from contracts.enums import Role
from intake.handlers.access import STAFF_CHANGERS, STAFF_READERS, STAFF_SUBMITTERS

Submitter = Annotated[Principal, Depends(require_roles(Role.APPLICANT_APP, *STAFF_SUBMITTERS))]
Coordinator = Annotated[Principal, Depends(require_roles(Role.COORDINATOR))]
Officer = Annotated[Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER))]
Changer = Annotated[Principal, Depends(require_roles(Role.APPLICANT_APP, *STAFF_CHANGERS))]
Reader = Annotated[Principal, Depends(require_roles(Role.APPLICANT_APP, *STAFF_READERS))]
Staff = Annotated[Principal, Depends(require_roles(*STAFF_READERS))]
#: Messages (civic.notify): a county's channel, the list officers act on, preferences staff set.
CountyOfficer = Annotated[Principal, Depends(require_roles(Role.COUNTY_OFFICER))]
MessageReader = Annotated[
    Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.AUDITOR))
]
StaffChanger = Annotated[Principal, Depends(require_roles(*STAFF_CHANGERS))]
#: The city system's integration account, and the platform's administrators.
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Any unique ASCII string (≤200) per submission, e.g. a UUID made by the app. "
        "A retry with the same key and body gets the first answer (same status and body); the "
        "same key with a different body gets 409 `idempotency_key_reused`.",
    ),
]
