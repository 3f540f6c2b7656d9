"""Writes of the patient portal: asking to be forgotten and a coordinator's decision on it;
inviting a caregiver, who accepts, and ending their access; a clinician releasing the predicted
survival to the patient and their caregivers, and withdrawing it.

Erasure (GDPR Art. 17) removes who the person is — name, e-mail, telephone and their sign-in —
and keeps the clinical record under its study ID, because research and legal retention allow it
(Art. 17(3)(c)–(e), Art. 89; ICH E6 essential records). The self-report and update services the
portal also uses live with the other assessments (`alsfrs_r_record`, `update_post`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cellpath.accounts.audit import Actor, audited_save, record
from cellpath.accounts.models import AuditEvent, Membership, User
from cellpath.accounts.roles import Role
from cellpath.accounts.services import membership_grant, user_create
from cellpath.accounts.tokens import token_hash
from cellpath.care.models import (
    CaregiverLink,
    ErasureRequest,
    Patient,
    PatientIdentity,
    PredictionRelease,
)
from cellpath.care.services.permissions import actor_user, require_role_at_site
from cellpath.outbox import absolute_url, send_email_after_commit

ERASED = "erased"


@transaction.atomic
def erasure_request_create(*, actor: Actor, patient: Patient, reason: str = "") -> ErasureRequest:
    """The patient asks for their identity to be erased; the site's coordinators are told."""
    if not (isinstance(actor, User) and patient.user_id == actor.pk):
        raise PermissionDenied("Only the patient can ask for their own record to be erased.")
    request = audited_save(
        ErasureRequest(patient=patient, requested_by=actor, reason=reason.strip()), actor=actor
    )
    coordinators = Membership.objects.filter(
        site_id=patient.site_id, role=Role.COORDINATOR, user__is_active=True
    ).values_list("user__email", flat=True)
    link = absolute_url(reverse("care:erasure-review", args=[request.pk]))
    for email in coordinators:
        send_email_after_commit(
            subject=f"Erasure request: {patient.study_id}",
            body=(
                f"The patient {patient.study_id} asked for their identity to be erased.\n"
                f"Review the request in Cellpath: {link}\n"
            ),
            to=[email],
        )
    return request


@transaction.atomic
def erasure_request_decide(
    *, actor: Actor, request: ErasureRequest, approve: bool, note: str = ""
) -> ErasureRequest:
    """A coordinator of the patient's site approves (identity erased at once) or declines."""
    require_role_at_site(
        actor,
        request.patient.site_id,
        [Role.COORDINATOR],
        "Only coordinators of this site review erasure requests.",
    )
    request = (
        ErasureRequest.objects.select_for_update().select_related("patient").get(pk=request.pk)
    )
    if not request.is_open:
        raise ValidationError("This request has already been decided.")
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"decision_note": "Tell the patient why the request is declined."})
    request.status = ErasureRequest.Status.APPROVED if approve else ErasureRequest.Status.DECLINED
    request.decided_by = actor_user(actor)
    request.decided_at = timezone.now()
    request.decision_note = note
    audited_save(request, actor=actor)
    if approve:
        identity_erase(actor=actor, patient=request.patient, erasure_request=request)
    return request


@transaction.atomic
def identity_erase(
    *, actor: Actor, patient: Patient, erasure_request: ErasureRequest | None = None
) -> None:
    """Replace the patient's name, e-mail and telephone, close their sign-in for good and end
    their caregivers' access.

    The clinical record stays, under its study ID only. The sign-in is kept as a row (the audit
    trail points at it) but loses its name and address, its password and its activity."""
    require_role_at_site(
        actor, patient.site_id, [Role.COORDINATOR], "Only coordinators of this site can do this."
    )
    identity = PatientIdentity.objects.filter(patient=patient).first()
    if identity is not None:
        identity.full_name, identity.email, identity.phone = ERASED, "", ""
        audited_save(identity, actor=actor)
    for link in CaregiverLink.objects.filter(patient=patient, revoked_at__isnull=True):
        caregiver_revoke(actor=actor, link=link)
    user = patient.user
    if user is not None:
        user.full_name = ""
        user.email = f"erased-{user.pk}@erased.invalid"
        user.is_active = False
        user.set_unusable_password()
        user.save()
        record(
            actor,
            AuditEvent.Action.UPDATE,
            obj=user,
            object_label=patient.study_id,
            site_id=patient.site_id,
            # The old name and address are not copied here: erasing them is the point.
            changes={
                "full_name": {"old": "***", "new": ""},
                "email": {"old": "***", "new": user.email},
                "is_active": {"old": True, "new": False},
                "password": {"old": "***", "new": "unusable"},
            },
            detail={"erasure_request": erasure_request.pk if erasure_request else None},
        )


# --- caregivers ----------------------------------------------------------------------------


