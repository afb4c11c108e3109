"""archive's adapters to the outside world: HTML rendering and service numbering."""
