"""Most-read counting and the 人気ランキング windows."""