@transaction.atomic
def caregiver_invite(
    *, actor: Actor, patient: Patient, email: str, accept_url: Callable[[str], str]
) -> CaregiverLink:
    """The patient invites someone by e-mail; the link in the e-mail is the only way in
    (a random token, stored hashed, valid for `CaregiverLink.INVITATION_DAYS`)."""
    if not (isinstance(actor, User) and patient.user_id == actor.pk):
        raise PermissionDenied("Only the patient can invite a caregiver.")
    email = User.objects.normalize_email(email.strip()).lower()
    if email == actor.email:
        raise ValidationError({"email": "This is your own address: give your caregiver's."})
    for stale in CaregiverLink.objects.filter(
        patient=patient, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ):
        if stale.expired():  # an unanswered invitation may be sent again once it has lapsed
            caregiver_revoke(actor=actor, link=stale)
    token = secrets.token_urlsafe(32)
    link = audited_save(
        CaregiverLink(patient=patient, email=email, token_hash=token_hash(token)), actor=actor
    )
    name = patient.identity.full_name if hasattr(patient, "identity") else "A patient"
    send_email_after_commit(
        subject="An invitation to help in Cellpath",
        body=(
            f"Hello,\n\n{name} invited you to help them in Cellpath, the follow-up service of "
            f"{patient.site.name}: to see their visit dates, answer their questionnaire with them "
            f"and send updates to their care team.\n\n"
            f"To accept, open this link within {CaregiverLink.INVITATION_DAYS} days:\n"
            f"{accept_url(token)}\n\n"
            "If you did not expect this e-mail, you can ignore it.\n\nCellpath"
        ),
        to=[email],
    )
    return link


def caregiver_invitation(token: str) -> CaregiverLink | None:
    """The invitation a link's token opens, while it can still be accepted."""
    link = (
        CaregiverLink.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .select_related("patient", "patient__site")
        .first()
    )
    if link is None or link.accepted_at is not None or link.expired():
        return None
    return link


@transaction.atomic
def caregiver_accept(*, actor: User, token: str) -> CaregiverLink:
    """The invited person, signed in with the invited address, accepts."""
    link = caregiver_invitation(token)
    if link is None:
        raise ValidationError("This invitation is no longer valid. Ask for a new one.")
    if actor.email.lower() != link.email:
        raise PermissionDenied("This invitation was sent to another e-mail address.")
    if link.patient.user_id == actor.pk:
        raise PermissionDenied("You cannot be your own caregiver.")
    link.user = actor
    link.accepted_at = timezone.now()
    audited_save(link, actor=actor)
    # The patient role opens the portal pages; what it shows is scoped by the link.
    membership_grant(user=actor, site=link.patient.site, role=Role.PATIENT, actor=actor)
    return link


@transaction.atomic
def caregiver_join(*, token: str, full_name: str, password: str) -> User:
    """An invited person without a Cellpath sign-in creates one with the invited address."""
    link = caregiver_invitation(token)
    if link is None:
        raise ValidationError("This invitation is no longer valid. Ask for a new one.")
    if User.objects.filter(email=link.email).exists():
        raise ValidationError("This address already has a sign-in: sign in to accept.")
    user = user_create(
        email=link.email, password=password, full_name=full_name, actor="caregiver invitation"
    )
    caregiver_accept(actor=user, token=token)
    return user


@transaction.atomic
def caregiver_revoke(*, actor: Actor, link: CaregiverLink) -> CaregiverLink:
    """The patient (or a coordinator of the site) ends a caregiver's access at once."""
    if not (isinstance(actor, User) and link.patient.user_id == actor.pk):
        require_role_at_site(
            actor,
            link.patient.site_id,
            [Role.COORDINATOR],
            "Only the patient or their coordinator can do this.",
        )
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        audited_save(link, actor=actor)
    return link


# --- releasing the predicted survival to the patient ---------------------------------------


def _require_clinician(actor: Actor, patient: Patient) -> None:
    require_role_at_site(
        actor,
        patient.site_id,
        [Role.CLINICIAN],
        "Only a clinician of this patient's site can release or withdraw the prediction.",
    )


@transaction.atomic
def prediction_release(*, actor: Actor, patient: Patient, note: str) -> PredictionRelease:
    """Show the predicted survival to the patient and their caregivers, with the clinician's
    note that it was discussed with them (required: the release records a conversation)."""
    _require_clinician(actor, patient)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if patient.prediction_releases.filter(withdrawn_at__isnull=True).exists():
        raise ValidationError("The prediction is already released to this patient.")
    if patient.death_date is not None:
        raise ValidationError("The record is closed: the patient died.")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Write when and how the prediction was discussed."})
    return audited_save(
        PredictionRelease(patient=patient, released_by=actor_user(actor), note=note),
        actor=actor,
    )


@transaction.atomic
def prediction_withdraw(*, actor: Actor, patient: Patient, note: str = "") -> PredictionRelease:
    """Hide the prediction from the patient and their caregivers again; the release is kept."""
    _require_clinician(actor, patient)
    release = (
        PredictionRelease.objects.select_for_update()
        .select_related("patient")
        .filter(patient=patient, withdrawn_at__isnull=True)
        .first()
    )
    if release is None:
        raise ValidationError("The prediction is not released to this patient.")
    release.withdrawn_at = timezone.now()
    release.withdrawn_by = actor_user(actor)
    release.withdrawal_note = note.strip()
    return audited_save(release, actor=actor)
