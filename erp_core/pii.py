"""Personal data protection (Ley 29733): field encryption, blind indexes and pseudonyms.

Keys live only on the transactional side. The warehouse sees pseudonyms, never the keys, so a
DNI (only 10^8 values) cannot be recovered by hashing every candidate.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from erp_core.domain.documents import normalize_document
from erp_core.settings import Settings, get_settings

KEY_BYTES = 32
NONCE_BYTES = 12
VERSION_BYTES = 2
TAG_BYTES = 16
MAX_VERSION = 2 ** (8 * VERSION_BYTES)
KEYRING_FILE = "pii_keyring.json"
MASTER_VERSION_FILE = "pii_master_key_version.json"
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PE_MOBILE_RE = re.compile(r"9\d{8}")


class PiiError(ValueError):
    """A value cannot be decrypted (tampered, truncated or encrypted with an unknown key)."""


class PiiVault:
    """Encrypts personal data and derives lookup tokens from it.

    Encryption keys are versioned and rotate; every encrypted value carries its key version,
    so values written before a rotation stay readable. The blind-index and pseudonym keys never
    rotate: a new key would orphan every stored index and change every warehouse pseudonym.
    """

    def __init__(
        self,
        encryption_keys: Mapping[int, bytes],
        blind_index_key: bytes,
        pseudonym_key: bytes,
        current_version: int | None = None,
    ):
        keys = [*encryption_keys.values(), blind_index_key, pseudonym_key]
        if not encryption_keys or any(len(k) != KEY_BYTES for k in keys):
            raise ValueError(f"PII keys must be {KEY_BYTES} bytes and at least one is needed")
        if not all(0 < v < MAX_VERSION for v in encryption_keys):
            raise ValueError(f"key versions must be 1 to {MAX_VERSION - 1}")
        self._keys = dict(encryption_keys)
        self.current_version = current_version or max(self._keys)
        if self.current_version not in self._keys:
            raise ValueError(f"current key version {self.current_version} has no key")
        self._blind_index_key = blind_index_key
        self._pseudonym_key = pseudonym_key
        self._master_key: bytes | None = None
        self._keys_dir: Path | None = None

    @classmethod
    def generate(cls) -> PiiVault:
        """A vault with fresh random keys, kept in memory only (tests, first dev run)."""
        return cls({1: os.urandom(KEY_BYTES)}, os.urandom(KEY_BYTES), os.urandom(KEY_BYTES))

    @classmethod
    def from_master_key(cls, master_key: bytes, current_version: int = 1) -> PiiVault:
        """Derive every key from one master key with HKDF, so only the master key is secret."""
        vault = cls(
            {current_version: _hkdf(master_key, f"encryption:v{current_version}")},
            _hkdf(master_key, "blind-index"),
            _hkdf(master_key, "pseudonym"),
        )
        vault._master_key = master_key
        return vault

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> PiiVault:
        """The configured vault: ``INNOVALOGIX_PII_KEY`` if set, else the development keyring.

        The development keyring is generated once into ``$INNOVALOGIX_HOME/keys/`` (mode 0600)
        and reused afterwards. With a master key, the keys dir only records the current version.
        """
        settings = settings or get_settings()
        keys_dir = settings.keys_dir
        if settings.pii_key:
            recorded = _read_json(keys_dir / MASTER_VERSION_FILE)
            version = recorded["current_version"] if recorded else 1
            vault = cls.from_master_key(_decode_master_key(settings.pii_key), version)
        else:
            vault = _load_or_create_keyring(keys_dir / KEYRING_FILE)
        vault._keys_dir = keys_dir
        return vault

    def encrypt(self, plaintext: str) -> bytes:
        """AES-256-GCM; envelope = version (2 bytes, big-endian) + nonce + ciphertext."""
        header = self.current_version.to_bytes(VERSION_BYTES, "big")
        nonce = os.urandom(NONCE_BYTES)
        key = self._keys[self.current_version]
        return header + nonce + AESGCM(key).encrypt(nonce, plaintext.encode(), header)

    def decrypt(self, blob: bytes) -> str:
        blob = bytes(blob)
        if len(blob) < VERSION_BYTES + NONCE_BYTES + TAG_BYTES:
            raise PiiError(f"encrypted value too short ({len(blob)} bytes)")
        header, rest = blob[:VERSION_BYTES], blob[VERSION_BYTES:]
        key = self._key_for(int.from_bytes(header, "big"))
        try:
            plain = AESGCM(key).decrypt(rest[:NONCE_BYTES], rest[NONCE_BYTES:], header)
        except InvalidTag:
            raise PiiError(
                "encrypted value failed authentication (tampered or wrong key)"
            ) from None
        return plain.decode()

    def encrypt_optional(self, plaintext: str | None) -> bytes | None:
        return None if plaintext is None else self.encrypt(plaintext)

    def decrypt_optional(self, blob: bytes | None) -> str | None:
        return None if blob is None else self.decrypt(blob)

    @staticmethod
    def version_of(blob: bytes) -> int:
        return int.from_bytes(bytes(blob[:VERSION_BYTES]), "big")

    def blind_index(self, doc_type: str, doc_number: str) -> bytes:
        """Keyed HMAC of the normalized document: finds a customer without decrypting."""
        return _hmac(self._blind_index_key, _document(doc_type, doc_number))

    def pseudonym(self, doc_type: str, doc_number: str) -> str:
        """Stable token for the warehouse: the only customer identity that leaves the core."""
        digest = _hmac(self._pseudonym_key, _document(doc_type, doc_number))
        return "c_" + digest.hex()[:24]

    def rotate(self) -> int:
        """Add a new encryption key version and make it current; return the new version.

        Persisted to the keys dir when the vault came from settings. Old versions are kept so
        old values stay readable until ``reencrypt_all`` has moved them.
        """
        self.refresh()
        # With a master key any version derives, so only the recorded current one counts.
        version = (self.current_version if self._master_key else max(self._keys)) + 1
        if version >= MAX_VERSION:
            raise ValueError(f"key version {version} does not fit in {VERSION_BYTES} bytes")
        if self._master_key is not None:
            self._keys[version] = _hkdf(self._master_key, f"encryption:v{version}")
        else:
            self._keys[version] = os.urandom(KEY_BYTES)
        self.current_version = version
        if self._keys_dir is not None and self._master_key is not None:
            _write_private(self._keys_dir / MASTER_VERSION_FILE, {"current_version": version})
        elif self._keys_dir is not None:
            _write_private(self._keys_dir / KEYRING_FILE, self._keyring_json())
        return version

    def _key_for(self, version: int) -> bytes:
        """The key of ``version``; another process may have rotated, so derive or reload."""
        if version not in self._keys and self._master_key is not None and 0 < version:
            self._keys[version] = _hkdf(self._master_key, f"encryption:v{version}")
        if version not in self._keys:
            self.refresh()
        if version not in self._keys:
            raise PiiError(f"no PII key for version {version}")
        return self._keys[version]

    def refresh(self) -> None:
        """Pick up versions another process added to the keys dir since we loaded it."""
        if self._keys_dir is None:
            return
        if self._master_key is not None:
            recorded = _read_json(self._keys_dir / MASTER_VERSION_FILE)
            if recorded and recorded["current_version"] > self.current_version:
                self.current_version = recorded["current_version"]
                self._key_for(self.current_version)
            return
        stored = _read_json(self._keys_dir / KEYRING_FILE)
        if stored:
            fresh = _vault_from_keyring(stored)
            self._keys.update(fresh._keys)
            self.current_version = max(self.current_version, fresh.current_version)

    def _keyring_json(self) -> dict:
        return {
            "format": 1,
            "current_version": self.current_version,
            "encryption_keys": {str(v): _b64(k) for v, k in sorted(self._keys.items())},
            "blind_index_key": _b64(self._blind_index_key),
            "pseudonym_key": _b64(self._pseudonym_key),
        }


def normalize_email(email: str) -> str:
    """Trimmed and lower case, as ad platforms hash it; ValueError naming the value if bad."""
    normalized = (email or "").strip().lower()
    if len(normalized) > 254 or not EMAIL_RE.fullmatch(normalized):
        raise ValueError(f"email {email!r} is not a valid address")
    return normalized


def phone_e164(phone: str) -> str:
    """A Peruvian mobile number in E.164 (+51 and 9 digits starting with 9)."""
    digits = re.sub(r"[\s\-()]", "", phone or "")
    if digits.startswith("+51"):
        digits = digits[3:]
    if not PE_MOBILE_RE.fullmatch(digits):
        raise ValueError(f"phone {phone!r} is not a Peruvian mobile number (+51 and 9 digits)")
    return "+51" + digits


def normalized_email_sha256(email: str) -> str:
    """SHA-256 hex of the normalized email: the format ad platforms accept for audiences."""
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()


def phone_e164_sha256(phone: str) -> str:
    """SHA-256 hex of the phone in E.164: the format ad platforms accept for audiences."""
    return hashlib.sha256(phone_e164(phone).encode()).hexdigest()


def _document(doc_type: str, doc_number: str) -> bytes:
    return f"{doc_type}:{normalize_document(doc_type, doc_number)}".encode()


def _hmac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def _hkdf(master_key: bytes, label: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=label.encode())
    return hkdf.derive(master_key)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _decode_master_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        # The value is a secret: say what is wrong without echoing it.
        raise ValueError(f"INNOVALOGIX_PII_KEY must be base64 of exactly {KEY_BYTES} bytes")
    return key


def _vault_from_keyring(data: dict) -> PiiVault:
    return PiiVault(
        {int(v): base64.b64decode(k) for v, k in data["encryption_keys"].items()},
        base64.b64decode(data["blind_index_key"]),
        base64.b64decode(data["pseudonym_key"]),
        current_version=data["current_version"],
    )


def _load_or_create_keyring(path: Path) -> PiiVault:
    """Read the dev keyring, generating it first if missing (first writer wins)."""
    stored = _read_json(path)
    if stored is None:
        _write_private(path, PiiVault.generate()._keyring_json(), exclusive=True)
        stored = _read_json(path)
    return _vault_from_keyring(stored)


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None


def _write_private(path: Path, data: dict, exclusive: bool = False) -> None:
    """Write JSON readable by the owner only, atomically; ``exclusive`` never overwrites."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)
        f.flush()
        os.fsync(f.fileno())
    if not exclusive:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
