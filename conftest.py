"""For every test run: the secret the gateway signs forwarded requests with and the services
check (kabinet_kit.gateway_proof), one per run, inherited by the processes e2e tests start.
Tests of a service without it remove it themselves."""
from __future__ import annotations

import os
import secrets

from kabinet_kit.gateway_proof import SECRET_ENV

os.environ.setdefault(SECRET_ENV, f"test-{secrets.token_hex(16)}")
