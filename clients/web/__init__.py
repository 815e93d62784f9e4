"""The web faces: the practitioner's workspace pages for clients, and the client's phone page."""
