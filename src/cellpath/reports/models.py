"""Reference cohorts: registries of untreated patients a report's courses are matched against.

An administrator of a site uploads one as the two CSV files of the ``cellpath outcomes``
contract (for example a PRO-ACT download converted by the importer); they are checked like
``cellpath report`` checks them, stored compressed, and read again whenever a report uses them.
They hold no identities (registry patient ids only) and belong to the site that uploaded them.
"""

from __future__ import annotations

import gzip

from django.db import models

from cellpath.accounts.models import Site, User


class ReferenceCohort(models.Model):
    """A named registry of patients, for matched external controls (design file §5)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="reference_cohorts")
    name = models.CharField(max_length=120)
    description = models.CharField(
        max_length=300, blank=True, help_text="Where it comes from, e.g. PRO-ACT placebo arms."
    )
    patients_gz = models.BinaryField()
    visits_gz = models.BinaryField()
    n_patients = models.PositiveIntegerField()
    n_visits = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="unique_reference_cohort_name")
        ]

    def __str__(self) -> str:
        return self.name

    def files(self) -> tuple[bytes, bytes]:
        """PATIENTS.csv and VISITS.csv as uploaded."""
        return gzip.decompress(bytes(self.patients_gz)), gzip.decompress(bytes(self.visits_gz))
