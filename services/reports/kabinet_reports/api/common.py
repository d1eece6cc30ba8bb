"""What every reports endpoint needs: the dependencies, the caller, the session."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kabinet_kit.callers import CallerResolver
from kabinet_kit.service import current_deps
from kabinet_kit.web import request_session

from ..access import Caller
from ..callers import load_caller
from ..clock import local_today
from ..deps import Deps

# The token says who; this service's replicas of identity say what they may reach.
caller: CallerResolver[Caller] = CallerResolver(load_caller)


def deps() -> Deps:
    found: Deps = current_deps()
    return found


def db() -> Session:
    return request_session()


def today() -> date:
    return local_today(deps().settings.timezone)
