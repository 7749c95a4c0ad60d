/* council.h — deliberation (议事协商): meetings of every form, their agenda from the consultation
 * catalogue, attendance and quorum computed from the registry by the law's rules, open and
 * secret votes, resolutions (docs/modules/council.md).
 *
 * The rules are data: council_rules[] names, for every meeting type, the article it applies,
 * the bases of its quorum (alternatives: any one met is enough), each a fraction with a strict
 * ("过半数": more than) or inclusive ("以上": at least) flag, and the decision rule. They are
 * computed with integer arithmetic only (council_meets).
 *
 * Contract: every function takes the caller and checks scope itself — a meeting outside the
 * caller's subtree is GZ_E_NOT_FOUND (a resident sees the meetings of the places above their
 * household). Writers take `now`, must run inside a store write job and do not write the audit
 * log of the HTTP request (the dispatcher does). Out-parameters are filled on GZ_OK only.
 *
 * Secret ballots: who voted (council_voted: vote, resident) and what was voted
 * (council_ballots: vote, a random key, the choice) are two tables without any linking column,
 * without times, both WITHOUT ROWID so that neither keeps an insertion order: the voters'
 * table is ordered by resident, the ballots' by a random key. */
#ifndef GZ_COUNCIL_H
#define GZ_COUNCIL_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/error.h"
#include "core/scope.h"
#include "store/store.h"

extern const store_migration council_migrations[];

enum {
	COUNCIL_TITLE_MAX = 100, /* characters */
	COUNCIL_VENUE_MAX = 100,
	COUNCIL_TEXT_MAX = 2000,
	COUNCIL_MINUTES_MAX = 20000,
	COUNCIL_AGENDA_MAX = 30,     /* items per meeting */
	COUNCIL_VOTES_MAX = 30,      /* votes per meeting */
	COUNCIL_LIST_MAX = 500,      /* attendees listed with a meeting (all are counted) */
	COUNCIL_TOKEN_LEN = 22,      /* check-in token of the QR code: base64url of 16 bytes */
};

#define COUNCIL_READ_ROLES (ROLE_STAFF | ROLE_SPOKESPERSON)
#define COUNCIL_MANAGE_ROLES (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE | ROLE_SUPERVISOR)
#define COUNCIL_CLERK_ROLES (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE | ROLE_SUPERVISOR | ROLE_GRID_WORKER)

/* --- the rules ---------------------------------------------------------------------------- */

typedef enum {
	CB_NONE = 0,   /* no quorum rule */
	CB_ADULTS,     /* residents aged 18+ of the place (a group's when the place is a grid) */
	CB_HOUSEHOLDS, /* households of the place, represented by any member present */
	CB_MEMBERS,    /* the meeting body's registered members (representatives, committee) */
	CB_PRESENT,    /* those present (decisions) */
} council_basis;

typedef struct {
	council_basis basis;
	int num, den;   /* the fraction */
	bool inclusive; /* true: at least num/den (以上); false: more than num/den (过半数) */
} council_threshold;

typedef struct {
	const char *type;    /* API word */
	const char *name;    /* 村民会议 */
	const char *law;     /* the statute, "" for a consultative form the law does not regulate */
	const char *article; /* 第二十二条 */
	int level_from, level_to; /* place levels it is held at: 5 village/community, 6 grid (group), 7 building */
	int nquorum;         /* 0: no quorum rule; else alternatives, any one met suffices */
	council_threshold quorum[2];
	council_threshold decision;
	bool members;        /* attendees must be registered members */
	bool supervisor_agenda; /* the agenda is fixed by the supervision committee (村情发布会) */
	const char *quorum_text, *decision_text; /* the rule in Chinese, as the result states it */
} council_rule;

extern const council_rule council_rules[];
extern const int council_nrules;

/* The rule of a meeting type, NULL when unknown. */
const council_rule *council_rule_of(const char *type);

/* Whether count meets threshold t of total, in integers: strict count*den > total*num,
 * inclusive count*den >= total*num. A total of 0 never meets a threshold (nobody to count). */
bool council_meets(int64_t count, int64_t total, const council_threshold *t);

/* Quorum of one meeting: the registry's numbers and what is present. */
typedef struct {
	int64_t adults, households, members;                 /* totals of the place */
	int64_t present, adults_present, households_present, members_present;
	bool met[2];                                         /* per alternative of the rule */
	bool quorate;                                        /* any alternative met (or no rule) */
	char text[400];                                      /* the numbers, as the error says them */
	char zh[400];                                        /* the same in Chinese, for the record */
} council_quorum;

