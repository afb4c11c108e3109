"""review's adapters: sealing personal data at rest."""
