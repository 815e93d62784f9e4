"""Needs attention: what a practitioner should look at today, gathered from small sources;
alerts marked handled, progression suggestions applied, the top bar's count."""
