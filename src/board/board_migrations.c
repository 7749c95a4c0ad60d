/* board_migrations.c — the board module's numbered schema changes (never edited once landed). */
#include "board/board.h"

const store_migration board_migrations[] = {
	{1, "board",
	 /* One row per published entry, never updated. seq numbers a place's entries 1, 2, 3 …;
	  * prev_hash is the hash of entry seq-1 (64 zeros for the first), hash covers this row's
	  * content, metadata and prev_hash (board_hash). The head of each place's chain is kept in
	  * board_heads, so that deleting the newest entry is seen too. */
	 "CREATE TABLE board_entries("
	 " id INTEGER PRIMARY KEY,"
	 " place_code TEXT NOT NULL,"
	 " seq INTEGER NOT NULL,"
	 " category TEXT NOT NULL,"
	 " title TEXT NOT NULL,"
	 " body TEXT NOT NULL,"
	 " period TEXT NOT NULL DEFAULT '',"
	 " attachment TEXT NOT NULL DEFAULT '',"
	 " corrects INTEGER,"
	 " reason TEXT NOT NULL DEFAULT '',"
	 " procedure_id INTEGER,"
	 " procedure_step INTEGER,"
	 " case_id INTEGER,"
	 " publisher TEXT NOT NULL,"
	 " publisher_name TEXT NOT NULL,"
	 " publisher_role TEXT NOT NULL,"
	 " published_at INTEGER NOT NULL,"
	 " prev_hash TEXT NOT NULL,"
	 " hash TEXT NOT NULL,"
	 " UNIQUE(place_code, seq));"
	 "CREATE INDEX board_entries_place ON board_entries(place_code, id);"
	 "CREATE INDEX board_entries_category ON board_entries(place_code, category, published_at);"
	 "CREATE UNIQUE INDEX board_entries_corrects ON board_entries(corrects) WHERE corrects IS NOT NULL;"
	 "CREATE TABLE board_heads("
	 " place_code TEXT PRIMARY KEY,"
	 " seq INTEGER NOT NULL,"
	 " hash TEXT NOT NULL,"
	 " updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	 /* Art. 30's schedule as policy per place (the longest prefix that has a row applies). */
	 "CREATE TABLE board_settings("
	 " place_code TEXT PRIMARY KEY,"
	 " art30 INTEGER NOT NULL,"
	 " finance_frequent INTEGER NOT NULL,"
	 " general_months INTEGER NOT NULL,"
	 " major_days INTEGER NOT NULL,"
	 " updated_by TEXT NOT NULL,"
	 " updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	 /* Vote rules of the 四议两公开 meetings as data, each citing its source; place_code ''
	  * holds the defaults, a place's row overrides them for its subtree. */
	 "CREATE TABLE board_rules("
	 " place_code TEXT NOT NULL,"
	 " meeting TEXT NOT NULL,"
	 " quorum_num INTEGER NOT NULL,"
	 " quorum_den INTEGER NOT NULL,"
	 " quorum_strict INTEGER NOT NULL,"
	 " pass_num INTEGER NOT NULL,"
	 " pass_den INTEGER NOT NULL,"
	 " pass_strict INTEGER NOT NULL,"
	 " pass_of_due INTEGER NOT NULL,"
	 " source TEXT NOT NULL,"
	 " updated_by TEXT NOT NULL,"
	 " updated_at INTEGER NOT NULL,"
	 " PRIMARY KEY(place_code, meeting)) WITHOUT ROWID;"
	 "INSERT INTO board_rules VALUES"
	 " ('', 'committees', 1, 2, 1, 1, 2, 1, 0,"
	 "  '村“两委”联席会议：过半数成员到会，到会成员过半数同意（民主集中制的通行做法，非法定，按本地规定修改）', 'migration', 0),"
	 " ('', 'party', 2, 3, 0, 1, 2, 1, 1,"
	 "  '党员大会：应到会党员三分之二以上到会，所议事项经应到会党员过半数同意（一地规定，因地而异，见 LAW.md 5.3）', 'migration', 0),"
	 " ('', 'representatives', 2, 3, 0, 1, 2, 1, 0,"
	 "  '村民委员会组织法第二十六条：村民代表会议有三分之二以上的组成人员参加方可召开，所作决定应当经到会人员的过半数同意', 'migration', 0),"
	 " ('', 'villagers', 1, 2, 1, 1, 2, 1, 0,"
	 "  '村民委员会组织法第二十二条：本村十八周岁以上村民的过半数参加，或者本村三分之二以上的户的代表参加，所作决定应当经到会人员的过半数通过（按户计时，应到、实到填户数）', 'migration', 0);"
	 /* 四议两公开: one row per procedure, one per recorded step. */
	 "CREATE TABLE board_procedures("
	 " id INTEGER PRIMARY KEY,"
	 " place_code TEXT NOT NULL,"
	 " title TEXT NOT NULL,"
	 " status TEXT NOT NULL,"
	 " next_step INTEGER NOT NULL,"
	 " created_by TEXT NOT NULL,"
	 " created_at INTEGER NOT NULL,"
	 " updated_at INTEGER NOT NULL);"
	 "CREATE INDEX board_procedures_place ON board_procedures(place_code, id);"
	 "CREATE TABLE board_steps("
	 " procedure_id INTEGER NOT NULL REFERENCES board_procedures(id),"
	 " step INTEGER NOT NULL,"
	 " held_on TEXT NOT NULL,"
	 " document TEXT NOT NULL,"
	 " attachment TEXT NOT NULL DEFAULT '',"
	 " meeting TEXT NOT NULL DEFAULT '',"
	 " votes_for INTEGER, against INTEGER, abstain INTEGER, present INTEGER, due INTEGER,"
	 " passed INTEGER NOT NULL DEFAULT 1,"
	 " rule_source TEXT NOT NULL DEFAULT '',"
	 " entry_id INTEGER,"
	 " recorded_by TEXT NOT NULL,"
	 " recorded_at INTEGER NOT NULL,"
	 " PRIMARY KEY(procedure_id, step)) WITHOUT ROWID;"},
	/* The answers to a case (GET /board/cases/{id}, /public/board/cases/{tracking}) read by case. */
	{2, "board answers by case",
	 "CREATE INDEX board_entries_case ON board_entries(case_id, id) WHERE case_id IS NOT NULL;"},
	/* A resolution of a council meeting published on the board (category resolution: the
	 * resolution itself, or its implementation result) names it; the council module keeps the
	 * other direction (council_resolution_entries). */
	{3, "entries name a council resolution",
	 "ALTER TABLE board_entries ADD COLUMN resolution_id INTEGER;"
	 "CREATE INDEX board_entries_resolution ON board_entries(resolution_id, id) WHERE resolution_id IS NOT NULL;"},
	/* The 村民代表会议 and 村民会议 rules are the Organic Law's (Arts. 26 and 22) and come from the
	 * council module's table (board_law_rule): their rows here, and any place's override of them,
	 * go — a place cannot set the law aside. */
	{4, "the law's meeting rules from council",
	 "DELETE FROM board_rules WHERE meeting IN ('representatives', 'villagers');"},
	{0},
};
