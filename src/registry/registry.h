/* registry.h — 一户一档: grids, buildings, households and residents of a village, with their
 * personal data protected (docs/modules/registry.md).
 *
 * Scope: every function that reads or writes takes the caller's range (core/scope.h); a
 * record outside it is GZ_E_NOT_FOUND. Writers must run inside a store write job
 * (store_write_run); they record their own audit entries and history. Personal data: citizen
 * ID numbers and phones are stored sealed (core/secret.h) and handed back in clear to the
 * caller, who masks them by role (registry_may_see_*). */
#ifndef GZ_REGISTRY_H
#define GZ_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/error.h"
#include "core/scope.h"
#include "store/store.h"

extern const store_migration registry_migrations[];

enum { REG_NAME_MAX = 50, REG_ADDR_MAX = 200, REG_NOTE_MAX = 500, REG_TAGS_MAX = 16, REG_TAG_MAX = 20 };

#define REG_READ_ROLES (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE | ROLE_SUPERVISOR | ROLE_GRID_WORKER)
#define REG_WRITE_ROLES (ROLE_ADMIN | ROLE_CADRE | ROLE_GRID_WORKER)

/* Who sees personal data in full (others get it masked). */
bool registry_may_see_id(gz_role r);
bool registry_may_see_phone(gz_role r);

typedef struct {
	char code[GZ_CODE_MAX + 1];
	char name[REG_NAME_MAX * 4 + 1];
	char parent_code[GZ_CODE_MAX + 1]; /* village of a grid, grid of a building */
	char parent_name[401];
	char kind[12];                     /* buildings: building | courtyard */
	char address[REG_ADDR_MAX * 4 + 1];
	char note[REG_NOTE_MAX * 4 + 1];
	int64_t buildings, households, residents, care;
} reg_unit;

typedef struct {
	int64_t id;
	char place_code[GZ_CODE_MAX + 1];
	char place_name[401];
	char address[REG_ADDR_MAX * 4 + 1];
	char phone[32];
	int64_t head_id;
	char head_name[REG_NAME_MAX * 4 + 1];
	int64_t members, care;
	int64_t created_at, updated_at;
} reg_household;

typedef struct {
	int64_t id, household_id;
	char place_code[GZ_CODE_MAX + 1];
	char name[REG_NAME_MAX * 4 + 1];
	char gender[8];
	char birth_date[11];
	char id_number[19];
	char phone[32];
	char ethnicity[64];
	char hukou[12];
	char political[64];
	char relation[64];
	char status[12];
	int ntags;
	char tags[REG_TAGS_MAX][REG_TAG_MAX * 4 + 1];
	int64_t created_at, updated_at;
} reg_resident;

/* Input of a resident write; NULL / has_* false = not given (PATCH keeps the value). */
typedef struct {
	int64_t household_id;
	const char *arrival; /* create only: "registered" (default), "birth" or "move_in" — the history's first line */
	const char *name, *gender, *birth_date, *id_number, *phone, *ethnicity, *hukou, *political,
		*relation;
	bool has_tags;
	int ntags;
	const char *tags[REG_TAGS_MAX];
} reg_resident_in;

/* Grids and buildings ----------------------------------------------------------------- */

/* Create the next grid of village (village code + 3 digits). */
gz_err registry_grid_create(store *s, const gz_user *u, const char *village, const char *name,
			    const char *note, reg_unit *out, gz_error *e);
gz_err registry_grid_update(store *s, const gz_user *u, const char *code, const char *name,
			    const char *note, reg_unit *out, gz_error *e);
gz_err registry_grid_get(store *s, const gz_user *u, const char *code, reg_unit *out, gz_error *e);
/* Move a building or courtyard to another grid of the same village: it takes the next code
 * there, and its households, residents, visits and roles follow; old_code is returned. */
gz_err registry_building_move(store *s, const gz_user *u, const char *code, const char *grid, reg_unit *out,
			      char old_code[GZ_CODE_MAX + 1], gz_error *e);
/* Create the next building or courtyard of grid (grid code + 3 digits). */
gz_err registry_building_create(store *s, const gz_user *u, const char *grid, const char *name,
				const char *kind, const char *address, reg_unit *out, gz_error *e);

typedef int (*reg_unit_visit)(void *ctx, const reg_unit *x);
/* Grids (level 6) or buildings (level 7) within range, by code, after `after`. */
gz_err registry_units(store *s, int level, const gz_range *range, const char *after, int limit,
		      reg_unit_visit fn, void *ctx, bool *more, gz_error *e);

/* Households ---------------------------------------------------------------------------- */

gz_err registry_household_create(store *s, const gz_user *u, const char *place_code, const char *address,
				 const char *phone, reg_household *out, gz_error *e);
