"""Secure messages: one thread per client between the client and the practice's practitioners."""
