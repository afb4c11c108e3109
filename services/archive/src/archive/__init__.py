"""档案公示服务 · archive.

建立档案与长期公示 (steps 7, 10): one file per person, service numbers, village
ledgers, notice boards.
"""