/* Evaluate rule against the numbers in q (totals and presence filled), setting met/quorate/text. */
void council_quorum_eval(const council_rule *rule, council_quorum *q);

/* --- the consultation catalogue ----------------------------------------------------------- */

typedef struct {
	int64_t id, category_id;
	char category[64 * 4 + 1];
	char name[COUNCIL_TITLE_MAX * 4 + 1];
	char source[200 * 4 + 1];
	bool retired;
} council_topic;

typedef int (*council_topic_visit)(void *ctx, const council_topic *t);
/* Every category's items (retired ones too when all), by category then order. */
gz_err council_topics(store *s, bool all, council_topic_visit fn, void *ctx, gz_error *e);
gz_err council_topic_add(store *s, const gz_user *u, int64_t category_id, const char *name, const char *source,
			 council_topic *out, gz_error *e);
/* Rename (name non-NULL) and/or retire/restore (retired >= 0). */
gz_err council_topic_update(store *s, const gz_user *u, int64_t id, const char *name, int retired, council_topic *out,
			    gz_error *e);

/* --- the members' register (村民代表, 委员) ------------------------------------------------- */

typedef struct {
	int64_t id, resident_id, household_id;
	char place_code[GZ_CODE_MAX + 1];
	char name[50 * 4 + 1];
	char kind[16]; /* representative | committee */
	int64_t since_at, until_at;
} council_member;

gz_err council_member_add(store *s, const gz_user *u, const char *place_code, int64_t resident_id, const char *kind,
			  int64_t now, council_member *out, gz_error *e);
gz_err council_member_end(store *s, const gz_user *u, int64_t id, int64_t now, council_member *out, gz_error *e);
typedef int (*council_member_visit)(void *ctx, const council_member *m);
/* Current members in range. */
gz_err council_members(store *s, const gz_range *range, council_member_visit fn, void *ctx, gz_error *e);

/* --- meetings ----------------------------------------------------------------------------- */

typedef struct {
	int64_t id;
	char place_code[GZ_CODE_MAX + 1];
	char place_name[401];
	char type[24];
	char title[COUNCIL_TITLE_MAX * 4 + 1];
	char venue[COUNCIL_VENUE_MAX * 4 + 1];
	int64_t starts_at;
	char status[12]; /* planned, fixed, open, closed, cancelled */
	char *minutes;   /* malloc'd (NULL in lists); free with council_meeting_free */
	char token[COUNCIL_TOKEN_LEN + 1];
	char fixed_by[AUTH_NAME_MAX + 1];
	int64_t fixed_at, opened_at, closed_at;
	char created_by[AUTH_NAME_MAX + 1];
	int64_t created_at;
	int64_t present; /* attendees checked in */
} council_meeting;

void council_meeting_free(council_meeting *m);

typedef struct {
	const char *place_code, *type, *title, *venue;
	int64_t starts_at;
} council_meeting_in;

gz_err council_meeting_create(store *s, const gz_user *u, const council_meeting_in *in, int64_t now,
			      council_meeting *out, gz_error *e);
/* Title, venue and time while planned; minutes (NULL keeps) while open. starts_at 0 keeps. */
gz_err council_meeting_update(store *s, const gz_user *u, int64_t id, const council_meeting_in *in, const char *minutes,
			      int64_t now, council_meeting *out, gz_error *e);
gz_err council_meeting_get(store *s, const gz_user *u, int64_t id, council_meeting *out, gz_error *e);
/* fix (the agenda: planned → fixed), open (fixed → open: check-in starts), close (open → closed:
 * minutes required, open votes closed first), cancel (planned or fixed). GZ_E_CONFLICT when not
 * allowed now, GZ_E_FORBIDDEN for the wrong role (a 村情发布会's agenda: the supervision
 * committee). */
gz_err council_meeting_act(store *s, const gz_user *u, int64_t id, const char *action, int64_t now, council_meeting *out,
			   gz_error *e);

typedef struct {
	gz_range range;
	int64_t from, to;   /* starts_at window, 0: open-ended */
	const char *type, *status;
	int64_t before;     /* cursor: ids below it */
	int limit;
} council_filter;
typedef int (*council_meeting_visit)(void *ctx, const council_meeting *m);
/* Newest start first. */
gz_err council_meetings(store *s, const gz_user *u, const council_filter *f, council_meeting_visit fn, void *ctx,
			bool *more, gz_error *e);

