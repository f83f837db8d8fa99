"""Who a person is at the council's identity provider, and what its groups mean here.

A person is found by the provider's stable subject, never by email: an address can be reused
or changed, an object id cannot (README, "Signing in with the council's account").
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

# Post groups (org/services.py post_ensure_group) belong to whoever holds the post; no claim
# may hand them out.
POST_GROUP_PREFIX = "post:"


class IdentityLink(models.Model):
    """This person is (issuer, subject) at the identity provider: for Microsoft Entra ID the
    tenant id (`tid`) and the object id (`oid`); for another provider its `iss` and `sub`."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_links"
    )
    issuer = models.CharField(
        max_length=255,
        help_text="The tenant id (Entra ID), or the provider's issuer address.",
    )
    subject = models.CharField(
        max_length=255,
        help_text="The person's object id (Entra ID: Users → the person → Object ID), or the "
        "provider's subject identifier.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "single sign-on link"
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="accounts_identitylink_one_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"


class PendingIdentityLink(models.Model):
    """Link this person the first time someone signs in with this username claim (for example
    the Entra user principal name); the link then records the subject and this row goes.

    Used only when the site sets OIDC_LINK_CLAIM. After the first sign-in the person is found by
    subject alone, so a name later reused at the provider reaches nobody here."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_identity_link"
    )
    claim_value = models.CharField(
        "username at the provider",
        max_length=255,
        help_text="For example a.adeyemi@council.gov.uk. Used once, at the first sign-in.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "link on first sign-in"
        constraints = [
            # Names are compared without case at sign-in, so they are unique without case too.
            models.UniqueConstraint(
                Lower("claim_value"),
                name="accounts_pendingidentitylink_one_name",
                violation_error_message="Another person is waiting to be linked by this name",
            )
        ]

    def __str__(self) -> str:
        return self.claim_value


class GroupClaimMapping(models.Model):
    """Members of this provider group get this portal group (and, if set, the staff flag) when
    they sign in, and lose it when they sign in without the group."""

    claim_value = models.CharField(
        "provider group",
        max_length=255,
        help_text="The value in the groups claim: for Entra ID the group's object id.",
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A portal group for admin permissions. Post groups cannot be mapped: a post "
        "has one holder, set in the admin.",
    )
    grants_staff = models.BooleanField(
        "gives staff status",
        default=False,
        help_text="Staff may use the admin and the routing explainer.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "group claim mapping"
        constraints = [
            models.UniqueConstraint(
                fields=["claim_value", "group"], name="accounts_groupclaimmapping_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim_value} → {self.group}"

    def clean(self):
        if self.group_id and self.group.name.startswith(POST_GROUP_PREFIX):
            raise ValidationError(
                {"group": "Choose a group that is not a post’s group: a post has one holder"}
            )
