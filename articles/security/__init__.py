"""Defences around the newsroom's logins and pages.

`csp` (the Content-Security-Policy), `lockout` (django-axes on every password and
set-password form), `twofactor` (TOTP and recovery codes, required per role),
`sessions` (sessions that know their user, so they can all be ended).
"""