/* Agenda ----------------------------------------------------------------------------------- */

typedef struct {
	int64_t id, meeting_id, topic_id, case_id;
	int seq;
	char title[COUNCIL_TITLE_MAX * 4 + 1];
	char topic[COUNCIL_TITLE_MAX * 4 + 1];
	char category[64 * 4 + 1];
} council_item;

/* Add an item while the meeting is planned. topic_id, case_id: 0 for none; a case must be
 * one the caller may read (its module checks). */
gz_err council_item_add(store *s, const gz_user *u, int64_t meeting_id, const char *title, int64_t topic_id,
			int64_t case_id, int64_t now, council_item *out, gz_error *e);
gz_err council_item_remove(store *s, const gz_user *u, int64_t meeting_id, int64_t item_id, gz_error *e);
typedef int (*council_item_visit)(void *ctx, const council_item *it);
gz_err council_items(store *s, int64_t meeting_id, council_item_visit fn, void *ctx, gz_error *e);

/* Meetings with the case on their agenda (for the case's page), newest first. */
gz_err council_case_meetings(store *s, const gz_user *u, int64_t case_id, council_meeting_visit fn, void *ctx,
			     gz_error *e);

/* Attendance ---------------------------------------------------------------------------------- */

typedef struct {
	int64_t resident_id, household_id, at;
	char name[50 * 4 + 1];
	char via[8]; /* clerk | qr */
	char by[AUTH_NAME_MAX + 1];
} council_attendee;

/* Check a resident in while the meeting is open: present in the registry, under the meeting's
 * place, aged 18+, a registered member for a members' meeting. By a clerk (token NULL), or by a
 * resident account for a member of its own household with the meeting's QR token.
 * GZ_E_CONFLICT when already checked in. */
gz_err council_checkin(store *s, const gz_user *u, int64_t meeting_id, int64_t resident_id, const char *token,
		       int64_t now, council_attendee *out, gz_error *e);
typedef int (*council_attendee_visit)(void *ctx, const council_attendee *a);
gz_err council_attendees(store *s, int64_t meeting_id, int limit, council_attendee_visit fn, void *ctx, gz_error *e);

/* The quorum of a meeting now (the registry's numbers on the meeting's day). */
gz_err council_quorum_of(store *s, const council_meeting *m, council_quorum *q, gz_error *e);

/* Votes ------------------------------------------------------------------------------------------ */

typedef struct {
	int64_t id, meeting_id, item_id;
	char question[COUNCIL_TITLE_MAX * 4 + 1];
	char method[8]; /* open | secret */
	char status[8]; /* open | closed */
	int64_t yes, no, abstain; /* results: only once closed */
	int64_t present;          /* attendees when it closed (the decision's base) */
	int64_t cast;             /* ballots cast (secret) or yes+no+abstain (open) */
	bool passed;
	char rule[600];           /* the rule it applied, in Chinese, with the article */
	int64_t opened_at, closed_at;
} council_vote;

/* An open vote (举手表决) is recorded at once as counts (yes+no+abstain at most those present)
 * and is closed; a secret ballot opens and takes ballots until closed. The meeting must be open. */
gz_err council_vote_create(store *s, const gz_user *u, int64_t meeting_id, int64_t item_id, const char *question,
			   const char *method, int64_t yes, int64_t no, int64_t abstain, int64_t now, council_vote *out,
			   gz_error *e);
/* Close a secret ballot and count it. */
gz_err council_vote_close(store *s, const gz_user *u, int64_t vote_id, int64_t now, council_vote *out, gz_error *e);
/* One secret ballot (yes | no | abstain) by a resident account for a checked-in member of its
 * household. GZ_E_CONFLICT when that person has voted or the vote is closed. */
gz_err council_ballot_cast(store *s, const gz_user *u, int64_t vote_id, int64_t resident_id, const char *choice,
			   gz_error *e);
/* A vote; results zero while it is open. */
gz_err council_vote_get(store *s, const gz_user *u, int64_t vote_id, council_vote *out, gz_error *e);
typedef int (*council_vote_visit)(void *ctx, const council_vote *v);
gz_err council_votes(store *s, int64_t meeting_id, council_vote_visit fn, void *ctx, gz_error *e);
/* Whether resident has voted in vote_id. */
bool council_has_voted(store *s, int64_t vote_id, int64_t resident_id);

