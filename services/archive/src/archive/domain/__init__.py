"""Archive's pure rules: service numbers, file state, checklists, boards, ledgers.

No I/O here: no database, no FastAPI, no Kafka. Everything takes values and returns values.
"""
