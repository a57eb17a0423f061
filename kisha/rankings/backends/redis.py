"""Redis: one script call per beacon does the reader dedupe, the per-address rate limit and the
hourly bucket increment, so every worker shares them and a beacon costs one round trip.

Keys (all under the prefix, on one Redis; not written for Redis Cluster):
  s:<page>:<reader>        reader seen, expires after the dedupe period
  r:<slot>:<addr>:<page>   views from one address in the current rate window
  h:<YYYYMMDDHH>           hash page -> views for one JST hour, expires (KISHA_RANKINGS_BUCKET_TTL)
  hours                    set of hours with a live bucket
  b:<batch>:<hour>         a bucket claimed by a fold, until the fold acknowledges it
  batches                  set of claimed, unacknowledged buckets

When Redis fails, a circuit breaker sends beacons to the in-process database buffer for a few
seconds instead of paying a timeout on each, logs the switch and counts it (redis_fallback).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

import redis as redis_lib
from redis.backoff import NoBackoff
from redis.retry import Retry

from kisha.core.breaker import CircuitBreaker

from ..conf import conf
from ..metrics import metrics_incr
from . import redis_url
from .base import BaseCounter, Batch, Outcome, hour_from_key, hour_key, jst_hour
from .database import DatabaseCounter

logger = logging.getLogger("kisha.rankings")

RECORD = """
local p = ARGV[1]
local page = ARGV[2]
if not redis.call('SET', p .. ':s:' .. page .. ':' .. ARGV[3], '1', 'NX', 'EX', ARGV[6]) then
  return 2
end
local rk = p .. ':r:' .. ARGV[9] .. ':' .. ARGV[4] .. ':' .. page
local n = redis.call('INCR', rk)
if n == 1 then redis.call('EXPIRE', rk, ARGV[8]) end
if n > tonumber(ARGV[7]) then return 3 end
local hk = p .. ':h:' .. ARGV[5]
redis.call('HINCRBY', hk, page, 1)
redis.call('EXPIRE', hk, ARGV[10])
redis.call('SADD', p .. ':hours', ARGV[5])
return 1
"""

# Atomically moves every live hour bucket to a claimed batch key: beacons arriving after the
# claim start a fresh bucket, so nothing is counted in two batches or lost between them.
CLAIM = """
local p = ARGV[1]
local claimed = {}
for _, h in ipairs(redis.call('SMEMBERS', p .. ':hours')) do
  redis.call('SREM', p .. ':hours', h)
  local src = p .. ':h:' .. h
  if redis.call('EXISTS', src) == 1 then
    local member = ARGV[2] .. ':' .. h
    redis.call('RENAME', src, p .. ':b:' .. member)
    redis.call('SADD', p .. ':batches', member)
    table.insert(claimed, member)
  end
end
return claimed
"""


class RedisCounter(BaseCounter):
    name = "redis"

    def __init__(
        self,
        *,
        url: str,
        prefix: str = "kisha:rankings",
        timeout: float = 0.1,
        breaker_seconds: float = 5.0,
        dedupe_seconds: int = 1800,
        rate_limit: int = 30,
        rate_window: int = 3600,
        bucket_ttl: int = 8 * 24 * 3600,
        fallback: DatabaseCounter | None = None,
    ) -> None:
        self.prefix = prefix
        self.dedupe_seconds = int(dedupe_seconds)
        self.rate_limit = rate_limit
        self.rate_window = rate_window
        self.bucket_ttl = bucket_ttl
        # No retries: a retry would double the time a dead Redis costs each beacon.
        self.client = redis_lib.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=0,
        )
        self._record = self.client.register_script(RECORD)
        self._claim = self.client.register_script(CLAIM)
        self.breaker = CircuitBreaker(breaker_seconds, name="rankings: Redis", log=logger)
        self.fallback = fallback or DatabaseCounter(
            dedupe_seconds=dedupe_seconds, rate_limit=rate_limit, rate_window=rate_window
        )

    @classmethod
    def from_settings(cls) -> RedisCounter:
        return cls(
            url=redis_url(),
            prefix=conf("KISHA_RANKINGS_REDIS_PREFIX"),
            timeout=float(conf("KISHA_RANKINGS_REDIS_TIMEOUT")),
            breaker_seconds=float(conf("KISHA_RANKINGS_BREAKER_SECONDS")),
            dedupe_seconds=int(conf("KISHA_RANKINGS_DEDUPE_SECONDS")),
            rate_limit=int(conf("KISHA_RANKINGS_RATE_LIMIT")),
            rate_window=int(conf("KISHA_RANKINGS_RATE_WINDOW")),
            bucket_ttl=int(conf("KISHA_RANKINGS_BUCKET_TTL")),
            fallback=DatabaseCounter.from_settings(),
        )

    def record(self, *, page_id: int, reader: str, address: str, now: dt.datetime) -> Outcome:
        # The fallback's thread also writes this process's counters to the database.
        self.fallback.start()
        if self.breaker.allow():
            try:
                result = self._record(
                    args=[
                        self.prefix,
                        page_id,
                        reader,
                        address,
                        hour_key(jst_hour(now)),
                        self.dedupe_seconds,
                        self.rate_limit,
                        self.rate_window,
                        int(now.timestamp() // self.rate_window),
                        self.bucket_ttl,
                    ]
                )
                self.breaker.success()
                return Outcome(int(result))
            except redis_lib.RedisError as exc:
                metrics_incr("redis_errors")
                self.breaker.failure(exc)
        metrics_incr("redis_fallback")
        return self.fallback.record(page_id=page_id, reader=reader, address=address, now=now)

    def flush(self) -> int:
        return self.fallback.flush()

    def batches(self) -> list[Batch]:
        """Claimed Redis buckets (left over from an interrupted fold, then newly claimed), and
        the fallback buffer's batches. A dead Redis leaves its buckets for a later fold."""
        result: list[Batch] = []
        try:
            self._claim(args=[self.prefix, uuid.uuid4().hex])
            members = sorted(m.decode() for m in self.client.smembers(f"{self.prefix}:batches"))
            for member in members:
                raw = self.client.hgetall(f"{self.prefix}:b:{member}")
                hour = hour_from_key(member.rsplit(":", 1)[1])
                rows = [(int(page), hour, int(views)) for page, views in raw.items()]
                result.append(
                    Batch(
                        id=f"redis:{member}", rows=rows, source=self.name, meta={"member": member}
                    )
                )
        except redis_lib.RedisError as exc:
            metrics_incr("redis_errors")
            logger.warning("rankings: fold could not read Redis (%s); will retry", exc)
        return result + self.fallback.batches()

    def ack(self, batch: Batch) -> None:
        if batch.source != self.name:
            self.fallback.ack(batch)
            return
        member = batch.meta["member"]
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(f"{self.prefix}:b:{member}")
        pipe.srem(f"{self.prefix}:batches", member)
        pipe.execute()

    def status(self) -> dict:
        info = {
            "backend": self.name,
            "circuit": "open" if self.breaker.is_open else "closed",
            "buffered_views": self.fallback.buffered(),
        }
        try:
            info["redis_live_hours"] = self.client.scard(f"{self.prefix}:hours")
            info["redis_claimed_batches"] = self.client.scard(f"{self.prefix}:batches")
            info["redis"] = "ok"
        except redis_lib.RedisError as exc:
            info["redis"] = f"error: {exc}"
        return info

    def close(self) -> None:
        self.fallback.close()
        self.client.close()
