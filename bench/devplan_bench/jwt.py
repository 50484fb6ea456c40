"""HS256 tokens as the service expects them (README "Tokens and roles"), with the stdlib."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

ISSUER = "devplan"
AUDIENCE = "devplan-api"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Minter:
    def __init__(self, secret: str, ttl_seconds: int = 12 * 3600):
        self.key = secret.encode()
        self.exp = int(time.time()) + ttl_seconds
        self.header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        self._cache: dict[tuple[str, tuple[str, ...]], str] = {}

    def token(self, sub: str, roles: list[str] | tuple[str, ...]) -> str:
        key = (sub, tuple(roles))
        tok = self._cache.get(key)
        if tok is None:
            claims = {"sub": sub, "roles": list(roles), "iss": ISSUER, "aud": AUDIENCE, "exp": self.exp}
            body = _b64(json.dumps(claims, separators=(",", ":")).encode())
            signing = f"{self.header}.{body}".encode()
            sig = _b64(hmac.new(self.key, signing, hashlib.sha256).digest())
            tok = f"{self.header}.{body}.{sig}"
            if len(self._cache) < 200_000:
                self._cache[key] = tok
        return tok
