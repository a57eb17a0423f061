"""Kisha (記者): a publishing platform for Japanese news and magazine publishers."""