/* Resolutions -------------------------------------------------------------------------------------- */

typedef struct {
	int64_t id, meeting_id, item_id, vote_id;
	char text[COUNCIL_TEXT_MAX * 4 + 1];
	bool passed;
	char rule[600];
	char quorum[800];
	char decided_by[AUTH_NAME_MAX + 1];
	int64_t decided_at;
} council_resolution;

/* Record the resolution of a closed vote of an open meeting. GZ_E_QUORUM_NOT_MET (422) with the
 * numbers when the meeting is not quorate. */
gz_err council_resolution_add(store *s, const gz_user *u, int64_t meeting_id, int64_t vote_id, const char *text,
			      int64_t now, council_resolution *out, gz_error *e);
typedef int (*council_resolution_visit)(void *ctx, const council_resolution *r);
gz_err council_resolutions(store *s, int64_t meeting_id, council_resolution_visit fn, void *ctx, gz_error *e);

/* For the public board (公开栏, another module): what a passed resolution publishes. Strings are
 * copies owned by the struct. GZ_E_NOT_FOUND for an unknown id, GZ_E_CONFLICT for a resolution
 * that did not pass. No scope check: the board publishes for the place it names. */
typedef struct {
	int64_t resolution_id, meeting_id;
	char place_code[GZ_CODE_MAX + 1];
	char meeting_title[COUNCIL_TITLE_MAX * 4 + 1];
	char meeting_type[24];
	char date[11]; /* YYYY-MM-DD, Asia/Shanghai, of the decision */
	char text[COUNCIL_TEXT_MAX * 4 + 1];
	char rule[600];
} council_publication;
gz_err council_resolution_publication(store *s, int64_t resolution_id, council_publication *out, gz_error *e);

/* One resolution for a caller who may see its meeting (else GZ_E_NOT_FOUND); *m (may be NULL)
 * gets the meeting (free with council_meeting_free). */
gz_err council_resolution_get(store *s, const gz_user *u, int64_t id, council_resolution *out, council_meeting *m,
			      gz_error *e);

/* --- resolutions become work (council_work.c) -------------------------------------------------
 *
 * A passed resolution is implemented by cases of the problem list (民事民办): created from it
 * through cases_create, or an existing case of the same village linked to it; the link is kept
 * in council_resolution_cases, readable from both sides. The resolution is published on the
 * village's board (category resolution) by one action of the committees, and its implementation
 * result after it; each entry names the resolution (board_entries.resolution_id) and the
 * resolution keeps the entry (council_resolution_entries). Admin, officials and cadres: the
 * supervision committee neither opens cases nor publishes the committees' affairs. */

enum {
	COUNCIL_WORK_CASES_MAX = 30,  /* cases per resolution */
	COUNCIL_RESULT_MAX = 4000,    /* characters of an implementation result */
};
#define COUNCIL_WORK_ROLES (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE)

typedef struct {
	int64_t case_id;        /* link this existing case, or 0 to create one from the fields below */
	const char *place_code; /* NULL: the meeting's place; else a place of the meeting's village */
	const char *title, *content, *type, *channel; /* type NULL: problem; channel NULL: the meeting's type when it is an intake channel */
} council_work_in;

typedef struct {
	int64_t resolution_id, case_id;
	bool created;
	char linked_by[AUTH_NAME_MAX + 1];
	int64_t linked_at;
	bool visible; /* whether the caller may read the case (the fields below are filled only then) */
	char tracking[16], place_code[GZ_CODE_MAX + 1], place_name[401], title[400 + 1], status[16], kind[12];
} council_work_case;

/* Link or create one case for a passed resolution (GZ_E_CONFLICT for one that did not pass, for a
 * case already linked, past COUNCIL_WORK_CASES_MAX). out gets the link with the case. */
gz_err council_work_add(store *s, const gz_user *u, int64_t resolution_id, const council_work_in *in, int64_t now,
			council_work_case *out, gz_error *e);
typedef int (*council_work_visit)(void *ctx, const council_work_case *w);
/* The cases of a resolution, by the time they were linked, then by case number. */
gz_err council_work_cases(store *s, const gz_user *u, int64_t resolution_id, council_work_visit fn, void *ctx,
			  gz_error *e);

