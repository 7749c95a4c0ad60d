/* board.h — the public board (公开栏) of a village or community and the 四议两公开 procedure
 * (docs/modules/board.md).
 *
 * Entries are published, never edited: a correction is a new entry pointing to the one it
 * corrects. Each place's entries form a hash chain — every entry's BLAKE2b-256 hash
 * (crypto_generichash) covers its content, its metadata and the previous entry's hash, and the
 * place's head (last sequence number and hash) is kept beside them — so board_verify finds any
 * entry changed, deleted or inserted behind the platform's back.
 *
 * Contract: every function that takes a caller (gz_user) checks role and scope itself — a
 * record outside the caller's subtree is GZ_E_NOT_FOUND. Writers take `now` instead of reading
 * the clock and must run inside a store write job (store_write_run); they do not write the audit
 * log (the HTTP dispatcher or the CLI does). Visitors get records whose strings live until the
 * visitor returns. */
#ifndef GZ_BOARD_H
#define GZ_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/error.h"
#include "core/scope.h"
#include "store/store.h"

extern const store_migration board_migrations[];

enum {
	BOARD_TITLE_MAX = 100,       /* characters */
	BOARD_BODY_MAX = 10000,
	BOARD_ATTACH_MAX = 200,      /* an attachment reference: a file name, an archive number, a URL */
	BOARD_REASON_MAX = 500,
	BOARD_HASH_HEX = 64,         /* BLAKE2b-256 in hex */
	BOARD_RULE_SOURCE_MAX = 300,
	BOARD_COUNT_MAX = 10000000,  /* a vote count or a number of members */
};

/* Who may publish: cadres, officials and admins in their scope; the supervision committee
 * (supervisor) publishes its own reports (category "supervision") and nothing else — it
 * supervises 村务公开 (Art. 32), it does not publish the committees' affairs for them. */
#define BOARD_PUBLISH_ROLES (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE | ROLE_SUPERVISOR)
#define BOARD_READ_ROLES (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE | ROLE_SUPERVISOR | ROLE_GRID_WORKER)
#define BOARD_MANAGE_ROLES (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE)

/* Categories (API words), NULL-terminated: party 党务, village 村务/居务, finance 财务,
 * procedure 四议两公开 (only through a procedure's 公开 steps), resolution 决议, briefing 村情发布会
 * 答复, policy 政策宣传, supervision 村务监督委员会. */
extern const char *const board_categories[];
int board_word(const char *const *list, const char *w);

/* Whether a village-level code is a community (居委会): NBS village-level codes 001–199 are
 * 居民委员会, 200–399 村民委员会. */
bool board_is_community(const char *code);

/* --- entries ----------------------------------------------------------------------------- */

typedef struct {
	int64_t id, seq;
	const char *place_code, *place_name, *category, *title, *body, *period, *attachment, *reason;
	int64_t corrects, corrected_by; /* 0 = none */
	int64_t procedure_id, case_id;  /* 0 = none */
	int procedure_step;             /* 0 = none, else 5 or 6 */
	int64_t resolution_id;          /* 0 = none: the council resolution it publishes */
	const char *publisher, *publisher_name, *publisher_role;
	int64_t published_at;
	const char *prev_hash, *hash;
} board_entry;

typedef struct {
	const char *place_code, *category, *title, *body;
	const char *period, *attachment; /* optional (NULL): "YYYY-MM", "YYYY-Qn" or "YYYY" */
	int64_t case_id;                 /* optional: the briefing question (a case) it answers */
	int64_t corrects;                /* a correction: the entry it corrects */
	const char *reason;              /* required with corrects */
	int64_t resolution_id;           /* category resolution only: the council resolution it publishes
	                                  * (set by the council module, which checks the resolution; the
	                                  * board's own routes never take it). A correction keeps the
	                                  * corrected entry's. */
} board_new;

/* Publish one entry (or a correction when in->corrects is set: same place and category, the
 * corrected entry not yet corrected). *id_out and *seq_out get the new entry's id and sequence
 * number; hash_out (BOARD_HASH_HEX + 1) its hash. */
gz_err board_publish(store *s, const gz_user *u, const board_new *in, int64_t now, int64_t *id_out, int64_t *seq_out,
		     char *hash_out, gz_error *e);

typedef int (*board_entry_visit)(void *ctx, const board_entry *en);

/* One entry by id, for a caller (u) or for the public (u NULL: any place's entry). */
gz_err board_entry_get(store *s, const gz_user *u, int64_t id, board_entry_visit fn, void *ctx, gz_error *e);

