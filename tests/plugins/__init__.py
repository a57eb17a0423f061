"""Shared fixtures as pytest plugins, one module per app, registered in tests/conftest.py."""
