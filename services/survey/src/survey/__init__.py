"""入户调查服务 · survey.

入户调查与初审 (step 3): survey tasks, two-person teams, findings, preliminary review.
"""
