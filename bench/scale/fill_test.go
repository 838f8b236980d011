package scale

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore"
)

// fillerFor is the bulk filler of st's database; dialect (adapter.Dialect
// of its URL) tells MySQL's *sql.DB from SQLite's.
func fillerFor(st schedstore.Store, dialect string) (filler, error) {
	switch b := st.(type) {
	case interface{ DB() *pgxpool.Pool }:
		return pgFiller{b.DB()}, nil
	case interface{ DB() *sql.DB }:
		switch dialect {
		case "mysql":
			return mysqlFiller{b.DB()}, nil
		case "sqlite":
			return sqliteFiller{b.DB()}, nil
		}
	}
	return nil, fmt.Errorf("no bulk filler for a %T (%q)", st, dialect)
}

// Row n (1-based): ID t%07d, a fake unique fingerprint, priority n % 5,
// due (n seconds before t0) for n <= usualDue, else n seconds after t0.
// The backlog step moves every backlogEvery-th row 2,000,000 seconds
// earlier (before t0 whatever n is): the rows whose tens digit is 0 (n mod
// 100 < 10), so the backlog spreads evenly over the five priorities.

type pgFiller struct{ pool *pgxpool.Pool }

func (p pgFiller) fill(ctx context.Context, from, to int) error {
	_, err := p.pool.Exec(ctx, `INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule,
definition_sha256, enabled, next_run_at, created_at, updated_at, priority)
SELECT 't' || lpad(i::text, 7, '0'), 'task-' || i, 'cron', '0 * * * *', lpad(to_hex(i), 64, '0'), true,
       $1::timestamptz + CASE WHEN i <= $4 THEN -i ELSE i END * interval '1 second',
       $1::timestamptz - interval '1 day' + i * interval '1 microsecond', $1::timestamptz - interval '1 day', i % 5
FROM generate_series($2::int, $3::int) AS i`, t0, from, to, usualDue)
	return err
}

func (p pgFiller) backlog(ctx context.Context) error {
	_, err := p.pool.Exec(ctx, `UPDATE scheduled_tasks SET next_run_at = next_run_at - interval '2000000 seconds'
WHERE substr(id, 7, 1) = '0' AND next_run_at > $1`, t0)
	return err
}

func (p pgFiller) analyze(ctx context.Context) error {
	if _, err := p.pool.Exec(ctx, `VACUUM ANALYZE scheduled_tasks`); err != nil {
		return err
	}
	// Write the fill's dirty pages out now, not during the timed calls.
	// Needs a superuser (or pg_checkpoint); without, the timings carry it.
	p.pool.Exec(ctx, `CHECKPOINT`)
	return nil
}

type mysqlFiller struct{ db *sql.DB }

const digits = `(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)`

func (m mysqlFiller) fill(ctx context.Context, from, to int) error {
	// 100,000 rows per statement: five crossed digit tables.
	const chunk = 100_000
	for base := from; base <= to; base += chunk {
		hi := min(base+chunk-1, to)
		_, err := m.db.ExecContext(ctx, `INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule,
args, kwargs, definition_sha256, enabled, next_run_at, created_at, updated_at, description, priority)
SELECT CONCAT('t', LPAD(n, 7, '0')), CONCAT('task-', n), 'cron', '0 * * * *', '[]', '{}',
       LPAD(HEX(n), 64, '0'), TRUE,
       IF(n <= ?, t0 - INTERVAL n SECOND, t0 + INTERVAL n SECOND),
       t0 - INTERVAL 1 DAY + INTERVAL n MICROSECOND, t0 - INTERVAL 1 DAY, '', n % 5
FROM (SELECT ? + a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS n, CAST(? AS DATETIME(6)) AS t0
      FROM `+digits+` a CROSS JOIN `+digits+` b CROSS JOIN `+digits+` c CROSS JOIN `+digits+` e
      CROSS JOIN `+digits+` f) AS seq
WHERE n <= ?`, usualDue, base, t0, hi)
		if err != nil {
			return fmt.Errorf("rows %d..%d: %w", base, hi, err)
		}
	}
	return nil
}

func (m mysqlFiller) backlog(ctx context.Context) error {
	_, err := m.db.ExecContext(ctx, `UPDATE scheduled_tasks SET next_run_at = next_run_at - INTERVAL 2000000 SECOND
WHERE SUBSTRING(id, 7, 1) = '0' AND next_run_at > ?`, t0)
	return err
}

func (m mysqlFiller) analyze(ctx context.Context) error {
	if _, err := m.db.ExecContext(ctx, `ANALYZE TABLE scheduled_tasks`); err != nil {
		return err
	}
	// Let InnoDB flush the fill's dirty pages before the timed calls (at
	// most a minute): otherwise writes at 1M rows wait on that flushing,
	// and the step measures the fill more than the calls.
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
		var name string
		var dirty int64
		if err := m.db.QueryRowContext(ctx, `SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'`).Scan(&name, &dirty); err != nil {
			return err
		}
		if dirty < 1000 {
			break
		}
	}
	return nil
}

type sqliteFiller struct{ db *sql.DB }

func (s sqliteFiller) fill(ctx context.Context, from, to int) error {
	t := t0.UnixMicro()
	_, err := s.db.ExecContext(ctx, `WITH RECURSIVE seq(n) AS (SELECT ?2 UNION ALL SELECT n + 1 FROM seq WHERE n < ?3)
INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule, definition_sha256, enabled,
    next_run_at_us, created_at_us, updated_at_us, priority)
SELECT printf('t%07d', n), 'task-' || n, 'cron', '0 * * * *', printf('%064x', n), 1,
       CASE WHEN n <= ?4 THEN ?1 - n * 1000000 ELSE ?1 + n * 1000000 END,
       ?1 - 86400000000 + n, ?1 - 86400000000, n % 5
FROM seq`, t, from, to, usualDue)
	return err
}

func (s sqliteFiller) backlog(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `UPDATE scheduled_tasks SET next_run_at_us = next_run_at_us - 2000000000000
WHERE substr(id, 7, 1) = '0' AND next_run_at_us > ?`, t0.UnixMicro())
	return err
}

func (s sqliteFiller) analyze(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `ANALYZE`)
	return err
}
