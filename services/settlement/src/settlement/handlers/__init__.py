"""Use cases of settlement: ``async def verb_noun(..., *, uow, ...)``, each owns its transaction."""
