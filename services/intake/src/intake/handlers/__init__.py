"""intake's use cases: each opens its unit of work (joining one open), applies rules, emits."""
