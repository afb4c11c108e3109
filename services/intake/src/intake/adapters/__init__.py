"""intake's adapters to the outside world: the city's signatures, ID numbers sealed at rest."""
