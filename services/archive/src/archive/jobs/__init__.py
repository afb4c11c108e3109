"""archive's clocks and periodic jobs."""
