-- Q7's statement: one person's eligibility for an award type whose rule is an award then years
-- (AWARD_THEN_YEARS: a prerequisite award, then years rated, excellent years, titles, no
-- discipline), with every condition, its evidence and the earliest eligible year, as the API
-- answers it. `bench` replaces $PERSON, $AWARD_TYPE and $THIS_YEAR (the year of `asOf`).
-- The rule's parameters and texts are read from the catalogue version in force at the end of
-- the achievement window, as the API reads them; the person's records by the recipient's and
-- subject's indexes.
WITH v AS (
  SELECT t.name, t.code, t.subjects, t.legal_basis,
    (t.rule_parameters->>'years')::int AS years,
    t.rule_parameters->>'prerequisite' AS prereq,
    t.rule_parameters->>'title' AS title,
    COALESCE((t.rule_parameters->>'minTitles')::int, 0) AS min_titles,
    COALESCE((t.rule_parameters->>'minExcellentYears')::int, 0) AS min_excellent,
    t.rule_parameters->>'minRating' AS min_rating,
    CASE t.eligibility_rule WHEN 'LABOUR_ORDER'
      THEN 'Luật Thi đua, khen thưởng 2022 Điều 44 khoản 1 điểm e'
      ELSE 'Luật Thi đua, khen thưởng 2022 Điều 71 (counts unverified: parameters)' END AS source,
    $THIS_YEAR - 1 AS y,
    $THIS_YEAR - (t.rule_parameters->>'years')::int AS f
  FROM award_type t
  WHERE t.code = (SELECT code FROM award_type WHERE id = '$AWARD_TYPE')
    AND t.valid_from <= make_date($THIS_YEAR - 1, 12, 31)
  ORDER BY t.valid_from DESC LIMIT 1
),
levels (rating, rank, label) AS (
  VALUES ('EXCELLENT', 3, 'HTXSNV'), ('GOOD', 2, 'HTTNV'), ('COMPLETED', 1, 'HTNV'),
    ('NOT_COMPLETED', 0, 'KHTNV')
),
minimum AS (SELECT l.rank, l.label FROM levels l, v WHERE l.rating = v.min_rating),
awards AS (
  SELECT a.id, a.award_code, a.achievement_from, a.achievement_to, a.decision_number,
    a.decided_on, a.revocation_decision, a.status = 'VALID' AS valid,
    extract(year FROM a.achievement_from)::int AS fy, extract(year FROM a.achievement_to)::int AS ty,
    json_build_object('kind', 'AWARD_RECORD',
      'id', rtrim(translate(encode(convert_to('AwardRecord:' || a.id, 'UTF8'), 'base64'), '+/', '-_'), '='),
      'year', extract(year FROM a.achievement_to)::int,
      'description', a.award_code || ' ' || to_char(a.achievement_from, 'DD/MM/YYYY') || '–'
        || to_char(a.achievement_to, 'DD/MM/YYYY') || ', decision ' || a.decision_number || ' of '
        || to_char(a.decided_on, 'DD/MM/YYYY')) AS evidence
  FROM award_record a WHERE a.recipient_id = '$PERSON'
),
ratings AS (
  SELECT d.year, d.rating, l.rank, l.label
  FROM duty_rating d JOIN levels l ON l.rating = d.rating WHERE d.subject_id = '$PERSON'
),
disciplines AS (
  SELECT d.effective_from, d.effective_to,
    json_build_object('kind', 'DISCIPLINE', 'id', NULL, 'year', extract(year FROM d.effective_from)::int,
      'description', initcap(d.form) || ' (' || d.decision_ref || ') in effect '
        || to_char(d.effective_from, 'DD/MM/YYYY') || '–' || to_char(d.effective_to, 'DD/MM/YYYY')) AS evidence
  FROM discipline d WHERE d.person_id = '$PERSON'
),
window_label AS (SELECT CASE WHEN f = y THEN y::text ELSE f || '–' || y END AS text FROM v),
-- The window's years, each with its rating and the title's record covering it.
years AS (
  SELECT g AS year, r.rank, r.label, r.rating,
    (SELECT a.evidence FROM awards a WHERE a.valid AND a.award_code = v.title AND a.fy <= g AND g <= a.ty
      ORDER BY a.achievement_to, a.id LIMIT 1) AS title_evidence
  FROM v, generate_series(v.f, v.y) g LEFT JOIN ratings r ON r.year = g
),
prerequisite AS (
  SELECT
    (SELECT a.ty FROM awards a WHERE a.valid AND a.award_code = v.prereq AND a.ty < v.f
      ORDER BY a.achievement_to DESC, a.id DESC LIMIT 1) AS held_to,
    (SELECT a.evidence FROM awards a WHERE a.valid AND a.award_code = v.prereq AND a.ty < v.f
      ORDER BY a.achievement_to DESC, a.id DESC LIMIT 1) AS evidence,
    (SELECT a.ty FROM awards a WHERE a.valid AND a.award_code = v.prereq AND a.ty >= v.f
      ORDER BY a.achievement_to, a.id LIMIT 1) AS later_to,
    (SELECT a.ty || ' was revoked by ' || COALESCE(a.revocation_decision, 'decision') FROM awards a
      WHERE NOT a.valid AND a.award_code = v.prereq ORDER BY a.achievement_to, a.id LIMIT 1) AS revoked
  FROM v
),
conditions AS (
  SELECT 1 AS n, json_build_object('code', 'SUBJECT_KIND',
      'met', 'INDIVIDUAL' = ANY (string_to_array(v.subjects, ',')),
      'description', v.name || ' is given to ' || (SELECT string_agg(CASE s WHEN 'INDIVIDUAL' THEN 'individuals'
        WHEN 'COLLECTIVE' THEN 'collectives' WHEN 'HOUSEHOLD' THEN 'households' END, ', ' ORDER BY o)
        FROM unnest(string_to_array(v.subjects, ',')) WITH ORDINALITY AS x (s, o)),
      'source', v.legal_basis, 'evidence', '[]'::json) AS c,
    'INDIVIDUAL' = ANY (string_to_array(v.subjects, ',')) AS met
  FROM v
  UNION ALL
  SELECT 2, json_build_object('code', 'NOT_REWARDED_TWICE', 'met', count(a.id) = 0,
      'description', CASE WHEN count(a.id) = 0 THEN 'no ' || v.code || ' already for an achievement in ' || w.text
        ELSE v.code || ' was already given for an achievement in ' || w.text
          || ': the next one counts from the end of that window' END,
      'source', 'Luật Thi đua, khen thưởng 2022 Điều 5 khoản 2 (domain.md rules 23–24)',
      'evidence', COALESCE(json_agg(a.evidence ORDER BY a.achievement_to, a.id) FILTER (WHERE a.id IS NOT NULL), '[]'::json)),
    count(a.id) = 0
  FROM v CROSS JOIN window_label w
    LEFT JOIN awards a ON a.valid AND a.award_code = v.code AND a.fy <= v.y AND v.f <= a.ty
  GROUP BY v.code, w.text
  UNION ALL
  SELECT 3, json_build_object('code', 'PREREQUISITE', 'met', p.held_to IS NOT NULL,
      'description', CASE
        WHEN p.held_to IS NOT NULL THEN 'holds ' || v.prereq || ' (window ending ' || p.held_to
          || ') before the ' || v.years || ' years counted'
        WHEN p.later_to IS NOT NULL THEN 'holds ' || v.prereq || ' only from a window ending ' || p.later_to
          || ': the ' || v.years || ' years must follow it'
        WHEN p.revoked IS NOT NULL THEN 'holds no valid ' || v.prereq || ': the one of ' || p.revoked
        ELSE 'holds no ' || v.prereq END,
      'source', v.source,
      'evidence', CASE WHEN p.evidence IS NULL THEN '[]'::json ELSE json_build_array(p.evidence) END),
    p.held_to IS NOT NULL
  FROM v, prerequisite p
  UNION ALL
  SELECT 4, json_build_object('code', 'YEARS_RATED', 'met', count(*) FILTER (WHERE y.rank IS NULL OR y.rank < m.rank) = 0,
      'description', 'rated ' || m.label || ' or better every year of ' || w.text
        || COALESCE(', consecutively: not in ' || string_agg(y.year || ' (' || COALESCE(y.label, 'not rated') || ')', ', '
          ORDER BY y.year) FILTER (WHERE y.rank IS NULL OR y.rank < m.rank), ''),
      'source', v.source,
      'evidence', COALESCE(json_agg(json_build_object('kind', 'DUTY_RATING', 'id', NULL, 'year', y.year,
          'description', y.year || ': ' || y.label) ORDER BY y.year) FILTER (WHERE y.rank >= m.rank), '[]'::json)),
    count(*) FILTER (WHERE y.rank IS NULL OR y.rank < m.rank) = 0
  FROM v, minimum m, window_label w, years y
  GROUP BY v.source, m.label, w.text
  UNION ALL
  SELECT 5, json_build_object('code', 'EXCELLENT_YEARS',
      'met', count(*) FILTER (WHERE y.rating = 'EXCELLENT') >= v.min_excellent,
      'description', 'at least ' || v.min_excellent || ' year(s) rated HTXSNV in ' || w.text || ' ('
        || count(*) FILTER (WHERE y.rating = 'EXCELLENT') || ' found)',
      'source', v.source,
      'evidence', COALESCE(json_agg(json_build_object('kind', 'DUTY_RATING', 'id', NULL, 'year', y.year,
          'description', y.year || ': ' || y.label) ORDER BY y.year) FILTER (WHERE y.rating = 'EXCELLENT'), '[]'::json)),
    count(*) FILTER (WHERE y.rating = 'EXCELLENT') >= v.min_excellent
  FROM v, window_label w, years y
  WHERE v.min_excellent > 0
  GROUP BY v.source, v.min_excellent, w.text
  UNION ALL
  SELECT 6, json_build_object('code', 'TITLES_IN_WINDOW',
      'met', count(y.title_evidence) >= v.min_titles,
      'description', v.title || ' at least ' || v.min_titles || ' time(s) in ' || w.text || ' ('
        || count(y.title_evidence) || ' found)',
      'source', v.source,
      'evidence', COALESCE(json_agg(y.title_evidence ORDER BY y.year) FILTER (WHERE y.title_evidence IS NOT NULL), '[]'::json)),
    count(y.title_evidence) >= v.min_titles
  FROM v, window_label w, years y
  WHERE v.min_titles > 0
  GROUP BY v.source, v.title, v.min_titles, w.text
  UNION ALL
  SELECT 7, json_build_object('code', 'NO_DISCIPLINE', 'met', count(d.evidence) = 0,
      'description', CASE WHEN count(d.evidence) = 0 THEN 'no discipline in effect in ' || w.text
        ELSE 'a discipline was in effect in ' || w.text || ': it bars the award' END,
      'source', 'Luật Thi đua, khen thưởng 2022; Nghị định 91/2017/NĐ-CP (domain.md rules 11, 48)',
      'evidence', COALESCE(json_agg(d.evidence ORDER BY d.effective_from) FILTER (WHERE d.evidence IS NOT NULL), '[]'::json)),
    count(d.evidence) = 0
  FROM v CROSS JOIN window_label w
    LEFT JOIN disciplines d ON extract(year FROM d.effective_from) <= v.y AND v.f <= extract(year FROM d.effective_to)
  GROUP BY w.text
),
-- The projection behind the earliest eligible year: every year after the last rated one repeats
-- its rating and its one-year awards; each later window is judged on that history.
last_rated AS (SELECT r.year, r.rank, r.rating FROM ratings r ORDER BY r.year DESC LIMIT 1),
projected_awards AS (
  SELECT a.award_code, a.fy, a.ty FROM awards a WHERE a.valid
  UNION ALL
  SELECT a.award_code, g, g FROM awards a, last_rated l, generate_series(l.year + 1, $THIS_YEAR + 9) g
  WHERE a.valid AND a.fy = l.year AND a.ty = l.year
),
projected_years AS (
  SELECT g AS year,
    COALESCE(r.rank, CASE WHEN g > l.year THEN l.rank END) AS rank,
    COALESCE(r.rating, CASE WHEN g > l.year THEN l.rating END) AS rating,
    EXISTS (SELECT 1 FROM projected_awards a WHERE a.award_code = v.title AND a.fy <= g AND g <= a.ty) AS titled
  FROM v CROSS JOIN generate_series(v.f, $THIS_YEAR + 9) g
    LEFT JOIN ratings r ON r.year = g LEFT JOIN last_rated l ON true
),
earliest AS (
  SELECT min(e.year + 1) AS year FROM v, minimum m, generate_series($THIS_YEAR, $THIS_YEAR + 9) AS e (year)
  WHERE 'INDIVIDUAL' = ANY (string_to_array(v.subjects, ','))
    AND NOT EXISTS (SELECT 1 FROM projected_awards a
      WHERE a.award_code = v.code AND a.fy <= e.year AND e.year - v.years + 1 <= a.ty)
    AND EXISTS (SELECT 1 FROM projected_awards a WHERE a.award_code = v.prereq AND a.ty < e.year - v.years + 1)
    AND NOT EXISTS (SELECT 1 FROM projected_years p WHERE p.year BETWEEN e.year - v.years + 1 AND e.year
      AND (p.rank IS NULL OR p.rank < m.rank))
    AND (SELECT count(*) FROM projected_years p WHERE p.year BETWEEN e.year - v.years + 1 AND e.year
      AND p.rating = 'EXCELLENT') >= v.min_excellent
    AND (SELECT count(*) FROM projected_years p WHERE p.year BETWEEN e.year - v.years + 1 AND e.year
      AND p.titled) >= v.min_titles
    AND NOT EXISTS (SELECT 1 FROM disciplines d WHERE extract(year FROM d.effective_from) <= e.year
      AND e.year - v.years + 1 <= extract(year FROM d.effective_to))
)
SELECT json_build_object('data', json_build_object('eligibility', json_build_object(
  'eligible', bool_and(c.met),
  'earliestEligibleYear', CASE WHEN bool_and(c.met) THEN $THIS_YEAR ELSE (SELECT year FROM earliest) END,
  'conditions', json_agg(c.c ORDER BY c.n))))
FROM conditions c;
