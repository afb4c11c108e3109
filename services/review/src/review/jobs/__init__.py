"""review's clocks: periodic jobs started with the app."""
