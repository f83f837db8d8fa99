"""Give the test provider its users and the portal's client registration.

    python -m tests.oidc_provider.seed CLIENT_ID CLIENT_SECRET REDIRECT_URI USER[:GROUP,...] ...

Every user's password is their username followed by "-password".
"""

import os
import sys

import django


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    django.setup()
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    client_id, client_secret, redirect_uri, *users = argv
    for spec in users:
        username, _, groups = spec.partition(":")
        user = User.objects.create_user(username, password=f"{username}-password")
        for name in filter(None, groups.split(",")):
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    Application.objects.create(
        name="Protocol Portal",
        client_id=client_id,
        client_secret=client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
