"""intake's clocks: the monthly follow-up."""
