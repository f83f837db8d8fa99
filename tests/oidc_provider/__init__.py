"""A real OpenID Connect provider for the sign-in tests: django-oauth-toolkit in its own small
Django project, run as a separate process on 127.0.0.1 by `tests/accounts/provider.py`.

It plays the council's identity provider: its own users and login form, RS256-signed ID tokens
(a key made per run), PKCE required, and the claims Microsoft Entra ID sends (`oid`, `tid`,
`groups`, `preferred_username`) besides the standard `sub` and `iss`.
"""
