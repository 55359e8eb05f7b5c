from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    BESCHEID = "bescheid", _("Bescheid (administrative act)")
    LETTER = "letter", _("Letter")


class LetterTopic(models.TextChoices):
    """What a letter is about, told to the customer in their language.

    Letters and Bescheide stay German (§ 19 SGB X); the portal names their topic in the
    customer's language above the German subject, with the German word a customer will meet
    on paper in brackets.
    """

    APPROVAL = "approval", _("Decision granting benefits (Bewilligungsbescheid)")
    CHANGE = "change", _("Decision changing your benefits (Änderungsbescheid)")
    REFUSAL = "refusal", _("Decision refusing benefits (Ablehnungsbescheid)")
    REPAYMENT = (
        "repayment",
        _(
            "Decision ending benefits and asking for money back (Aufhebungs- und Erstattungsbescheid)"  # noqa: E501
        ),
    )
    REDUCTION = "reduction", _("Decision reducing your benefits (Minderungsbescheid)")
    OBJECTION = "objection", _("Decision on your objection (Widerspruchsbescheid)")
    HEARING = "hearing", _("You may comment before a decision (Anhörung)")
    INVITATION = "invitation", _("Invitation to an appointment (Einladung)")
    DOCUMENTS = "documents", _("Request to send documents (Mitwirkungsaufforderung)")
    ACTIVATION = "activation", _("Your activation code for the portal")
    REMINDER = "reminder", _("Reminder")
    INFORMATION = "information", _("Information")


class LetterTemplate(models.TextChoices):
    UPLOAD = "upload", _("Uploaded PDF")
    DOC_REQUEST = "doc_request", _("Document request")
    ACTIVATION = "activation", _("Activation code letter")
    REMINDER = "reminder", _("Reminder")
    GENERIC = "generic", _("Generic letter")


class Channel(models.TextChoices):
    DIGITAL = "digital", _("digital (portal)")
    PAPER = "paper", _("paper (post)")


class LetterStatus(models.TextChoices):
    CREATED = "created", _("created")
    NOTIFIED = "notified", _("notified")
    NOTIFICATION_FAILED = "notify_failed", _("notification failed")
    RETRIEVED = "retrieved", _("retrieved")
    PRINT_QUEUED = "print_queued", _("in the print queue")
    PRINTED = "printed", _("printed")
    POSTED = "posted", _("posted")


class ConsentKind(models.TextChoices):
    PORTAL_USE = "portal_use", _("Use of the portal for uploads and messages")
    E_BEKANNTGABE = "e_bekanntgabe", _("Electronic delivery of letters and Bescheide")


class PrintReason(models.TextChoices):
    NO_CONSENT = "no_consent", _("no consent to electronic delivery")
    CUSTOMER_REQUEST = "customer_request", _("requested on paper by the customer")
    FALLBACK = "fallback", _("unread: paper fallback")
    NOTIFICATION_FAILED = "notify_failed", _("notification could not be sent")
    STAFF = "staff", _("sent on paper by staff")


class DeliveryPolicy(models.TextChoices):
    SGB_X = "sgb_x", "§ 37 Abs. 2a SGB X"
    VWVFG = "vwvfg", "§ 41 Abs. 2a VwVfG"


# The wording a customer agrees to (German, the official language; the portal shows a
# translation beside it). Stored verbatim with every grant and withdrawal.
CONSENT_WORDING_DE = {
    ConsentKind.PORTAL_USE: (
        "Ich möchte das Kundenportal nutzen, um dem Jobcenter Unterlagen und Nachrichten "
        "elektronisch zu senden (§ 36a Abs. 1 SGB I). Meine Briefe und Bescheide erhalte ich "
        "weiterhin auf Papier, solange ich nicht gesondert in die elektronische Bekanntgabe "
        "einwillige. Ich kann diese Einwilligung jederzeit mit Wirkung für die Zukunft "
        "widerrufen."
    ),
    ConsentKind.E_BEKANNTGABE: (
        "Ich willige ein, dass mir das Jobcenter Schreiben und Bescheide (Verwaltungsakte) "
        "elektronisch über das Kundenportal bekannt gibt (§ 37 Abs. 2a SGB X). Ich werde per "
        "E-Mail benachrichtigt, wenn ein Schreiben bereitsteht. Ein Bescheid gilt am "
        "{days}. Tag nach dem Absenden der Benachrichtigung als bekannt gegeben; ab dann "
        "laufen Fristen, etwa die Widerspruchsfrist. Ich kann diese Einwilligung jederzeit "
        "mit Wirkung für die Zukunft widerrufen; danach erhalte ich wieder Papierpost."
    ),
}
