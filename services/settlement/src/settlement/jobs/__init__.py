"""settlement's periodic and start-up jobs, run beside the app by ``create_service_app``."""
