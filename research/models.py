"""Research models: boards, metrics, ideas and readings (added by the research slice)."""
