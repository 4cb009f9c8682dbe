"""When faults fire: `FaultPlan` rules matched against requests, and the record of what fired."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Mapping

import attrs

from .._wire.request import FakeRequest, request_params
from .kinds import Fault

__all__ = ["FaultPlan", "FaultRule", "FiredFault", "endpoint_name"]


def endpoint_name(path: str) -> str:
    """``/sys/send.php`` and ``/rest/send/`` → ``send``: the name rules match against."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return last.removesuffix(".php")


@attrs.frozen(kw_only=True)
class FiredFault:
    """The record of one fault the plan fired. Holds no credential and no message text.

    Attributes:
        seq: the request's number among all requests the plan was asked about (from 0).
        fault: the fault fired.
        endpoint: e.g. ``"send"``.
        path: the request path.
        login: the request's ``login`` parameter, if any.
        message_id: the request's ``id`` parameter, if any (client-chosen message id).
        reached_fake: whether the emulator processed the request.
    """

    seq: int
    fault: Fault
    endpoint: str
    path: str
    login: str | None
    message_id: str | None
    reached_fake: bool


@attrs.define(kw_only=True, eq=False)
class FaultRule:
    """A rule of a `FaultPlan`: which requests get ``fault``, how often, how many times.

    Every given matcher must hold. ``remaining`` counts down as the rule fires (``None`` is
    unlimited); an exhausted rule stays in the plan and matches nothing.
    """

    fault: Fault
    endpoint: str | None = None
    path: str | None = None
    login: str | None = None
    when: Callable[[FakeRequest], bool] | None = None
    probability: float = 1.0
    remaining: int | None = None
    fired: int = 0

    @property
    def exhausted(self) -> bool:
        """Whether the rule has fired as many times as it was allowed to."""
        return self.remaining is not None and self.remaining <= 0

    def matches(self, request: FakeRequest, endpoint: str, params: Mapping[str, str]) -> bool:
        """Whether ``request`` meets every matcher (probability aside)."""
        return (
            not self.exhausted
            and (self.endpoint is None or self.endpoint == endpoint)
            and (self.path is None or self.path == request.path)
            and (self.login is None or self.login == params.get("login"))
            and (self.when is None or self.when(request))
        )


class FaultPlan:
    """Rules that decide which requests fail and how, and a record of what fired.

    Rules are tried in the order added; the first that matches (and wins its probability
    draw) fires. Draws come from ``random.Random(seed)``, so the same seed and the same
    request sequence fire the same faults: chaos that reproduces. The plan is locked, so a
    server thread and the test's thread can share it.
    """

    def __init__(self, *, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._lock = threading.RLock()  # re-entrant: a `when` predicate may read the plan
        self._rules: list[FaultRule] = []
        self._fired: list[FiredFault] = []
        self._seen = 0

    def add(
        self,
        fault: Fault,
        *,
        endpoint: str | None = None,
        path: str | None = None,
        login: str | None = None,
        when: Callable[[FakeRequest], bool] | None = None,
        times: int | None = None,
        probability: float = 1.0,
    ) -> FaultRule:
        """Add a rule: ``fault`` for matching requests, at most ``times`` times (None: always).

        Args:
            endpoint: endpoint name (``"send"``, ``"balance"``; see `endpoint_name`).
            path: exact request path.
            login: the request's ``login`` parameter.
            when: any predicate over the `FakeRequest`.
            times: how many matching requests get the fault.
            probability: the chance, 0..1, that a matching request gets it.
        """
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"probability must be in [0, 1], got {probability!r}")
        if times is not None and times < 1:
            raise ValueError(f"times must be >= 1, got {times!r}")
        rule = FaultRule(
            fault=fault,
            endpoint=endpoint,
            path=path,
            login=login,
            when=when,
            probability=probability,
            remaining=times,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def once(
        self,
        fault: Fault,
        *,
        endpoint: str | None = None,
        path: str | None = None,
        login: str | None = None,
        when: Callable[[FakeRequest], bool] | None = None,
    ) -> FaultRule:
        """Give ``fault`` to the next matching request only."""
        return self.add(fault, endpoint=endpoint, path=path, login=login, when=when, times=1)

    def remove(self, rule: FaultRule) -> None:
        """Drop ``rule`` from the plan."""
        with self._lock:
            self._rules.remove(rule)

    def clear(self) -> None:
        """Drop every rule and forget what fired."""
        with self._lock:
            self._rules.clear()
            self._fired.clear()

    @property
    def rules(self) -> tuple[FaultRule, ...]:
        """The rules, in the order they are tried."""
        with self._lock:
            return tuple(self._rules)

    @property
    def fired(self) -> tuple[FiredFault, ...]:
        """Every fault fired so far, in order."""
        with self._lock:
            return tuple(self._fired)

    def pick(self, request: FakeRequest) -> Fault | None:
        """Decide the fault for ``request`` (or none), record it and count the rule down."""
        endpoint = endpoint_name(request.path)
        params = request_params(request)
        with self._lock:
            seq = self._seen
            self._seen += 1
            for rule in self._rules:
                if not rule.matches(request, endpoint, params):
                    continue
                if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                if rule.remaining is not None:
                    rule.remaining -= 1
                self._fired.append(
                    FiredFault(
                        seq=seq,
                        fault=rule.fault,
                        endpoint=endpoint,
                        path=request.path,
                        login=params.get("login"),
                        message_id=params.get("id"),
                        reached_fake=rule.fault.reaches_fake,
                    )
                )
                return rule.fault
        return None
