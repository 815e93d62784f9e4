"""The REST faces: the client API (`/api/v1/me/...`) and the practitioner API for clients,
consultations and assignments."""
