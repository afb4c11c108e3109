"""受理登记服务 · intake.

申请与主动发现、受理登记 (steps 1-2): applications from the window, WeChat, 皖事通
and village coordinators.
"""
