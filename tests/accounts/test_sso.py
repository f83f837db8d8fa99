"""Finding the person an ID token names: by the provider's stable subject only, never by email;
the one-time link by username; groups; and the ID token's audience and issuer."""

from datetime import UTC, datetime

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation, ValidationError

from protocol_portal.accounts import services
from protocol_portal.accounts.models import GroupClaimMapping, IdentityLink, PendingIdentityLink
from protocol_portal.accounts.oidc import PortalOIDCBackend
from protocol_portal.org.services import post_ensure_group
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ISSUER = "https://id.council.example"


@pytest.fixture
def generic(settings):
    """A generic provider: `iss` + `sub`, as the settings default to without Entra ID."""
    settings.OIDC_ISSUER_CLAIM = "iss"
    settings.OIDC_SUBJECT_CLAIM = "sub"
    settings.OIDC_LINK_CLAIM = ""


def test_a_linked_subject_finds_its_person(generic):
    person = PersonFactory()
    IdentityLink.objects.create(person=person, issuer=ISSUER, subject="abc-123")
    outcome = services.sso_sign_in(claims={"iss": ISSUER, "sub": "abc-123"}, as_of=NOW)
    assert outcome.person == person
    assert IdentityLink.objects.get().last_sign_in_at == NOW


def test_an_email_that_matches_a_person_signs_nobody_in(generic):
    PersonFactory(email="ada@council.example")
    claims = {"iss": ISSUER, "sub": "new-subject", "email": "ada@council.example"}
    outcome = services.sso_sign_in(claims=claims, as_of=NOW)
    assert outcome.person is None
    assert (outcome.issuer, outcome.subject) == (ISSUER, "new-subject")
    assert not IdentityLink.objects.exists()


def test_the_same_subject_at_another_issuer_is_someone_else(generic):
    IdentityLink.objects.create(person=PersonFactory(), issuer=ISSUER, subject="abc-123")
    claims = {"iss": "https://other.example", "sub": "abc-123"}
    assert services.sso_sign_in(claims=claims, as_of=NOW).person is None


def test_entra_matches_on_tenant_and_object_id_not_sub(settings):
    settings.OIDC_ISSUER_CLAIM, settings.OIDC_SUBJECT_CLAIM = "tid", "oid"
    person = PersonFactory()
    IdentityLink.objects.create(person=person, issuer="tenant-1", subject="object-1")
    claims = {"iss": ISSUER, "sub": "pairwise-sub", "tid": "tenant-1", "oid": "object-1"}
    assert services.sso_sign_in(claims=claims, as_of=NOW).person == person
    # Without the claims the match needs, nobody.
    assert services.sso_sign_in(claims={"sub": "object-1"}, as_of=NOW).person is None
    assert services.sso_sign_in(claims={"tid": ["x"], "oid": 1}, as_of=NOW).person is None


def test_link_on_first_sign_in_needs_the_site_to_allow_it(generic):
    person = PersonFactory()
    PendingIdentityLink.objects.create(person=person, claim_value="ada@council.example")
    claims = {"iss": ISSUER, "sub": "s-1", "preferred_username": "ada@council.example"}
    assert services.sso_sign_in(claims=claims, as_of=NOW).person is None


def test_link_on_first_sign_in_is_used_once_and_then_the_subject_counts(generic, settings):
    settings.OIDC_LINK_CLAIM = "preferred_username"
    person = PersonFactory()
    PendingIdentityLink.objects.create(person=person, claim_value="Ada@Council.example")
    claims = {"iss": ISSUER, "sub": "s-1", "preferred_username": "ada@council.example"}
    assert services.sso_sign_in(claims=claims, as_of=NOW).person == person
    assert not PendingIdentityLink.objects.exists()
    # A new holder of that username later (another subject) reaches nobody.
    claims = {"iss": ISSUER, "sub": "s-2", "preferred_username": "ada@council.example"}
    assert services.sso_sign_in(claims=claims, as_of=NOW).person is None
    assert IdentityLink.objects.get().subject == "s-1"


