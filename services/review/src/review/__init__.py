"""审核确认服务 · review.

审核确认与动态管理 (steps 4, 9): township review, the recipient registry and its status.
"""
