"""Home, section, topic and article pages, authors, and the latest listings."""