/* The resolutions a case implements (the case must be visible to u, else GZ_E_NOT_FOUND), newest
 * first; m is the resolution's meeting. */
typedef int (*council_case_resolution_visit)(void *ctx, const council_resolution *r, const council_meeting *m);
gz_err council_case_resolutions(store *s, const gz_user *u, int64_t case_id, council_case_resolution_visit fn, void *ctx,
				gz_error *e);

typedef struct {
	int64_t entry_id, seq, at; /* 0 when not published */
	char hash[65];
	char by[AUTH_NAME_MAX + 1];
} council_entry_link;

/* The board entries of a resolution (kind resolution, result) and how many cases implement it. */
gz_err council_work_links(store *s, int64_t resolution_id, council_entry_link *published, council_entry_link *result,
			  int64_t *cases, gz_error *e);

/* Publish a passed resolution on its village's board (category resolution): once (GZ_E_CONFLICT
 * after that; a correction is the board's). out gets the entry. */
gz_err council_work_publish(store *s, const gz_user *u, int64_t resolution_id, int64_t now, council_entry_link *out,
			    gz_error *e);
/* Publish the implementation result (text 1..COUNCIL_RESULT_MAX) of a published resolution, with
 * its cases and their status at that moment: once (GZ_E_CONFLICT before the resolution is
 * published and after the result is). */
gz_err council_work_result(store *s, const gz_user *u, int64_t resolution_id, const char *text, int64_t now,
			   council_entry_link *out, gz_error *e);

/* --- elections (两委换届, community spokespersons) ----------------------------------------------
 *
 * Rounds: 1 the election, 2 the 另行选举 of the seats left unfilled. Art. 13: the voter list from the
 * registry (present, 18+ on election day, hukou here), or added one by one on the other two bases;
 * Art. 14: the list published at least 20 days before election day; Art. 15: more candidates than
 * seats, the election valid when more than half of the registered voters vote, a candidate elected
 * with more than half of the votes cast, a run-off winner by most votes but at least one third. */

enum { COUNCIL_LIST_DAYS = 20, COUNCIL_SEATS_MAX = 30 };

typedef struct {
	int64_t id, resident_id, votes;
	char name[50 * 4 + 1];
	int round;
	bool elected;
} council_candidate;

/* The law's count of one round, on numbers only: valid (cast > 1/2 of registered); then round 1
 * elects candidates with votes > 1/2 of cast, round 2 those with the most votes and at least 1/3
 * of cast — at most `seats`, by votes, none of a tie at the last seat. Sets c[i].elected; returns
 * valid; rule receives the sentence in Chinese. */
bool council_election_decide(int round, int seats, int64_t registered, int64_t cast, council_candidate *c, int n,
			     char *rule, size_t rule_size);

typedef struct {
	int64_t id;
	char place_code[GZ_CODE_MAX + 1];
	char place_name[401];
	char kind[16];
	char title[COUNCIL_TITLE_MAX * 4 + 1];
	int seats, round;
	char election_day[11];
	char status[12];
	int64_t published_at, registered, cast, electors;
	bool valid;
	char rule[600];
	char created_by[AUTH_NAME_MAX + 1];
	int64_t created_at;
} council_election;

gz_err council_election_create(store *s, const gz_user *u, const char *place_code, const char *kind, const char *title,
			       int seats, const char *election_day, int64_t now, council_election *out, gz_error *e);
gz_err council_election_get(store *s, const gz_user *u, int64_t id, council_election *out, gz_error *e);
typedef int (*council_election_visit)(void *ctx, const council_election *x);
gz_err council_elections(store *s, const gz_range *range, council_election_visit fn, void *ctx, gz_error *e);
/* The voter list from the registry (basis hukou_resident); *added counts the new entries. */
gz_err council_electors_from_registry(store *s, const gz_user *u, int64_t id, int64_t now, int64_t *added, gz_error *e);
/* One voter on basis hukou_away or resident_approved; note (the approval, required for the latter). */
gz_err council_elector_add(store *s, const gz_user *u, int64_t id, int64_t resident_id, const char *basis, const char *note,
			   gz_error *e);
/* publish (registering → published: Art. 14's 20 days), open (published → voting: on election day,
 * more candidates than seats), count (voting → counted: the online ballots and the stations' paper
 * counts together; participation = online ballots + paper ballots returned), runoff (counted with seats unfilled →
 * voting round 2), cancel. */
