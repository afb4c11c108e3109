"""The monthly settlement as set-based SQL: one GROUP BY pass over the period's ledger lines.

The big scan happens once, into ``settle_agg`` (a few rows per township × provider × item ×
fund); every later step works on that small table. Statements whose line count did not
change are left alone, so running the settlement again changes nothing.

Negative statements carried into the period (``statement_carry``, a handful of rows) join
``settle_agg`` as adjustment rows of their own item code ``CARRY_ITEM_PREFIX || from_period``:
one line per carried fund, unit ``carry``, quantity 0. A catalogue code matches
``^[A-Z0-9][A-Z0-9_-]{1,31}$``, so a code starting with ``_`` can never be a catalogue item.
"""

from __future__ import annotations

#: Item code of a carry taken from an earlier period: this prefix and that period (YYYY-MM).
CARRY_ITEM_PREFIX = "_CARRY_"
#: The unit of a carry row (no catalogue fee unit: it is money, not a service).
CARRY_UNIT = "carry"

SCOPES = {
    None: "",
    "county": " AND county_code = :scope",
    "township": " AND township_code = :scope",
}

AGGREGATE = """
CREATE TEMP TABLE settle_agg ON COMMIT DROP AS
SELECT township_code, provider_id,
       min(provider_code) AS provider_code, min(county_code) AS county_code,
       item_code, unit, funding_source,
       (service_month < period) AS is_adjustment,
       sum(quantity)::int AS quantity,
       sum(amount_fen)::bigint AS amount_fen,
       count(*)::int AS line_count
FROM ledger_line
WHERE period_kind = :kind AND period = :period{scope}
GROUP BY township_code, provider_id, item_code, unit, funding_source, (service_month < period)
UNION ALL
SELECT township_code, provider_id, min(provider_code), min(county_code),
       '_CARRY_' || from_period, 'carry', funding_source, true,
       0, sum(amount_fen)::bigint, count(*)::int
FROM statement_carry
WHERE period_kind = :kind AND into_period = :period{scope}
GROUP BY township_code, provider_id, from_period, funding_source
"""

OPEN_STATEMENTS = """
INSERT INTO statement (statement_id, county_code, township_code, provider_id, provider_code,
                       period_kind, period, version)
SELECT gen_random_uuid(), min(county_code), township_code, provider_id, min(provider_code),
       :kind, :period, 0
FROM settle_agg
GROUP BY township_code, provider_id
ON CONFLICT (township_code, provider_id, period_kind, period) DO NOTHING
"""

# Lines are append-only, so a statement's content changed exactly when its line count did.
CHANGED = """
CREATE TEMP TABLE settle_changed ON COMMIT DROP AS
SELECT n.* FROM (
  SELECT st.statement_id,
         sum(a.amount_fen)::bigint AS total_fen,
         coalesce(sum(a.amount_fen) FILTER (WHERE a.is_adjustment), 0)::bigint AS adjustment_fen,
         sum(a.line_count)::int AS line_count
  FROM settle_agg a
  JOIN statement st ON st.township_code = a.township_code AND st.provider_id = a.provider_id
   AND st.period_kind = :kind AND st.period = :period
  WHERE st.status = 'draft'
  GROUP BY st.statement_id
) n JOIN statement st USING (statement_id)
WHERE st.line_count <> n.line_count OR st.version = 0
"""

CLEAR_TOTALS = tuple(
    f"DELETE FROM {table} WHERE statement_id IN (SELECT statement_id FROM settle_changed)"
    for table in ("statement_item_total", "statement_source_total")
)

_JOIN = """
FROM settle_agg a
JOIN statement st ON st.township_code = a.township_code AND st.provider_id = a.provider_id
 AND st.period_kind = :kind AND st.period = :period
JOIN settle_changed c ON c.statement_id = st.statement_id
"""

ITEM_TOTALS = f"""
INSERT INTO statement_item_total (statement_id, item_code, unit, is_adjustment, quantity,
                                  amount_fen, line_count)
SELECT st.statement_id, a.item_code, a.unit, a.is_adjustment,
       sum(a.quantity), sum(a.amount_fen), sum(a.line_count)
{_JOIN}
GROUP BY st.statement_id, a.item_code, a.unit, a.is_adjustment
"""

SOURCE_TOTALS = f"""
INSERT INTO statement_source_total (statement_id, funding_source, amount_fen, line_count)
SELECT st.statement_id, a.funding_source, sum(a.amount_fen), sum(a.line_count)
{_JOIN}
GROUP BY st.statement_id, a.funding_source
"""

ISSUE = """
UPDATE statement st
SET total_fen = c.total_fen, adjustment_fen = c.adjustment_fen, line_count = c.line_count,
    version = st.version + 1, issued_at = :issued_at
FROM settle_changed c
WHERE st.statement_id = c.statement_id
RETURNING st.statement_id
"""

CHANGED_HEADS = """
SELECT st.* FROM statement st JOIN settle_changed c ON c.statement_id = st.statement_id
ORDER BY st.statement_id
"""

CHANGED_SOURCES = """
SELECT t.* FROM statement_source_total t JOIN settle_changed c ON c.statement_id = t.statement_id
ORDER BY t.statement_id, t.funding_source
"""

RECOMPUTE = """
SELECT count(*)::int AS line_count,
       coalesce(sum(x.amount_fen), 0)::bigint AS total_fen,
       coalesce(sum(x.amount_fen) FILTER (WHERE x.is_adjustment), 0)::bigint AS adjustment_fen
FROM statement s
JOIN LATERAL (
  SELECT l.amount_fen, (l.service_month < l.period) AS is_adjustment
  FROM ledger_line l
  WHERE l.township_code = s.township_code AND l.provider_id = s.provider_id
    AND l.period_kind = s.period_kind AND l.period = s.period
  UNION ALL
  SELECT c.amount_fen, true
  FROM statement_carry c
  WHERE c.township_code = s.township_code AND c.provider_id = s.provider_id
    AND c.period_kind = s.period_kind AND c.into_period = s.period
) x ON true
WHERE s.statement_id = :statement_id
"""
