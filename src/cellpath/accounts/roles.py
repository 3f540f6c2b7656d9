"""The four roles of Cellpath and what each may reach.

Least privilege (HIPAA §164.308(a)(4), OWASP ASVS V8.2): administrators run the installation and
read the audit log but do not open clinical records; editors maintain the public study library,
claim checks and knowledge pages and open no patient data; coordinators and clinicians work on the
patients of their own sites; patients see their own record only.
"""

from django.db import models


class Role(models.TextChoices):
    PATIENT = "patient", "Patient"
    COORDINATOR = "coordinator", "Coordinator"
    CLINICIAN = "clinician", "Clinician"
    ADMINISTRATOR = "administrator", "Administrator"
    EDITOR = "editor", "Editor"


STAFF_ROLES = frozenset({Role.COORDINATOR, Role.CLINICIAN, Role.ADMINISTRATOR, Role.EDITOR})
PATIENT_DATA_ROLES = frozenset({Role.COORDINATOR, Role.CLINICIAN})
"""Staff roles that open patient records (and so must pass MFA first)."""
