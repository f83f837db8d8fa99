"""Identities the test provider gives its users, shaped like Microsoft Entra ID's. Plain
Python, so the portal's tests can import it without the provider's Django settings."""

import uuid

# A fixed tenant; each user's object id comes from their username, so a test knows it.
TENANT_ID = "9b1c2d3e-0000-4000-8000-000000000001"


def object_id(username: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"test-provider/{username}"))
