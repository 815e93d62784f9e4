"""What a client was given: assigning a program, pausing, breaks, resuming and ending it, its
versions and what changed between them, and the client's handouts."""
