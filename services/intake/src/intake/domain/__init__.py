"""intake's pure rules: application states, validation rules, classification, events.

Nothing here does I/O or knows about HTTP or SQL; handlers load state, call these rules
and persist what they return.
"""
