"""Users, sites and memberships, second factors, throttling events and the audit log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from cellpath.accounts.roles import STAFF_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. What they may do comes from their site memberships."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May open the Django admin (installation administrators only)."
    )
    is_demo = models.BooleanField(default=False, help_text="Created by the demo loader.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def roles(self) -> frozenset[str]:
        """The roles this user holds at any site (cached on the instance)."""
        if not hasattr(self, "_roles"):
            roles = set(self.memberships.values_list("role", flat=True))
            if self.is_superuser:
                roles.add(Role.ADMINISTRATOR)  # installation administrators hold it everywhere
            self._roles = frozenset(roles)
        return self._roles

    @property
    def is_staff_member(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def primary_role(self) -> str | None:
        """The role whose home page the user lands on (the most clinical one first)."""
        for role in (
            Role.COORDINATOR,
            Role.CLINICIAN,
            Role.ADMINISTRATOR,
            Role.EDITOR,
            Role.PATIENT,
        ):
            if role in self.roles:
                return role
        return None


class Site(models.Model):
    """A clinic or a trial site. Patient records belong to exactly one site."""

    class Kind(models.TextChoices):
        CLINIC = "clinic", "Clinic"
        TRIAL_SITE = "trial_site", "Trial site"

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(
        max_length=12, unique=True, help_text="Short code used in study IDs, e.g. RIV."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CLINIC)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role at a site (REDCap's data access group + role, in one row)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "site", "role"], name="unique_membership")
        ]
        ordering = ["site__name", "role"]

    def __str__(self) -> str:
        return f"{self.user} — {self.role_label} at {self.site}"

    @property
    def role_label(self) -> str:
        """The role in plain words. A caregiver holds the patient role (it opens the portal,
        scoped by their caregiver link), so a patient-role membership says "Caregiver" when
        `queries.with_role_labels` found a caregiver link and no record of their own."""
        if self.role != Role.PATIENT:
            return self.get_role_display()
        own = getattr(self, "holds_own_record", True)
        cares = getattr(self, "cares_for_someone", False)
        if own and cares:
            return "Patient and caregiver"
        if cares:
            return "Caregiver" if getattr(self, "cares_now", True) else "Caregiver (access ended)"
        return "Patient"


class TOTPDevice(models.Model):
    """A time-based one-time-password authenticator (RFC 6238) enrolled by a user."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(
        default=0, help_text="Time step of the last accepted code: a code is accepted once."
    )

    def __str__(self) -> str:
        return f"Authenticator of {self.user}"


class ThrottleEvent(models.Model):
    """One counted attempt (a failed sign-in, a reset request) under a throttling key."""

    key = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["key", "at"])]

    def __str__(self) -> str:
        return f"{self.key} at {self.at:%Y-%m-%d %H:%M:%S}"


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("The audit log is append-only: rows cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only: rows cannot be deleted.")

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise PermissionError("The audit log is append-only: rows cannot be updated.")


class AuditEvent(models.Model):
    """One append-only line of the audit trail: who did what, to which record, when, from where.

    21 CFR 11.10(e): computer-generated, time-stamped, never obscuring earlier values — updates
    keep the old and new value of each changed field. HIPAA §164.312(b): reads and exports of
    patient records are logged as well as writes. Rows cannot be changed or removed through the
    ORM, the admin or (for UPDATE on every database, and DELETE on PostgreSQL) raw SQL: database
    triggers refuse them.
    """

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        VIEW = "view", "Viewed"
        LIST = "list", "Listed"
        EXPORT = "export", "Exported"
        IMPORT = "import", "Imported"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_IN_LOCKED = "sign_in_locked", "Sign-in refused (locked)"
        SIGN_OUT = "sign_out", "Signed out"
        SESSION_EXPIRED = "session_expired", "Session expired"
        MFA_ENROLLED = "mfa_enrolled", "Authenticator enrolled"
        MFA_FAILED = "mfa_failed", "Authenticator code refused"
        PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        ACCESS_DENIED = "access_denied", "Access denied"
        INVITATION_SENT = "invitation_sent", "Invitation sent"
        ROLE_GRANTED = "role_granted", "Role granted"
        ROLE_REMOVED = "role_removed", "Role removed"
        ACCOUNT_DEACTIVATED = "account_deactivated", "Account deactivated"
        ACCOUNT_REACTIVATED = "account_reactivated", "Account reactivated"
        MFA_RESET = "mfa_reset", "Authenticator reset"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(
        max_length=254, help_text="Who acted, as known at the time (e-mail, or the system part)."
    )
    action = models.CharField(max_length=30, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(
        max_length=200, blank=True, help_text="A pseudonymous label, e.g. the study ID."
    )
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    channel = models.CharField(max_length=20, default="web")
    changes = models.JSONField(default=dict, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    chain_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 over this row and the previous row's hash (HIPAA §164.312(c)).",
    )

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_label}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("The audit log is append-only: rows cannot be updated.")
        super().save(*args, **kwargs)

    def chained_fields(self) -> dict[str, object]:
        """What the hash chain covers: everything but the id and the hash itself."""
        return {
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_label": self.object_label,
            "site": self.site_id,
            "ip_address": self.ip_address,
            "user_agent": self.user_agent,
            "channel": self.channel,
            "changes": self.changes,
            "detail": self.detail,
        }

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only: rows cannot be deleted.")
