"""What bench/analysis.py adds to bench/incident_list_data.py's million incidents so the analyses
have something to work on: registered places linked to a fifth of the incidents, occurrence
windows (from–to) on a third of the thefts and burglaries, and suspects' traits on a third of all.

Set-based SQL over the loaded table (deterministic: derived from each incident's id), then the
table is rewritten (VACUUM FULL) so the analyses scan a table without dead rows, as after a load;
its secondary indexes are dropped for the updates and built again after.
"""

from __future__ import annotations

import time

import asyncpg

STATEMENTS = (
    # Ten registered places in each grid and village, of varied kinds.
    """
    INSERT INTO places (id, kind, name, area_code, lat, lon, address)
    SELECT gen_random_uuid(),
           (ARRAY['residential_compound','market','shop','street','campus','entertainment',
                  'transport','institution','family','other'])[n],
           a.name || '场所' || n, a.code, a.lat + n * 0.0002, a.lon - n * 0.0002,
           a.name || n || '号'
    FROM areas a, generate_series(1, 10) AS n
    WHERE a.level IN ('grid', 'village')
    """,
    # A fifth of the incidents at one of their area's places: each place gets about 2 %.
    """
    UPDATE incidents i SET place_id = p.id
    FROM (SELECT id, area_code,
                 row_number() OVER (PARTITION BY area_code ORDER BY name) AS n FROM places) p
    WHERE p.area_code = i.area_code
      AND p.n = mod(abs(hashtext(i.id::text)), 50) + 1
    """,
    # Thefts and burglaries found after the fact: a window of whole hours around the time.
    """
    UPDATE incidents SET
      occurred_from = date_trunc('hour', occurred_at)
                      - make_interval(hours => mod(abs(hashtext(id::text)), 9)),
      occurred_to = date_trunc('hour', occurred_at)
                    + make_interval(hours => 1 + mod(abs(hashtext(id::text || 't')), 6))
    WHERE category IN ('theft', 'burglary') AND mod(abs(hashtext(id::text || 'w')), 3) = 0
    """,
    # What the reporter saw of the perpetrators, on a third of the incidents.
    """
    UPDATE incidents SET
      suspect_count = 1 + mod(abs(hashtext(id::text || 'c')), 3),
      suspect_gender = (ARRAY['male','male','male','female','mixed','unknown'])
                       [1 + mod(abs(hashtext(id::text || 'g')), 6)],
      suspect_age_band = (ARRAY['under_18','18_25','26_35','36_50','over_50','unknown'])
                         [1 + mod(abs(hashtext(id::text || 'a')), 6)],
      suspect_non_local = mod(abs(hashtext(id::text || 'l')), 5) < 2,
      modus_operandi = string_to_array((ARRAY['撬锁,夜间', '翻窗,夜间', '冒充客服,电话',
                                              '扒窃,人多', '剪锁,白天', '尾随,夜间'])
                                       [1 + mod(abs(hashtext(id::text || 'm')), 6)], ',')
    WHERE mod(abs(hashtext(id::text || 's')), 3) = 0
    """,
)


async def enrich(dsn: str) -> None:
    """Places, windows and suspects on the loaded incidents; then VACUUM FULL and ANALYZE."""
    started = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SET session_replication_role = replica")
        # Updating a million rows under thirteen indexes takes minutes; VACUUM FULL rebuilds
        # the indexes anyway, so they go first and come back with it.
        indexes = await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'incidents' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        for index in indexes:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')
        for statement in STATEMENTS:
            await conn.execute(statement)
        await conn.execute("SET maintenance_work_mem = '256MB'")
        await conn.execute("VACUUM (FULL) incidents")
        for index in indexes:
            await conn.execute(index["indexdef"])
        await conn.execute("ANALYZE incidents")
        await conn.execute("VACUUM (ANALYZE) places")
        counts = await conn.fetchrow(
            "SELECT count(place_id) AS places, count(occurred_from) AS windows, "
            "count(suspect_gender) AS suspects FROM incidents"
        )
    finally:
        await conn.close()
    print(
        f"enriched in {time.perf_counter() - started:.1f} s: {counts['places']:,} at places, "
        f"{counts['windows']:,} with windows, {counts['suspects']:,} with suspects"
    )
