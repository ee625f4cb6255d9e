"""Accounts are Django's own users; their throttle lives in ``trainer.throttle``."""
