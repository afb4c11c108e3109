"""资金结算服务 · settlement.

资金结算与抽查 (steps 8, 10): fee standards, funds, the ledger, monthly statements, spot checks.
"""
