/* auth_migrations.c — the auth module's numbered schema changes. Append only: a landed
 * migration never changes; a new one takes the next number. */
#include "auth/auth.h"

const store_migration auth_migrations[] = {
	{1, "users and sessions",
	 "CREATE TABLE users("
	 " id INTEGER PRIMARY KEY,"
	 " username TEXT NOT NULL UNIQUE,"
	 " display_name TEXT NOT NULL DEFAULT '',"
	 " role TEXT NOT NULL,"
	 " scope_code TEXT NOT NULL,"
	 " password_hash TEXT NOT NULL,"
	 " created_at INTEGER NOT NULL,"
	 " disabled INTEGER NOT NULL DEFAULT 0);"
	 "CREATE INDEX users_scope ON users(scope_code);"
	 /* Only hashes of tokens are stored: a copy of the database opens no session. */
	 "CREATE TABLE sessions("
	 " token_hash BLOB PRIMARY KEY,"
	 " user_id INTEGER NOT NULL REFERENCES users(id),"
	 " csrf_hash BLOB NOT NULL,"
	 " created_at INTEGER NOT NULL,"
	 " expires_at INTEGER NOT NULL,"
	 " client TEXT) WITHOUT ROWID;"
	 "CREATE INDEX sessions_expiry ON sessions(expires_at);"},
	{2, "resident accounts",
	 /* A resident account sees its own household only (registry module). */
	 "ALTER TABLE users ADD COLUMN household_id INTEGER;"},
	{0},
};
