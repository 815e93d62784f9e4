"""Signed webhooks (Standard Webhooks): the events a practice's other systems hear of, the
endpoints they are sent to, and their delivery, row first, at least once, with retries.

Low in the rooms so that every room can `emit` in the transaction of its change; it imports
the models only.
"""
