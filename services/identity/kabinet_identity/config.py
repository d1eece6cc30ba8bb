"""Identity settings: the kit's base (database, broker, tokens, web) and identity's own."""
from __future__ import annotations

from datetime import timedelta

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import SettingsConfigDict

from kabinet_kit.migrations import service_dir
from kabinet_kit.settings import ServiceSettings, local_secret

SERVICE = "identity"
#: The folder holding migrations/ (with alembic.ini): the checkout's or the installed package's.
SERVICE_DIR = service_dir(__file__)
#: How long a create can be replayed by its Idempotency-Key: a retry comes within minutes.
IDEMPOTENCY_KEEP = timedelta(hours=24)


class Settings(ServiceSettings, env_prefix="IDENTITY_"):
    # Fields with an environment alias are still set by name (tests, Settings(...)).
    model_config = SettingsConfigDict(populate_by_name=True)

    service = SERVICE
    default_port = 8101

    access_token_ttl: int = Field(default=900, ge=1)
    refresh_token_ttl: int = Field(default=30 * 24 * 3600, ge=1)
    # Wrong passwords for a login from one client address before that address is refused for
    # lockout_seconds; from all addresses together, the ceiling is far higher, so that guessing
    # from elsewhere does not lock the owner out (issue 11, finding 4).
    max_failed_logins: int = Field(default=5, ge=1)
    max_failed_logins_per_account: int = Field(default=100, ge=1)
    lockout_seconds: int = Field(default=900, ge=0)
    access_code_ttl_days: int = Field(default=14, ge=1)
    # A pupil's records (the movement book, the journal) are kept this long after he left the
    # last institution; his personal data cannot be erased before (IDN-08).
    pupil_records_retention_years: int = Field(default=5, ge=0)
    # The variable has always been IDENTITY_REDEEM_ATTEMPTS.
    redeem_attempts_per_window: int = Field(default=10, ge=1, validation_alias=AliasChoices(
        "IDENTITY_REDEEM_ATTEMPTS", "IDENTITY_REDEEM_ATTEMPTS_PER_WINDOW"))
    redeem_window_seconds: int = Field(default=900, ge=1)
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    # The relay writes the revocation feed's heartbeat this often (heartbeat.py); the gateway's
    # GATEWAY_REVOCATION_FEED_MAX_AGE must be a few times longer.
    revocation_heartbeat_seconds: float = Field(default=5.0, gt=0)
    # The relay process revokes role grants past their end date this often (grants.py); until then
    # they are already out of new tokens and /me.
    role_expiry_seconds: float = Field(default=60.0, gt=0)
    # Only trust X-Forwarded-For from the gateway in front of us.
    trust_forwarded_for: bool = True
    # Encrypts the token-signing private keys at rest: whoever reads the database must not be
    # able to sign tokens. Empty: a random one kept in var/ (development only).
    key_encryption_key: str = Field(default="", repr=False)

    @model_validator(mode="after")
    def _local_key_encryption_key(self) -> Settings:
        if not self.key_encryption_key:
            self.key_encryption_key = local_secret("identity-key-encryption.key")
        return self
