"""The claims the test provider puts in its ID tokens, shaped like Microsoft Entra ID's."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.oidc_provider.claims import TENANT_ID, object_id


class EntraLikeValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim below goes in every ID token

    def get_additional_claims(self, request):
        user = request.user
        return {
            "oid": object_id(user.username),
            "tid": TENANT_ID,
            "preferred_username": f"{user.username}@council.example",
            "name": user.get_full_name() or user.username,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
