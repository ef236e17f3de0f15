"""RFC 6238 codes computed from the key a person would type into an authenticator app."""

import base64
import hashlib
import hmac
import struct
import time


def totp(secret: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def next_totp(secret: str) -> str:
    """The code of the next time step: a code is accepted once only, and the server accepts
    one step of clock drift either way."""
    return totp(secret, time.time() + 30)
