"""Use cases of the settlement service: ``async def verb_noun(..., *, uow, ...)``."""
