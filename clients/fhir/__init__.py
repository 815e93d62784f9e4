"""FHIR R4: a client's record as a Bundle an EHR can import (Patient, Practitioner, Organization,
a CarePlan per version of each assignment, Encounters, Observations, QuestionnaireResponses).

`resources.py` maps one kind of row to one kind of resource, each a small function; `bundle.py`
loads the client's rows, puts the Bundle together, validates it with `fhir.resources` and
audits the export. Ids are derived from the practice and the row (`ids.py`), so each export
names the same things the same way.
"""
