"""What a client did: check-offs (completions), today's list, adherence and the figures and
charts built on them."""
