"""Daily reminders and practitioner alerts: the sweep, the sends, the claims, the channels they go
out through and the calendar invites they carry."""
