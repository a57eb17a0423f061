"""The newsroom's user accounts (a custom user model from the first migration)."""
