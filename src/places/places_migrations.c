/* places_migrations.c — the places module's numbered schema changes. Append only: a landed
 * migration never changes; a new one takes the next number. */
#include "places/places.h"

const store_migration places_migrations[] = {
	{1, "places",
	 /* (level, code) as the key: a level's places in a subtree are one contiguous range, so
	  * children, counts and scoped searches are index range scans. */
	 "CREATE TABLE places("
	 " level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 7),"
	 " code TEXT NOT NULL,"
	 " name TEXT NOT NULL,"
	 " PRIMARY KEY (level, code)"
	 ") WITHOUT ROWID;"},
	{0},
};
