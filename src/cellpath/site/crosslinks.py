"""A patient's record links to the applications it was made from (care does not import intake).
Programmes and trials meet here: a programme whose registry ID is a stored trial links to the
trial's page, and the trial's page links back; a programme with warning signs lists the open
ALS cell-therapy trials to weigh it against. The two apps are siblings that do not import
each other; this module, above both, hands each app's `links` a way to find the other's pages
(connected at start-up by `site.apps`)."""

from __future__ import annotations

from django.urls import reverse

from cellpath.accounts.models import User
from cellpath.care import links as care_links
from cellpath.care.models import Patient
from cellpath.intake.queries import applications_of_patient
from cellpath.programmes import links as programme_links
from cellpath.programmes.models import Programme
from cellpath.programmes.queries import programmes_with_registry_id
from cellpath.trials import links as trial_links
from cellpath.trials.finder.queries import open_cell_therapy_trials, trial_stored


def trial_page(registry_id: str) -> str | None:
    if not trial_stored(registry_id):
        return None
    return reverse("trials:detail", args=[registry_id.upper()])


def open_cell_trials(limit: int) -> list[programme_links.TrialLink]:
    return [
        programme_links.TrialLink(
            trial.nct_id,
            trial.title,
            trial.get_status_display(),
            ", ".join(trial.phase_labels),
            reverse("trials:detail", args=[trial.nct_id]),
        )
        for trial in open_cell_therapy_trials(limit)
    ]


def programme_pages(nct_id: str) -> list[trial_links.ProgrammeLink]:
    return [
        trial_links.ProgrammeLink(
            programme.name, reverse("programmes:detail", args=[programme.slug])
        )
        for programme in programmes_with_registry_id(nct_id)
    ]


def application_pages(user: User, patient: Patient) -> list[care_links.ApplicationLink]:
    return [
        care_links.ApplicationLink(
            application.reference,
            application.programme.name,
            reverse("intake:detail", args=[application.reference]),
        )
        for application in applications_of_patient(user=user, patient_id=patient.pk)
    ]


def requirements(programme: Programme) -> list[programme_links.Requirement]:
    return [
        programme_links.Requirement(criterion.as_criterion().describe(), criterion.explanation)
        for criterion in programme.screening_criteria.all()
    ]


def connect() -> None:
    care_links.connect_application_pages(application_pages)
    programme_links.connect_requirements(requirements)
    programme_links.connect_trial_page(trial_page)
    programme_links.connect_open_cell_trials(open_cell_trials)
    trial_links.connect_programme_pages(programme_pages)
