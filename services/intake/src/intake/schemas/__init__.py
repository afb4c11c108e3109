"""HTTP request and response models of intake, every field described for the app teams."""
