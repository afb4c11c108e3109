"""intake's use cases: each opens (or receives) a unit of work, applies the rules, emits events."""
