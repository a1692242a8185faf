"""Enumerations of benefits: entitlements, applications, settlement lines and payments."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntitlementStatus(models.TextChoices):
    ACTIVE = "active", _("receiving")
    ENDED = "ended", _("ended")


class EntitlementSource(models.TextChoices):
    AUTOMATIC = "automatic", _("granted automatically")
    APPLICATION = "application", _("granted on application")
    DEMO = "demo", _("demo data")
    MIGRATED = "migrated", _("taken over from the previous system")


class EndReason(models.TextChoices):
    DEATH = "death", _("death")
    MOVE_OUT = "move_out", _("moved out of the city")
    INSTITUTION = "institution", _("admitted to a covering institution")
    STATUS_LOST = "status_lost", _("no longer eligible")
    REVIEW = "review", _("ended after review")


class Channel(models.TextChoices):
    """Who filed the application; 帮办代办 is a community worker acting for the elder."""

    ELDER = "elder", _("the elder (portal)")
    FAMILY = "family", _("family (portal)")
    PROXY = "proxy", _("community worker on the elder's behalf (帮办代办)")


class ApplicationStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("in review")
    IN_NOTICE = "in_notice", _("public notice (公示)")
    GRANTED = "granted", _("granted")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Decision(models.TextChoices):
    APPROVE = "approve", _("approve")
    REJECT = "reject", _("reject")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("open")
    UPHELD = "upheld", _("upheld (application rejected)")
    DISMISSED = "dismissed", _("dismissed")


class SettlementStatus(models.TextChoices):
    DRAFT = "draft", _("draft (may be re-run)")
    LOCKED = "locked", _("reviewed and locked")
    EXPORTED = "exported", _("exported to the bank")
    CLOSED = "closed", _("bank return imported")


class LineKind(models.TextChoices):
    REGULAR = "regular", _("regular monthly payment")
    CORRECTION = "correction", _("correction (补发)")
    RECOVERY = "recovery", _("recovery of an overpayment (追回)")
    CARRY = "carry", _("carried over after a failed payment")


class LineStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    EXPORTED = "exported", _("sent to the bank")
    ISSUED = "issued", _("issued as voucher or credit")
    PAID = "paid", _("paid")
    FAILED = "failed", _("failed")
    NO_ACCOUNT = "no_account", _("no bank account")
    RECOVERY_DUE = "recovery_due", _("to be recovered")
    OFFSET = "offset", _("offset against a recovery")
    CARRIED = "carried", _("carried into a later month")


class SuspensionReason(models.TextChoices):
    DECEASED = "deceased", _("elder has died")
    MOVED_OUT = "moved_out", _("elder moved out of the city")
    IN_INSTITUTION = "in_institution", _("elder lives in an institution")
    ABSENCE = "absence", _("long hospital stay or absence")
    NOT_ELIGIBLE = "not_eligible", _("rule says not eligible this month")


class SuspensionStatus(models.TextChoices):
    OPEN = "open", _("open: review")
    CONFIRMED = "confirmed", _("confirmed: not paid this month")
    DISMISSED = "dismissed", _("dismissed: paid")


class AbsenceKind(models.TextChoices):
    HOSPITAL = "hospital", _("hospital stay")
    AWAY = "away", _("away from home")
