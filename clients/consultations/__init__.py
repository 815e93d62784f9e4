"""Consultations: booking, moving and cancelling, the clinical record and its outcome measures."""
