"""Who may issue an API token for whom, and with which scopes.

Tokens carry their owner's rights and no more. A person issues tokens for
themselves, once signed in with two-factor where their role requires it; only a
superuser issues one for someone else, and nobody for a user they could not
edit (`articles.roles.can_manage_user`). A token's scopes never exceed what its
owner's role allows, and it expires within `LONGEST_LIFETIME`.
"""

from datetime import timedelta

from articles.models.api_tokens import LONGEST_LIFETIME, Scope
from articles.roles import can_manage_user
from articles.security import twofactor
from articles.workflow.permissions import can_create, is_editor


def allowed_scopes(user) -> list[str]:
    """The scopes `user`'s role gives a token: reading drafts needs the right
    to see articles, writing to create or change them, publishing an editor's,
    the ninjs feed the right to see articles."""
    scopes = []
    if user.is_active and user.has_perm("articles.view_article"):
        scopes.append(Scope.READ.value)
    if can_create(user) or (
        user.is_active and user.has_perm("articles.change_article")
    ):
        scopes.append(Scope.WRITE.value)
    if is_editor(user):
        scopes.append(Scope.PUBLISH.value)
    # The ninjs feed carries only what readers see: anyone who may see
    # articles may hand it to a partner.
    if user.is_active and user.has_perm("articles.view_article"):
        scopes.append(Scope.SYNDICATE.value)
    return scopes


def _signed_in_with_two_factor(user) -> bool:
    is_verified = getattr(user, "is_verified", None)  # set by django-otp per request
    return bool(is_verified and is_verified())


def refusal(issuer, owner, scopes, lifetime: timedelta) -> str | None:
    """Why `issuer` may not issue a token for `owner` with these scopes and
    lifetime; None when they may."""
    if not (issuer.is_authenticated and issuer.is_active):
        return "Sign in to issue a token."
    if twofactor.is_required(issuer) and not _signed_in_with_two_factor(issuer):
        return (
            "Your role requires two-factor sign-in: sign in with your code "
            "before issuing a token."
        )
    if owner.pk != issuer.pk and not (
        issuer.is_superuser and can_manage_user(issuer, owner)
    ):
        return (
            "You may issue tokens only for yourself; a superuser issues them "
            "for others."
        )
    return scope_refusal(owner, scopes, lifetime)


def scope_refusal(owner, scopes, lifetime: timedelta) -> str | None:
    """Why a token for `owner` may not have these scopes and lifetime, or None."""
    if not owner.is_active:
        return f"{owner.get_username()} is deactivated."
    if not scopes:
        return "Choose at least one scope."
    allowed = allowed_scopes(owner)
    beyond = [
        Scope(scope).label if scope in Scope.values else scope
        for scope in scopes
        if scope not in allowed
    ]
    if beyond:
        return (
            f"{owner.get_username()}'s role does not allow: {', '.join(beyond)}. "
            "A token carries its user's rights and no more."
        )
    if not timedelta(0) < lifetime <= LONGEST_LIFETIME:
        return f"A token lasts at most {LONGEST_LIFETIME.days} days."
    return None