def test_a_person_linked_at_the_provider_is_not_linked_again_by_name(generic, settings):
    settings.OIDC_LINK_CLAIM = "preferred_username"
    person = PersonFactory()
    IdentityLink.objects.create(person=person, issuer=ISSUER, subject="s-1")
    PendingIdentityLink.objects.create(person=person, claim_value="ada@council.example")
    claims = {"iss": ISSUER, "sub": "s-2", "preferred_username": "ada@council.example"}
    assert services.sso_sign_in(claims=claims, as_of=NOW).person is None


def test_groups_follow_the_provider_for_mapped_groups_only(settings):
    settings.OIDC_GROUPS_CLAIM = "groups"
    editors, auditors, local = (Group.objects.create(name=n) for n in ("ed", "aud", "local"))
    GroupClaimMapping.objects.create(claim_value="g-ed", group=editors, grants_staff=True)
    GroupClaimMapping.objects.create(claim_value="g-aud", group=auditors)
    person = PersonFactory()
    person.groups.add(auditors, local)

    services.sso_groups_apply(person=person, claims={"groups": ["g-ed", "g-other"]})
    person.refresh_from_db()
    assert set(person.groups.values_list("name", flat=True)) == {"ed", "local"}
    assert person.is_staff

    services.sso_groups_apply(person=person, claims={"groups": "not-a-list"})
    person.refresh_from_db()
    assert set(person.groups.values_list("name", flat=True)) == {"local"}
    assert not person.is_staff


def test_a_superusers_staff_flag_is_left_alone(settings):
    GroupClaimMapping.objects.create(
        claim_value="g-ed", group=Group.objects.create(name="ed"), grants_staff=True
    )
    admin = PersonFactory(is_staff=True, is_superuser=True)
    services.sso_groups_apply(person=admin, claims={})
    admin.refresh_from_db()
    assert admin.is_staff


def test_a_post_group_cannot_be_mapped(org):
    mapping = GroupClaimMapping(claim_value="g", group=post_ensure_group(post=org.ce))
    with pytest.raises(ValidationError, match="a post has one holder"):
        mapping.full_clean()


def test_holding_a_post_is_not_given_by_claims(settings, org):
    """A post has one holder: no claim moves it (README, "Groups")."""
    GroupClaimMapping.objects.create(claim_value="g", group=Group.objects.create(name="x"))
    person = PersonFactory()
    services.sso_groups_apply(person=person, claims={"groups": ["g", org.ce.group.name]})
    org.ce.refresh_from_db()
    assert org.ce.holder != person
    assert not person.groups.filter(name__startswith="post:").exists()


# ---- The ID token's audience and issuer ---------------------------------------------------


@pytest.fixture
def signing_key(settings):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.OIDC_RP_CLIENT_ID = "portal"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_ISSUER = ISSUER
    settings.OIDC_RP_IDP_SIGN_KEY = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return key


def _token(key, **claims) -> str:
    body = {"iss": ISSUER, "aud": "portal", "sub": "s", "nonce": "n", "exp": 4102444800} | claims
    return jwt.encode(body, key, algorithm="RS256")


def test_a_good_id_token_passes(signing_key):
    payload = PortalOIDCBackend().verify_token(_token(signing_key), nonce="n")
    assert payload["sub"] == "s"


@pytest.mark.parametrize(
    "claims",
    [{"aud": "another-app"}, {"aud": ["x", "y"]}, {"iss": "https://evil.example"}],
    ids=["other audience", "other audiences", "other issuer"],
)
def test_an_id_token_for_another_app_or_issuer_is_refused(signing_key, claims):
    with pytest.raises(SuspiciousOperation):
        PortalOIDCBackend().verify_token(_token(signing_key, **claims), nonce="n")


def test_an_id_token_with_the_wrong_nonce_is_refused(signing_key):
    with pytest.raises(SuspiciousOperation):
        PortalOIDCBackend().verify_token(_token(signing_key), nonce="other")


def test_a_name_waits_for_one_person_only_whatever_its_case():
    PendingIdentityLink.objects.create(person=PersonFactory(), claim_value="ada@council.example")
    second = PendingIdentityLink(person=PersonFactory(), claim_value="ADA@council.example")
    with pytest.raises(ValidationError, match="Another person is waiting"):
        second.full_clean()
