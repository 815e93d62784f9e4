"""Client accounts: invitations and their acceptance, sign-in settings and passwords, and the
handover of a leaving practitioner's clients."""