typedef struct {
	gz_range range;
	const char *category; /* NULL: all */
	int64_t before;       /* cursor: entries with id below it (0: from the newest) */
	int limit;
} board_filter;

/* Entries in the range, newest first; *more tells whether another page exists. */
gz_err board_entries(store *s, const board_filter *f, board_entry_visit fn, void *ctx, bool *more, gz_error *e);

/* The board's answers to a case (村情发布会答复 and any entry published with its case_id, their
 * corrections included), newest first. Scoped like the case itself: for staff (u) the case
 * must be visible to u as the cases module decides (cases_get) — else GZ_E_NOT_FOUND, as for an
 * unknown case; for the public (u NULL) the case is named by its tracking code (any case; case
 * insensitive), else GZ_E_NOT_FOUND. *case_out (may be NULL) gets the case's id. */
enum { BOARD_CASE_ANSWERS_MAX = 50 }; /* a page of answers */
typedef struct {
	int64_t case_id;      /* staff */
	const char *tracking; /* the public (u NULL) */
	int64_t before;       /* cursor: entries with id below it (0: from the newest) */
	int limit;            /* 1..BOARD_CASE_ANSWERS_MAX (0: the most) */
} board_case_filter;
gz_err board_case_answers(store *s, const gz_user *u, const board_case_filter *f, int64_t now, board_entry_visit fn,
			  void *ctx, bool *more, int64_t *case_out, gz_error *e);

/* --- the chain ----------------------------------------------------------------------------- */

typedef enum { BOARD_CHANGED = 1, BOARD_DELETED, BOARD_INSERTED } board_problem_kind;
typedef struct {
	board_problem_kind kind;
	const char *place_code;
	int64_t seq, id; /* id 0 when the row is gone */
	const char *what;
} board_problem;
typedef void (*board_problem_visit)(void *ctx, const board_problem *p);

typedef struct {
	int64_t places, entries, problems;
	char head_hash[BOARD_HASH_HEX + 1]; /* with a single place: its head */
	int64_t head_seq;
} board_verify_stats;

/* Re-compute every chain of the places in range and compare it with the stored hashes and
 * heads; every problem is handed to fn (may be NULL). */
gz_err board_verify(store *s, const gz_range *range, board_problem_visit fn, void *ctx, board_verify_stats *st,
		    gz_error *e);

/* The hash of one entry's fields (exposed for tests): out gets BOARD_HASH_HEX + 1 bytes. */
void board_hash(const board_entry *en, char *out);

/* --- settings and the schedule (Art. 30) ----------------------------------------------------- */

typedef struct {
	bool art30;          /* whether the schedule applies (villages yes, communities no by default) */
	bool finance_frequent; /* finance monthly instead of with the general items */
	int general_months;  /* general items at least every … months (3: quarterly) */
	int major_days;      /* major items: published within … days of the resolution */
	char set_at[GZ_CODE_MAX + 1]; /* the place whose setting applies ("" = default) */
} board_settings;

void board_settings_of(store *s, const char *code, board_settings *out);
/* Save a setting for a place (any level: a county's setting holds for its villages). */
gz_err board_settings_set(store *s, const gz_user *u, const char *code, const board_settings *in, int64_t now,
			  gz_error *e);

typedef struct {
	const char *place_code, *place_name;
	const char *item;         /* "general", "finance" or "major" */
	const char *last;         /* last publication date (YYYY-MM-DD) or "" when never */
	const char *since;        /* late since (YYYY-MM-DD); "" when never published at all */
	int64_t procedure_id;     /* "major": the procedure whose resolution waits */
	const char *title;        /* "major": its title */
} board_late;
typedef int (*board_late_visit)(void *ctx, const board_late *l);

/* The villages and communities in range that are late on `today` (YYYY-MM-DD, Asia/Shanghai),
 * after the code `after` (NULL: from the first), one call of fn per late item. At most
 * `scan` places are examined; next_after (GZ_CODE_MAX + 1) gets the last code examined when
 * more remain ("" when done). */
gz_err board_schedule(store *s, const gz_range *range, const char *today, const char *after, int scan,
		      board_late_visit fn, void *ctx, char *next_after, gz_error *e);

/* --- 四议两公开 ------------------------------------------------------------------------------ */

enum {
	BOARD_STEP_PROPOSAL = 1,  /* 党支部提议 */
	BOARD_STEP_CONSULT,       /* 两委商议 */
	BOARD_STEP_REVIEW,        /* 党员大会审议 */
	BOARD_STEP_RESOLVE,       /* 村民代表会议 / 村民会议决议 */
	BOARD_STEP_PUBLISH,       /* 决议公开 */
	BOARD_STEP_RESULT,        /* 实施结果公开 */
	BOARD_STEPS = 6,
};
/* Step words (index 1..6; [0] unused), NULL-terminated. */
extern const char *const board_steps[];

