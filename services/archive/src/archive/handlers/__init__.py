"""archive's use cases: ``async def verb_noun(input, *, uow, ...)``."""
