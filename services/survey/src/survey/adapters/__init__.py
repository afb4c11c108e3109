"""What survey uses from outside its own rules: the keys that seal personal data at rest."""
