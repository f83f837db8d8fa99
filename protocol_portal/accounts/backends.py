"""Username and password, when the site allows them (LOCAL_PASSWORDS)."""

from django.contrib.auth.backends import ModelBackend

from protocol_portal.accounts.policy import local_passwords_on


class LocalPasswordBackend(ModelBackend):
    """Django's own backend; with local passwords switched off no password signs anyone in
    (the admin's permissions still come from here)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not local_passwords_on():
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
