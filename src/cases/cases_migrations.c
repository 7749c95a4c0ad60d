/* cases_migrations.c — the cases module's numbered schema changes (never edited once landed). */
#include "cases/cases.h"

const store_migration cases_migrations[] = {
	{1, "cases",
	 /* One row per case. kind NULL until triaged; times are seconds since the epoch, NULL when
	  * not yet. month is the month of submission in Asia/Shanghai (the figures' period key). */
	 "CREATE TABLE cases("
	 " id INTEGER PRIMARY KEY,"
	 " tracking_code TEXT NOT NULL UNIQUE,"
	 " place_code TEXT NOT NULL,"
	 " type TEXT NOT NULL,"
	 " channel TEXT NOT NULL,"
	 " kind TEXT,"
	 " status TEXT NOT NULL,"
	 " title TEXT NOT NULL,"
	 " content TEXT NOT NULL,"
	 " reporter_name TEXT NOT NULL DEFAULT '',"
	 " reporter_phone BLOB," /* sealed (core/secret) */
	 " household_id INTEGER,"
	 " department_id INTEGER,"
	 " parties TEXT NOT NULL DEFAULT '',"
	 " mediator TEXT NOT NULL DEFAULT '',"
	 " outcome TEXT,"
	 " resolution TEXT,"
	 " rating TEXT,"
	 " reopened INTEGER NOT NULL DEFAULT 0,"
	 " year INTEGER NOT NULL,"
	 " work_year INTEGER NOT NULL,"
	 " month TEXT NOT NULL,"
	 " due_days INTEGER NOT NULL,"
	 " due_at INTEGER NOT NULL,"
	 " feedback_at INTEGER,"
	 " resolved_at INTEGER,"
	 " closed_at INTEGER,"
	 " escalation_level INTEGER NOT NULL DEFAULT 0,"
	 " escalated_to TEXT,"
	 " created_by TEXT NOT NULL,"
	 " created_at INTEGER NOT NULL,"
	 " updated_at INTEGER NOT NULL);"
	 "CREATE INDEX cases_place ON cases(place_code, id);"
	 "CREATE INDEX cases_department ON cases(department_id, id) WHERE department_id IS NOT NULL;"
	 /* The escalation timer's work: cases still waiting for feedback, by due time. */
	 "CREATE INDEX cases_waiting ON cases(due_at) WHERE feedback_at IS NULL AND escalation_level < 2;"
	 "CREATE INDEX cases_work ON cases(work_year, place_code) WHERE work_year <> year;"
	 "CREATE TABLE case_events("
	 " id INTEGER PRIMARY KEY,"
	 " case_id INTEGER NOT NULL REFERENCES cases(id),"
	 " at INTEGER NOT NULL,"
	 " actor_id INTEGER,"
	 " actor TEXT NOT NULL,"
	 " action TEXT NOT NULL,"
	 " from_status TEXT,"
	 " to_status TEXT,"
	 " note TEXT NOT NULL DEFAULT '',"
	 " detail TEXT NOT NULL DEFAULT '');" /* the kind, department, resolution, rating or level it set */
	 "CREATE INDEX case_events_case ON case_events(case_id, id);"
	 "CREATE TABLE case_files("
	 " id INTEGER PRIMARY KEY,"
	 " case_id INTEGER NOT NULL REFERENCES cases(id),"
	 " mime TEXT NOT NULL,"
	 " size INTEGER NOT NULL,"
	 " data BLOB NOT NULL,"
	 " created_at INTEGER NOT NULL);"
	 "CREATE INDEX case_files_case ON case_files(case_id);"
	 /* Title and content split into single characters (cases_search_text): a phrase query finds
	  * terms of any length, 水 and 低保 included (MEASURED.md: trigram alone misses them). The
	  * text of a case never changes, so the index keeps no copy of it (contentless). */
	 "CREATE VIRTUAL TABLE case_text USING fts5(body, content='', tokenize='unicode61');"
	 /* Counters for the figures, kept in the transaction of every change, at county (6),
	  * township (9) and village (12) level: lvl is the code length. dim '' is the row of all
	  * cases of that place and month; dim 'x' rows split them by channel, type, kind, area and
	  * resolution. */
	 "CREATE TABLE case_stats("
	 " lvl INTEGER NOT NULL,"
	 " place_code TEXT NOT NULL,"
	 " month TEXT NOT NULL,"
	 " dim TEXT NOT NULL,"
	 " channel TEXT NOT NULL, type TEXT NOT NULL, kind TEXT NOT NULL, area TEXT NOT NULL, resolution TEXT NOT NULL,"
	 " collected INTEGER NOT NULL DEFAULT 0,"
	 " resolved INTEGER NOT NULL DEFAULT 0,"
	 " carried INTEGER NOT NULL DEFAULT 0,"
	 " overdue INTEGER NOT NULL DEFAULT 0,"
	 " fb_n INTEGER NOT NULL DEFAULT 0,"
	 " fb_secs INTEGER NOT NULL DEFAULT 0,"
	 " fb_ontime INTEGER NOT NULL DEFAULT 0,"
	 " PRIMARY KEY (lvl, dim, place_code, month, channel, type, kind, area, resolution)"
	 ") WITHOUT ROWID;"
	 "CREATE TABLE case_settings("
	 " place_code TEXT PRIMARY KEY,"
	 " due_days INTEGER NOT NULL CHECK (due_days BETWEEN 1 AND 60),"
	 " updated_by TEXT NOT NULL,"
	 " updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	 "CREATE TABLE case_departments("
	 " id INTEGER PRIMARY KEY,"
	 " place_code TEXT NOT NULL,"
	 " name TEXT NOT NULL,"
	 " created_at INTEGER NOT NULL,"
	 " UNIQUE (place_code, name));"
	 "CREATE TABLE case_department_members("
	 " user_id INTEGER PRIMARY KEY,"
	 " department_id INTEGER NOT NULL REFERENCES case_departments(id));"
	 "CREATE TABLE case_resources("
	 " id INTEGER PRIMARY KEY,"
	 " place_code TEXT NOT NULL,"
	 " name TEXT NOT NULL,"
	 " category TEXT NOT NULL,"
	 " contact TEXT NOT NULL DEFAULT '',"
	 " note TEXT NOT NULL DEFAULT '',"
	 " created_by TEXT NOT NULL,"
	 " created_at INTEGER NOT NULL);"
	 "CREATE INDEX case_resources_place ON case_resources(place_code, id);"},
	/* A county's, township's or village's cases newest first, straight from an index: the list
	 * of a village among a million cases read 3,000 rows and sorted them (600 req/s). */
	{2, "cases by county, township and village",
	 "CREATE INDEX cases_county ON cases(substr(place_code, 1, 6), id);"
	 "CREATE INDEX cases_township ON cases(substr(place_code, 1, 9), id);"
	 "CREATE INDEX cases_village ON cases(substr(place_code, 1, 12), id);"},
	/* A list's filters read in the index: status, channel, kind and type ride along with the
	 * id, so a county's "open, by phone" list skips non-matching cases without reading their
	 * rows (SQLite defers the row seek until a term needs a column the index lacks), and reads
	 * only the rows of its page. place_code lets a township's or grid's range be checked there
	 * too. */
	{3, "list filters in the level indexes",
	 "DROP INDEX cases_county;"
	 "DROP INDEX cases_township;"
	 "DROP INDEX cases_village;"
	 "CREATE INDEX cases_county ON cases(substr(place_code, 1, 6), id, place_code, status, channel, kind, type);"
	 "CREATE INDEX cases_township ON cases(substr(place_code, 1, 9), id, place_code, status, channel, kind, type);"
	 "CREATE INDEX cases_village ON cases(substr(place_code, 1, 12), id, place_code, status, channel, kind, type);"},
	/* The search index follows in batches (cases.c, TEXT_BATCH): every case so far is in it. */
	{4, "search index mark",
	 "INSERT INTO meta(key, value) SELECT 'cases.text_indexed', coalesce(max(id), 0) FROM cases WHERE true"
	 " ON CONFLICT(key) DO UPDATE SET value = excluded.value;"},
	/* Every read by place walks a level index (cases.c, level_index); the index by the whole
	 * place code cost each new case one more B-tree page. */
	{5, "no index by the whole place code", "DROP INDEX cases_place;"},
	/* A village's figures are counted from its cases (cases.c, STAT_KEYED_MAX): its breakdown
	 * rows were the most scattered pages of every new case. */
	{6, "no breakdown counters per village", "DELETE FROM case_stats WHERE lvl = 12 AND dim = 'x';"},
	/* The search index merges its segments once 16 lie on a level, not 4: FTS5 merges 64 pages
	 * times the number of levels at a go, inside some unlucky write (20-40 ms with every write
	 * held, 70 times a minute at a million cases), and rewrites the index half as often. A
	 * search reads up to 16 segments a level (medians 0.25-0.9 ms at 1.2M cases,
	 * docs/performance.md). */
	{7, "search index merges 16 segments",
	 "INSERT INTO case_text(case_text, rank) VALUES('automerge', 16);"
	 "INSERT INTO case_text(case_text, rank) VALUES('crisismerge', 64);"},
	/* Counties' and townships' rows of all cases are the sum of their breakdown rows
	 * (cases.c, stat_dim): one row less to change per level for every case. */
	{8, "no rows of all cases per county and township", "DELETE FROM case_stats WHERE dim = '' AND lvl IN (6, 9);"},
	{0},
};