/* A vote rule as data: quorum `present ⋛ num/den × due`, passing `for ⋛ num/den × base`
 * (base: those present or those due to attend), with the source it cites. */
typedef struct {
	char meeting[16]; /* committees, party, representatives, villagers */
	int quorum_num, quorum_den;
	bool quorum_strict; /* true: more than (过半数); false: at least (以上) */
	int pass_num, pass_den;
	bool pass_strict;
	bool pass_of_due;   /* true: of those due to attend; false: of those present */
	char source[BOARD_RULE_SOURCE_MAX * 4 + 1];
	char set_at[GZ_CODE_MAX + 1]; /* "" = the national default */
	bool law;           /* the Organic Law's rule, from the council module's table (council_rules):
	                     * representatives (Art. 26) and villagers (Art. 22); not set locally */
} board_rule;
/* Meeting words, NULL-terminated. */
extern const char *const board_meetings[];

/* The rule for a meeting at a place: for committees and party the longest prefix that has one
 * (policy, board_rules); for representatives and villagers the law's (board_law_rule). */
gz_err board_rule_of(store *s, const char *code, const char *meeting, board_rule *out, gz_error *e);
/* The law's rule of a 村民代表会议 (representatives: council's village_reps, Art. 26) or 村民会议
 * (villagers: council's village_assembly, Art. 22 — its adults alternative, or with households its
 * households one), built from council_rules so that the law is written once. false for another
 * meeting. */
bool board_law_rule(const char *meeting, bool households, board_rule *out);
gz_err board_rule_set(store *s, const gz_user *u, const char *code, const board_rule *in, int64_t now, gz_error *e);

typedef struct {
	int64_t votes_for, against, abstain, present, due;
	bool households; /* a villagers' meeting counted by households (Art. 22: 三分之二以上的户的代表) */
} board_votes;

/* Apply a rule: GZ_E_QUORUM_NOT_MET (with the numbers) when too few attended, GZ_E_INVALID_VALUE
 * when the counts do not add up; otherwise GZ_OK and *passed. */
gz_err board_rule_apply(const board_rule *r, const board_votes *v, bool *passed, gz_error *e);

typedef struct {
	int step;                  /* 1..6 */
	const char *held_on;       /* YYYY-MM-DD */
	const char *document, *attachment;
	const char *meeting;       /* step 4: "representatives" or "villagers" */
	bool has_votes;
	board_votes votes;         /* steps 2–4 */
} board_step_in;

/* Start a procedure with its proposal (step 1) at a village. *id_out gets its id. */
gz_err board_procedure_create(store *s, const gz_user *u, const char *place_code, const char *title,
			      const board_step_in *proposal, int64_t now, int64_t *id_out, gz_error *e);
/* Record the next step. A step out of order, or after a failed vote, is GZ_E_CONFLICT with the
 * reason; the two 公开 steps publish a board entry (category "procedure") linked both ways.
 * *entry_out gets that entry's id (0 for other steps). */
gz_err board_procedure_step(store *s, const gz_user *u, int64_t id, const board_step_in *in, int64_t now,
			    int64_t *entry_out, gz_error *e);

typedef struct {
	int64_t id;
	const char *place_code, *place_name, *title, *status; /* open, rejected, done */
	int next_step;                                        /* 0 when ended */
	const char *created_by;
	int64_t created_at, updated_at;
} board_procedure;

typedef struct {
	int step;
	const char *held_on, *document, *attachment, *meeting, *rule_source, *recorded_by;
	bool has_votes, passed;
	board_votes votes;
	int64_t entry_id, recorded_at;
} board_step;

typedef int (*board_procedure_visit)(void *ctx, const board_procedure *p);
typedef int (*board_step_visit)(void *ctx, const board_step *st);

gz_err board_procedure_get(store *s, const gz_user *u, int64_t id, board_procedure_visit fn, void *ctx, gz_error *e);
gz_err board_procedure_steps(store *s, int64_t id, board_step_visit fn, void *ctx, gz_error *e);
/* Procedures in range, newest first, with ids below `before` (0: from the newest). */
gz_err board_procedures(store *s, const gz_range *range, int64_t before, int limit, board_procedure_visit fn,
			void *ctx, bool *more, gz_error *e);

#endif