gz_err council_election_act(store *s, const gz_user *u, int64_t id, const char *action, int64_t now, council_election *out,
			    gz_error *e);
gz_err council_candidate_add(store *s, const gz_user *u, int64_t id, int64_t resident_id, council_candidate *out,
			     gz_error *e);
typedef int (*council_candidate_visit)(void *ctx, const council_candidate *c);
/* The candidates of a round, with votes only once it is counted. */
gz_err council_candidates(store *s, int64_t id, int round, council_candidate_visit fn, void *ctx, gz_error *e);
/* One ballot by a resident account for a registered voter of its household: up to the round's
 * seats distinct candidates of the round (n 0: a blank ballot). */
gz_err council_election_cast(store *s, const gz_user *u, int64_t id, int64_t resident_id, const int64_t *choices, int n,
			     gz_error *e);
bool council_election_has_voted(store *s, int64_t id, int round, int64_t resident_id);

/* Paper ballots (纸质选票). The clerk checks a registered voter off the list when handing out a
 * paper ballot: the same "who voted" record as the online ballot, so a voter who voted online
 * cannot be checked off and one checked off cannot vote online (409). Only "voted" is recorded. */
gz_err council_paper_voter(store *s, const gz_user *u, int64_t id, int64_t resident_id, gz_error *e);
enum { COUNCIL_STATION_MAX = 40, COUNCIL_STATIONS_MAX = 50 };
typedef struct {
	int64_t candidate_id, votes;
} council_paper_votes;
typedef struct {
	char station[COUNCIL_STATION_MAX * 4 + 1];
	int round;
	int64_t issued, returned, invalid;
	int corrections;
	char reason[200 * 4 + 1];
	char entered_by[AUTH_NAME_MAX + 1];
	int64_t entered_at;
} council_station;
/* The tellers' count of one polling station for the current round, while it is voting: ballots
 * issued, returned, invalid, votes per candidate of the round. invalid <= returned <= issued; each
 * candidate's votes <= the valid ballots (returned - invalid), their sum <= valid x the round's
 * seats; the stations' issued together <= the paper voters checked off (so <= registered - online
 * voters). Entered once per station and round: a second entry is a correction and needs reason
 * (409 without); *corrected says which it was. */
gz_err council_paper_count(store *s, const gz_user *u, int64_t id, const char *station, int64_t issued, int64_t returned,
			   int64_t invalid, const council_paper_votes *votes, int n, const char *reason, int64_t now,
			   bool *corrected, gz_error *e);
typedef int (*council_station_visit)(void *ctx, const council_station *st);
/* The stations' counts of a round. */
gz_err council_stations(store *s, int64_t id, int round, council_station_visit fn, void *ctx, gz_error *e);
typedef struct {
	int64_t resident_id, household_id;
	char name[50 * 4 + 1];
	char basis[20];
	char note[200 * 4 + 1];
} council_elector;
typedef int (*council_elector_visit)(void *ctx, const council_elector *v);
/* The voter list (the published list of Art. 14), by name, at most limit entries; household > 0
 * keeps that household's. */
gz_err council_electors(store *s, int64_t id, int64_t household, int limit, council_elector_visit fn, void *ctx,
			gz_error *e);
/* Whether resident is on the voter list. */
bool council_is_elector(store *s, int64_t id, int64_t resident_id);

/* --- recall (罢免, 村民委员会组织法 第十六条; council_recall.c) ----------------------------------
 *
 * A petition by at least one fifth of the registered voters, or at least one third of the
 * representatives, with its reasons, to recall a committee member of the members' register; the
 * recall vote counted by the tellers: valid only when more than half of the registered voters
 * vote, passed when more than half of those voting approve — the member's place in the register
 * then ends. Registered voters are the voter list of the village's latest published committee
 * election; representatives the register's current ones. Villages only (the urban law leaves
 * recall to the 居民会议). Rules as data (council_recall_rule), counted with council_meets. */

typedef struct {
	council_threshold by_voters, by_reps; /* the petition: either suffices */
	council_threshold turnout;            /* CB_MEMBERS of the registered: votes cast */
	council_threshold approval;           /* of those voting */
	const char *law, *article;
} council_recall_rules;
extern const council_recall_rules council_recall_rule;

