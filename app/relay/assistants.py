"""Assistant (中控) links on the relay: signed tokens, what an assistant may do, and the check.

The host (owner token) makes a link for a named assistant (app/relay/api_assistants.py); its token
is a signed link token, as a co-host invite's is (app/relay/signed_tokens.py): the payload is the JSON
``{"v": 1, "room": ..., "ast": ..., "exp": ...}`` (room, the link's id, its expiry in whole Unix
seconds) and the signature its HMAC-SHA256 under this relay's own secret for
assistant links, ``<data>/assistant-secret`` (made on first start, 0600; deleting it voids every
link). A token proves the relay issued it for that room and link; whether the link still works (not
revoked, not expired) is the row in the room engine's store (app/commerce/assistants.py), read on
every request, so revoking takes effect on the assistant's next request.

What an assistant may do is a fixed set of scopes (:data:`SCOPES`): the run-of-show's cues, pins,
deleting comments, mutes, the question queue, and the room's feed (the owner's, without orders:
app/relay/realtime.py). Everything else the owner token allows stays the owner's: the catalog,
campaigns outside the run-of-show, refunds, rehearsal, co-host invites, assistant links, the report,
the stream key and the stream itself.
"""

from __future__ import annotations

import re
from typing import Any

from app.relay.signed_tokens import SignedTokens, TokenKind

SECRET_FILE = "assistant-secret"  # noqa: S105 - the file's name
ASSISTANT_ID = re.compile(r"ast_[0-9a-f]{12}")
SCOPES = frozenset({"rundown", "pins", "comments", "mutes", "questions", "feed"})
"""What an assistant link may do (require_assistant_or_owner's ``scope``)."""
ACTOR_PREFIX = "assistant:"
SUBPROTOCOL = "shopcast.assistant"
"""The feed's WebSocket subprotocol that carries an assistant token (``new WebSocket(url, [SUBPROTOCOL,
token])``), so the token is in no URL; ``Authorization: Bearer`` works too, as for the owner's console
(``?token=`` is refused: app/relay/live_lane.py)."""

INVALID_MESSAGE = "this is not a valid assistant link: it may be incomplete or changed; ask the host for it again"
NOT_ALLOWED = (
    "an assistant link can run the show (cues, launches, pins, comments, mutes, questions) but not this:"
    " only the room's owner can"
)


def actor(assistant_id: str) -> str:
    """Who acted, as the event log records it: ``assistant:<id>``."""
    return ACTOR_PREFIX + assistant_id


class AssistantTokens(SignedTokens):
    """Assistant links' tokens (app/relay/signed_tokens.py): the link's id under ``ast``."""

    kind = TokenKind(
        secret_file=SECRET_FILE,
        described_as="assistant-link secret",
        voids="assistant links stop working",
        claim="ast",
        invalid_code="assistant_invalid",
        invalid_message=INVALID_MESSAGE,
    )


def page_url(base: str, room: str, token: str) -> str:
    """The assistant's page: the token rides in the fragment, which browsers never send to a server
    (so it is in no access log and no Referer)."""
    return f"{base}/assist/{room}#t={token}"


def link_view(base: str, room: str, tokens: AssistantTokens, link: dict[str, Any]) -> dict[str, Any]:
    """A link as the owner's API shows it: with its ``url`` while it is active."""
    url = None
    if link["state"] == "active":
        url = page_url(base, room, tokens.sign(room, link["id"], link["expires_at"]))
    return {**link, "url": url}
