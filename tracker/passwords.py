"""Password hashing (argon2id) and the password rule.

The rule follows NIST SP 800-63B: length only (12 to 128 characters, nothing truncated), no
composition rules. argon2-cffi's defaults (argon2id, 64 MiB, 3 passes) are above OWASP's minimum.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 128

_hasher = PasswordHasher()
# verified against when the account does not exist, so both answers take as long
_DUMMY_HASH = _hasher.hash("not a password anyone has: timing equaliser")


def password_problem(password: str) -> str | None:
    """What is wrong with a new password, in words for the person choosing it; None if it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few unrelated words make a strong password."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if not password.strip():
        return "The password cannot be only spaces."
    return None


def hash_password(password: str) -> str:
    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; takes as long when there is no hash to check against."""
    if len(password) > MAX_LENGTH:
        # no accepted password is this long; hash a short stand-in so a huge input costs no more
        password, password_hash = "too long", None
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