/* The decision in integers: *valid when cast > 1/2 registered, *passed when also approve > 1/2 cast. */
void council_recall_decide(int64_t registered, int64_t cast, int64_t approve, bool *valid, bool *passed);
/* Whether signers meet the petition threshold of basis ("voters" or "representatives") of total. */
bool council_recall_petition_ok(const char *basis, int64_t signers, int64_t total);

enum { COUNCIL_REASON_MAX = 2000 };

typedef struct {
	int64_t id, member_id, resident_id;
	char place_code[GZ_CODE_MAX + 1];
	char place_name[401];
	char member_name[50 * 4 + 1];
	char reason[COUNCIL_REASON_MAX * 4 + 1];
	char basis[16];               /* voters | representatives */
	int64_t signers, base;        /* the petition: signers of base (voters or representatives) */
	int64_t registered;           /* registered voters (the published list) */
	char status[12];              /* petitioned | counted */
	int64_t cast, approve;
	bool valid, passed;
	char rule[600];
	char created_by[AUTH_NAME_MAX + 1];
	int64_t created_at, counted_at;
} council_recall;

/* Record a petition: 422 when it falls short (with the numbers), 409 without a published voter
 * list, 404 for a member not in the caller's scope or not a current committee member. */
gz_err council_recall_petition(store *s, const gz_user *u, int64_t member_id, const char *reason, const char *basis,
			       int64_t signers, int64_t now, council_recall *out, gz_error *e);
/* Count the recall vote once (409 after): cast <= registered, approve <= cast. */
gz_err council_recall_count(store *s, const gz_user *u, int64_t id, int64_t cast, int64_t approve, int64_t now,
			    council_recall *out, gz_error *e);
gz_err council_recall_get(store *s, const gz_user *u, int64_t id, council_recall *out, gz_error *e);
typedef int (*council_recall_visit)(void *ctx, const council_recall *r);
gz_err council_recalls(store *s, const gz_range *range, council_recall_visit fn, void *ctx, gz_error *e);

/* --- selections (创新项目评审) ------------------------------------------------------------------
 *
 * Projects chosen from applications by reviewers' scores (0–100): each reviewer scores an
 * application once (again replaces); closing ranks the applications by mean score — compared as
 * fractions in integers — and chooses the first `picks`; an application nobody scored is not
 * ranked; a tie across the last place is refused (409) until a reviewer breaks it. Admin and
 * officials create, add applications, score and close. */

typedef struct {
	int64_t id;
	char place_code[GZ_CODE_MAX + 1];
	char place_name[401];
	char title[COUNCIL_TITLE_MAX * 4 + 1];
	int picks;
	char status[8];
	int64_t applications, created_at, closed_at;
	char created_by[AUTH_NAME_MAX + 1];
} council_selection;

typedef struct {
	int64_t id, selection_id;
	char place_code[GZ_CODE_MAX + 1];
	char place_name[401];
	char title[COUNCIL_TITLE_MAX * 4 + 1];
	int64_t scores, sum; /* reviewers who scored it, and the sum of their scores */
	int mine;            /* the caller's score, -1 when none */
	bool chosen;
	int rank;            /* 1… once closed, 0 when unranked */
} council_application;

/* Whether mean a (sum/n) is above mean b, in integers; an application without scores is below all. */
int council_mean_cmp(int64_t sum_a, int64_t n_a, int64_t sum_b, int64_t n_b);

gz_err council_selection_create(store *s, const gz_user *u, const char *place_code, const char *title, int picks,
				int64_t now, council_selection *out, gz_error *e);
gz_err council_selection_get(store *s, const gz_user *u, int64_t id, council_selection *out, gz_error *e);
typedef int (*council_selection_visit)(void *ctx, const council_selection *x);
gz_err council_selections(store *s, const gz_range *range, council_selection_visit fn, void *ctx, gz_error *e);
gz_err council_application_add(store *s, const gz_user *u, int64_t id, const char *place_code, const char *title,
			       int64_t now, council_application *out, gz_error *e);
gz_err council_score(store *s, const gz_user *u, int64_t id, int64_t application_id, int score, int64_t now, gz_error *e);
typedef int (*council_application_visit)(void *ctx, const council_application *a);
/* The applications: by rank once closed, else in the order they came; mine from u. */
gz_err council_applications(store *s, const gz_user *u, int64_t id, council_application_visit fn, void *ctx, gz_error *e);
gz_err council_selection_close(store *s, const gz_user *u, int64_t id, int64_t now, council_selection *out, gz_error *e);

#endif
