"""Japanese search: one tokenizer for indexing and queries (see DESIGN.md §5)."""
