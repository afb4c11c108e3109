"""转介派单服务 · dispatch.

转介服务与开展服务 (steps 5-6): providers, service orders, plans, service
records, the love doorbell.
"""