/* Update; NULL fields are kept. head_id 0 keeps, -1 clears. */
gz_err registry_household_update(store *s, const gz_user *u, int64_t id, const char *address,
				 const char *phone, int64_t head_id, reg_household *out, gz_error *e);
gz_err registry_household_get(store *s, const gz_range *range, int64_t id, reg_household *out, gz_error *e);
typedef int (*reg_household_visit)(void *ctx, const reg_household *h);
/* Households within range whose address or a member's name contains q (NULL: all). */
gz_err registry_households(store *s, const gz_range *range, const char *q, int64_t after, int limit,
			   reg_household_visit fn, void *ctx, bool *more, gz_error *e);

/* Residents ----------------------------------------------------------------------------- */

gz_err registry_resident_create(store *s, const gz_user *u, const reg_resident_in *in, reg_resident *out,
				gz_error *e);
gz_err registry_resident_update(store *s, const gz_user *u, int64_t id, const reg_resident_in *in,
				reg_resident *out, gz_error *e);
gz_err registry_resident_get(store *s, const gz_range *range, int64_t id, reg_resident *out, gz_error *e);

/* A change of a resident's presence, kept as history: "move_out" (迁出), "death" (死亡),
 * "return" (迁回, a moved-out resident present again), "transfer" (分户/并户: into household
 * to_household, within scope). date: YYYY-MM-DD, not in the future; note: up to 200
 * characters (e.g. where to). A transition not allowed now (a deceased resident moving) is
 * GZ_E_CONFLICT with the reason. A head who leaves stops being the head. */
gz_err registry_resident_event(store *s, const gz_user *u, int64_t id, const char *kind, const char *date,
			       const char *note, int64_t to_household, reg_resident *out, gz_error *e);

typedef struct {
	const char *q;         /* name contains */
	const char *phone4;    /* last four digits */
	const char *id_number; /* exact */
	const char *tag;
	const char *status;
	int64_t household_id;  /* 0: any */
} reg_resident_filter;
typedef int (*reg_resident_visit)(void *ctx, const reg_resident *r);
gz_err registry_residents(store *s, const gz_range *range, const reg_resident_filter *f, int64_t after,
			  int limit, reg_resident_visit fn, void *ctx, bool *more, gz_error *e);

/* History of a household's members, newest first. */
typedef struct {
	int64_t id, resident_id, at;
	char resident_name[REG_NAME_MAX * 4 + 1];
	char kind[16];
	char actor[AUTH_NAME_MAX + 1];
	char detail[512];
} reg_event;
typedef int (*reg_event_visit)(void *ctx, const reg_event *ev);
gz_err registry_events(store *s, int64_t household_id, int limit, reg_event_visit fn, void *ctx, gz_error *e);

/* Grid roles ------------------------------------------------------------------------------ */

typedef struct {
	int64_t id;
	char place_code[GZ_CODE_MAX + 1];
	char place_name[401];
	char role[16];
	int64_t resident_id, user_id;
	char holder_name[REG_NAME_MAX * 4 + 1];
	int64_t since_at, until_at; /* until_at 0: current */
} reg_grid_role;

/* Assign a role at place (instructor: village or grid; leader, member: grid; group_leader:
 * grid or village; building_leader: building) to a resident of the village (resident_id) or a
 * staff account whose scope covers the place (user_id); exactly one of them. */
gz_err registry_role_assign(store *s, const gz_user *u, const char *pc, const char *role, int64_t resident_id,
			    int64_t user_id, reg_grid_role *out, gz_error *e);
/* End an assignment (kept as history). */
gz_err registry_role_end(store *s, const gz_user *u, int64_t id, reg_grid_role *out, gz_error *e);
typedef int (*reg_role_visit)(void *ctx, const reg_grid_role *x);
/* Assignments within range (current only unless history), by id after `after`, a page of limit. */
gz_err registry_roles(store *s, const gz_range *range, bool history, int64_t after, int limit, reg_role_visit fn,
		      void *ctx, bool *more, gz_error *e);

/* Home visits (入户走访) ------------------------------------------------------------------ */

typedef struct {
	int64_t id, household_id;
	char place_code[GZ_CODE_MAX + 1];
	char address[REG_ADDR_MAX * 4 + 1];
	char visited_on[11];
	char visitor[AUTH_NAME_MAX + 1];
	char findings[2001 * 4];
	bool follow_up;
	int64_t created_at;
	int64_t resolved_at; /* 0: open (when follow_up) */
	char resolved_by[AUTH_NAME_MAX + 1];
	char resolution[REG_NOTE_MAX * 4 + 1];
} reg_visit;

enum { REG_FINDINGS_MAX = 2000 };

