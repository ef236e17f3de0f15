"""Sealing secret ballots while their poll is open.

Each poll's key is derived (HMAC-SHA256) from a master key that is never in the database —
the BALLOT_KEY setting, or else a key file beside the SQLite database made on first use —
and the poll's random `key_id`. A ballot is sealed with AES-256-GCM (the `cryptography`
package) under a random nonce, after padding its content to one size for the whole poll, so
neither the bytes nor their length tell one ballot from another. A copy of the database alone
cannot open a sealed ballot nor compute a voter's token.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE = 12
_master: bytes | None = None


def master_key() -> bytes:
    """The installation's master ballot key (32 bytes)."""
    global _master
    if _master is not None:
        return _master
    configured = settings.BALLOT_KEY.strip()
    if configured:
        try:
            key = bytes.fromhex(configured)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise ImproperlyConfigured("BALLOT_KEY must be 64 hexadecimal digits (32 bytes).")
    else:
        key = _key_file(Path(settings.BALLOT_KEY_FILE))
    _master = key
    return key


def _key_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
    key = bytes.fromhex(path.read_text().strip())
    if len(key) != 32:
        raise ImproperlyConfigured(f"{path} must hold 64 hexadecimal digits.")
    return key


def poll_key(key_id: str) -> bytes:
    return hmac.new(master_key(), b"rankfile poll key " + key_id.encode(), hashlib.sha256).digest()


def voter_token(key_id: str, voter_id: int) -> str:
    """A keyed pseudonym of the voter for the one-ballot constraint; not computable without
    the key."""
    key = poll_key(key_id)
    return hmac.new(key, b"voter " + str(voter_id).encode(), hashlib.sha256).hexdigest()


def padded_size(candidates: int) -> int:
    """One plaintext size for every ballot of a poll with that many candidates: room for the
    longest ballot it allows."""
    longest = json.dumps({"ranking": list(range(max(candidates, 1)))}, separators=(",", ":"))
    return 2 + max(len(longest), len('{"vote":"abstain"}'))


def seal(key_id: str, content: dict[str, Any], size: int) -> bytes:
    raw = json.dumps(content, separators=(",", ":"), sort_keys=True).encode()
    if len(raw) + 2 > size:
        raise ValueError("ballot larger than the poll's ballot size")
    plain = len(raw).to_bytes(2, "big") + raw + bytes(size - 2 - len(raw))
    nonce = secrets.token_bytes(NONCE)
    return nonce + AESGCM(poll_key(key_id)).encrypt(nonce, plain, key_id.encode())


def unseal(key_id: str, box: bytes) -> dict[str, Any]:
    box = bytes(box)
    plain = AESGCM(poll_key(key_id)).decrypt(box[:NONCE], box[NONCE:], key_id.encode())
    length = int.from_bytes(plain[:2], "big")
    content: dict[str, Any] = json.loads(plain[2 : 2 + length])
    return content


def receipt() -> tuple[str, str]:
    """A receipt code for the voter and the hash the database keeps of it."""
    code = "-".join(secrets.token_hex(2).upper() for _ in range(5))
    return code, receipt_hash(code)


def receipt_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()
