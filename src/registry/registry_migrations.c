/* registry_migrations.c — the registry module's numbered schema changes. Append only. */
#include "registry/registry.h"

const store_migration registry_migrations[] = {
	{1, "grids, buildings, households, residents",
	 /* Grids and buildings are places (levels 6 and 7); these tables hold what only they have. */
	 "CREATE TABLE grids("
	 " code TEXT PRIMARY KEY,"
	 " note TEXT NOT NULL DEFAULT '',"
	 " created_at INTEGER NOT NULL) WITHOUT ROWID;"
	 "CREATE TABLE buildings("
	 " code TEXT PRIMARY KEY,"
	 " kind TEXT NOT NULL CHECK (kind IN ('building', 'courtyard')),"
	 " address TEXT NOT NULL DEFAULT '',"
	 " created_at INTEGER NOT NULL) WITHOUT ROWID;"
	 "CREATE TABLE households("
	 " id INTEGER PRIMARY KEY,"
	 " place_code TEXT NOT NULL,"
	 " address TEXT NOT NULL,"
	 " phone_enc BLOB,"
	 " head_id INTEGER,"
	 " created_at INTEGER NOT NULL,"
	 " updated_at INTEGER NOT NULL);"
	 "CREATE INDEX households_place ON households(place_code, id);"
	 /* Personal data: id_enc and phone_enc are secretbox values (core/secret.h); id_hash is a
	  * keyed hash for exact lookup; phone_last4 serves the 'last four digits' search. */
	 "CREATE TABLE residents("
	 " id INTEGER PRIMARY KEY,"
	 " household_id INTEGER NOT NULL REFERENCES households(id),"
	 " place_code TEXT NOT NULL,"
	 " name TEXT NOT NULL,"
	 " gender TEXT NOT NULL CHECK (gender IN ('male', 'female')),"
	 " birth_date TEXT NOT NULL,"
	 " id_enc BLOB,"
	 " id_hash BLOB UNIQUE,"
	 " phone_enc BLOB,"
	 " phone_last4 TEXT,"
	 " ethnicity TEXT NOT NULL DEFAULT '',"
	 " hukou TEXT NOT NULL DEFAULT '',"
	 " political TEXT NOT NULL DEFAULT '',"
	 " relation TEXT NOT NULL,"
	 " status TEXT NOT NULL DEFAULT 'present' CHECK (status IN ('present', 'moved_out', 'deceased')),"
	 " created_at INTEGER NOT NULL,"
	 " updated_at INTEGER NOT NULL);"
	 "CREATE INDEX residents_place ON residents(place_code, id);"
	 "CREATE INDEX residents_household ON residents(household_id);"
	 "CREATE INDEX residents_phone4 ON residents(phone_last4, place_code);"
	 "CREATE TABLE care_tags(tag TEXT PRIMARY KEY, sort INTEGER NOT NULL) WITHOUT ROWID;"
	 "INSERT INTO care_tags VALUES ('老年人',1),('留守儿童',2),('残疾人',3),('低保',4),('特困',5),"
	 " ('易地搬迁',6),('移民',7),('流动人口',8),('退役军人',9);"
	 "CREATE TABLE resident_tags("
	 " resident_id INTEGER NOT NULL REFERENCES residents(id),"
	 " tag TEXT NOT NULL REFERENCES care_tags(tag),"
	 " PRIMARY KEY (resident_id, tag)) WITHOUT ROWID;"
	 "CREATE INDEX resident_tags_tag ON resident_tags(tag, resident_id);"
	 /* History: never a silent overwrite. detail names what changed (no personal data). */
	 "CREATE TABLE resident_events("
	 " id INTEGER PRIMARY KEY,"
	 " resident_id INTEGER NOT NULL,"
	 " household_id INTEGER NOT NULL,"
	 " at INTEGER NOT NULL,"
	 " kind TEXT NOT NULL,"
	 " actor TEXT NOT NULL,"
	 " detail TEXT);"
	 "CREATE INDEX resident_events_household ON resident_events(household_id, id);"},
	{2, "grid roles and home visits",
	 /* The five grid roles (seed 004). A holder is a resident or a staff account; ending an
	  * assignment keeps it as history (until_at). */
	 "CREATE TABLE grid_roles("
	 " id INTEGER PRIMARY KEY,"
	 " place_code TEXT NOT NULL,"
	 " role TEXT NOT NULL CHECK (role IN ('instructor', 'leader', 'member', 'group_leader', 'building_leader')),"
	 " resident_id INTEGER REFERENCES residents(id),"
	 " user_id INTEGER REFERENCES users(id),"
	 " holder_name TEXT NOT NULL,"
	 " since_at INTEGER NOT NULL,"
	 " until_at INTEGER,"
	 " CHECK ((resident_id IS NULL) <> (user_id IS NULL)));"
	 "CREATE INDEX grid_roles_place ON grid_roles(place_code, id);"
	 "CREATE TABLE visits("
	 " id INTEGER PRIMARY KEY,"
	 " household_id INTEGER NOT NULL REFERENCES households(id),"
	 " place_code TEXT NOT NULL,"
	 " visited_on TEXT NOT NULL,"
	 " visitor_id INTEGER NOT NULL,"
	 " visitor TEXT NOT NULL,"
	 " findings TEXT NOT NULL,"
	 " follow_up INTEGER NOT NULL DEFAULT 0,"
	 " created_at INTEGER NOT NULL);"
	 "CREATE INDEX visits_place ON visits(place_code, id);"
	 "CREATE INDEX visits_household ON visits(household_id, visited_on);"},
	{3, "households by address",
	 /* The importer finds an existing household by place and address. */
	 "CREATE INDEX households_address ON households(place_code, address);"},
	{4, "residents by name",
	 /* Name search matches from the start of the name (surname first) through this index. */
	 "CREATE INDEX residents_name ON residents(name, place_code);"},
	{5, "follow-ups resolved",
	 /* A visit that needed following up is closed by saying what was done, not by erasing the flag. */
	 "ALTER TABLE visits ADD COLUMN resolved_at INTEGER;"
	 "ALTER TABLE visits ADD COLUMN resolved_by TEXT;"
	 "ALTER TABLE visits ADD COLUMN resolution TEXT;"},
	{0},
};