gz_err registry_visit_add(store *s, const gz_user *u, int64_t household_id, const char *visited_on,
			  const char *findings, bool follow_up, reg_visit *out, gz_error *e);
/* Close a visit's follow-up, saying what was done (1–500 characters). GZ_E_CONFLICT when the
 * visit needed no follow-up or was already closed. */
gz_err registry_visit_resolve(store *s, const gz_user *u, int64_t id, const char *resolution, reg_visit *out, gz_error *e);
typedef int (*reg_visit_visit)(void *ctx, const reg_visit *v);
/* Visits within range (household_id 0: all), newest first, before id `before` (0: from the newest);
 * follow_up_only: the follow-ups still open. */
gz_err registry_visits(store *s, const gz_range *range, int64_t household_id, bool follow_up_only, int64_t before,
		       int limit, reg_visit_visit fn, void *ctx, bool *more, gz_error *e);
/* Households within range not visited in the last `days` days (never visited first), with the
 * date of their last visit ("" when never). */
typedef int (*reg_unvisited_visit)(void *ctx, const reg_household *h, const char *last_visit);
gz_err registry_unvisited(store *s, const gz_range *range, int days, int64_t after, int limit,
			  reg_unvisited_visit fn, void *ctx, bool *more, gz_error *e);

/* Care tags ------------------------------------------------------------------------------ */
typedef int (*reg_tag_visit)(void *ctx, const char *tag, int64_t residents);
gz_err registry_tags(store *s, const gz_range *range, reg_tag_visit fn, void *ctx, gz_error *e);
gz_err registry_tag_add(store *s, const gz_user *u, const char *tag, gz_error *e);

/* Spreadsheets ------------------------------------------------------------------------------ */

enum { REG_COLS = 12, REG_IMPORT_MAX_ROWS = 200000, REG_IMPORT_MAX_ERRORS = 10000 };

/* Chinese header of column i of the template / export / import. */
const char *registry_column(int i);

/* The import template (XLSX with a second sheet of instructions, or CSV), as a readable,
 * already unlinked temporary file; *fd_out is the caller's to close. */
gz_err registry_template(bool xlsx, int *fd_out, gz_error *e);

/* Residents present within range as a register (XLSX in constant memory, or CSV with a BOM),
 * ID numbers and phones masked unless u's role may see them; *rows counts the residents. */
gz_err registry_export(store *s, const gz_user *u, const gz_range *range, bool xlsx, int *fd_out, int64_t *rows,
		       gz_error *e);

typedef struct {
	long row;             /* as the spreadsheet numbers it */
	char field[32];       /* the column's Chinese name */
	char message[200];    /* why, in Chinese */
} reg_import_error;

typedef struct {
	bool all_or_nothing;
	int64_t rows, imported, rejected, households_created;
	int nerrors; /* at most REG_IMPORT_MAX_ERRORS listed; rejected counts them all */
	reg_import_error errors[REG_IMPORT_MAX_ERRORS];
} reg_import_report;

/* Import residents from an XLSX or CSV file laid out like the template, into default_place (a
 * village, grid or building) unless a row names its grid or building. Rows with the same place
 * and address form one household (an existing one is reused). Every row is checked; with
 * all_or_nothing nothing is written when any row is bad, otherwise the good rows are. Never half
 * of a row. Runs as one store write job. GZ_OK with the report even when rows were rejected;
 * an error only when the file itself cannot be read. rep is large: allocate it. */
gz_err registry_import(store *s, const gz_user *u, const char *default_place, const void *data, size_t n,
		       bool all_or_nothing, reg_import_report *rep, gz_error *e);

/* For the importer: check a resident about to be added at place/address without writing
 * (personal data, tags, the place in scope, the ID number not yet registered); idn receives the
 * normalised ID number ("" when none). */
gz_err registry_resident_check(store *s, const gz_user *u, const reg_resident_in *in, const char *pc,
			       const char *address, char idn[19], gz_error *e);
/* The household at place with exactly this address, or 0. */
int64_t registry_household_find(store *s, const char *pc, const char *address);
/* Insert a checked resident into in->household_id (at place) with its tags and history. */
gz_err registry_resident_insert(store *s, const gz_user *u, const reg_resident_in *in, const char *pc,
				gz_error *e);

/* Age in whole years on today's date (Asia/Shanghai) of a YYYY-MM-DD birth date. */
int registry_age(const char *birth_date);

/* The electorate of a place for quorum rules (council): residents present in range born on or
 * before adult_born_by (YYYY-MM-DD, the date 18 years before the meeting day) in *adults, and
 * households in range with at least one present resident in *households. The caller has
 * checked scope (range is the meeting's place). */
gz_err registry_electorate(store *s, const gz_range *range, const char *adult_born_by, int64_t *adults,
			   int64_t *households, gz_error *e);

#endif
