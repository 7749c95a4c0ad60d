/* council.c — the rules of meetings as data, quorum and majority in integers, meetings, agenda,
 * attendance, open and secret votes, resolutions. No HTTP here (council_http.c). */
#include "council/council.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cases/cases.h"
#include "core/util.h"
#include "places/places.h"
#include "registry/registry.h"

/* --- the rules ---------------------------------------------------------------------------- */

#define VLAW "村民委员会组织法"
#define ULAW "城市居民委员会组织法"
#define MAJORITY_PRESENT {CB_PRESENT, 1, 2, false}
#define CONSULT(t, n, from, to, sup)                                                                          \
	{t, n, "", "", from, to, 0, {{CB_NONE, 0, 0, false}}, MAJORITY_PRESENT, false, sup,                   \
	 "协商议事形式，法律未规定法定到会人数",                                                               \
	 "协商意见经到会人员过半数赞成（少数服从多数，村民委员会组织法第二十九条、城市居民委员会组织法第十一条）"}

const council_rule council_rules[] = {
	/* Art. 22: more than half of villagers aged 18+, or representatives of at least two thirds
	 * of the households; decisions by more than half of those present. */
	{"village_assembly", "村民会议", VLAW, "第二十二条", PL_VILLAGE, PL_VILLAGE, 2,
	 {{CB_ADULTS, 1, 2, false}, {CB_HOUSEHOLDS, 2, 3, true}}, MAJORITY_PRESENT, false, false,
	 "本村十八周岁以上村民的过半数，或者本村三分之二以上的户的代表参加", "经到会人员的过半数同意"},
	/* Art. 26: at least two thirds of the members; more than half of those present. */
	{"village_reps", "村民代表会议", VLAW, "第二十六条", PL_VILLAGE, PL_VILLAGE, 1,
	 {{CB_MEMBERS, 2, 3, true}}, MAJORITY_PRESENT, true, false, "三分之二以上的组成人员参加",
	 "经到会人员的过半数同意"},
	/* Art. 28: at least two thirds of the group's adults or of its households. A villagers'
	 * group is a grid of the village in the tree of places. */
	{"group_meeting", "村民小组会议", VLAW, "第二十八条", PL_GRID, PL_GRID, 2,
	 {{CB_ADULTS, 2, 3, true}, {CB_HOUSEHOLDS, 2, 3, true}}, MAJORITY_PRESENT, false, false,
	 "本村民小组十八周岁以上的村民三分之二以上，或者本村民小组三分之二以上的户的代表参加",
	 "经到会人员的过半数同意"},
	/* Urban Art. 9: more than half of the adult residents, or of the households' representatives;
	 * decisions by more than half of those present. */
	{"resident_assembly", "居民会议", ULAW, "第九条", PL_VILLAGE, PL_VILLAGE, 2,
	 {{CB_ADULTS, 1, 2, false}, {CB_HOUSEHOLDS, 1, 2, false}}, MAJORITY_PRESENT, false, false,
	 "全体十八周岁以上居民的过半数，或者户的代表的过半数参加", "经到会人员的过半数通过"},
	/* Urban Art. 9: a residents' meeting of the groups' representatives, more than half of them. */
	{"resident_reps", "居民代表会议", ULAW, "第九条", PL_VILLAGE, PL_VILLAGE, 1, {{CB_MEMBERS, 1, 2, false}},
	 MAJORITY_PRESENT, true, false, "每个居民小组选举的代表的过半数参加", "经到会人员的过半数通过"},
	CONSULT("villager_council", "村民议事会", PL_VILLAGE, PL_GRID, false),
	CONSULT("yard", "院坝会", PL_VILLAGE, PL_BUILDING, false),
	CONSULT("wuchang", "屋场会", PL_VILLAGE, PL_BUILDING, false),
	CONSULT("courtyard", "院落会", PL_VILLAGE, PL_BUILDING, false),
	CONSULT("breakfast", "早餐会", PL_VILLAGE, PL_GRID, false),
	CONSULT("hall", "居民议事堂", PL_VILLAGE, PL_GRID, false),
	CONSULT("briefing", "村情发布会", PL_VILLAGE, PL_VILLAGE, true),
	CONSULT("micro", "微协商", PL_GRID, PL_BUILDING, false),
};
const int council_nrules = (int)(sizeof council_rules / sizeof *council_rules);

const council_rule *council_rule_of(const char *type)
{
	for (int i = 0; type && i < council_nrules; i++)
		if (!strcmp(council_rules[i].type, type))
			return &council_rules[i];
	return NULL;
}

bool council_meets(int64_t count, int64_t total, const council_threshold *t)
{
	if (total <= 0 || count < 0 || t->den <= 0)
		return false;
	int64_t lhs = count * t->den, rhs = total * t->num;
	return t->inclusive ? lhs >= rhs : lhs > rhs;
}

static const char *basis_word(council_basis b)
{
	switch (b) {
	case CB_ADULTS: return "adults aged 18+";
	case CB_HOUSEHOLDS: return "households";
	case CB_MEMBERS: return "members";
	case CB_PRESENT: return "present";
	default: return "none";
	}
}

static const char *basis_zh(council_basis b)
{
	switch (b) {
	case CB_ADULTS: return "十八周岁以上";
	case CB_HOUSEHOLDS: return "户";
	case CB_MEMBERS: return "组成人员";
	case CB_PRESENT: return "到会";
	default: return "";
	}
}

static const char *fraction_zh(const council_threshold *t)
{
	if (t->num == 1 && t->den == 2)
		return t->inclusive ? "半数以上" : "过半数";
	if (t->num == 2 && t->den == 3)
		return t->inclusive ? "三分之二以上" : "超过三分之二";
	if (t->num == 1 && t->den == 3)
		return t->inclusive ? "三分之一以上" : "超过三分之一";
	return "";
}

void council_quorum_eval(const council_rule *rule, council_quorum *q)
{
	q->quorate = rule->nquorum == 0;
	q->text[0] = q->zh[0] = '\0';
	size_t n = 0, nz = 0;
	for (int i = 0; i < 2; i++)
		q->met[i] = false;
	for (int i = 0; i < rule->nquorum; i++) {
		const council_threshold *t = &rule->quorum[i];
		int64_t have = 0, total = 0;
		switch (t->basis) {
		case CB_ADULTS: have = q->adults_present, total = q->adults; break;
		case CB_HOUSEHOLDS: have = q->households_present, total = q->households; break;
		case CB_MEMBERS: have = q->members_present, total = q->members; break;
		default: break;
		}
		q->met[i] = council_meets(have, total, t);
		q->quorate = q->quorate || q->met[i];
		if (n < sizeof q->text)
			n += (size_t)snprintf(q->text + n, sizeof q->text - n, "%s%s: %lld of %lld present, %s %d/%d needed",
					      i ? "; or " : "", basis_word(t->basis), (long long)have, (long long)total,
					      t->inclusive ? "at least" : "more than", t->num, t->den);
		if (nz < sizeof q->zh)
			nz += (size_t)snprintf(q->zh + nz, sizeof q->zh - nz, "%s%s%lld/%lld（须%s）", i ? "；或" : "",
					       basis_zh(t->basis), (long long)have, (long long)total, fraction_zh(t));
	}
	if (!rule->nquorum) {
		snprintf(q->text, sizeof q->text, "no quorum rule: %lld present", (long long)q->present);
		snprintf(q->zh, sizeof q->zh, "到会%lld人（协商议事，不设法定人数）", (long long)q->present);
	}
}

/* --- small helpers ---------------------------------------------------------------------- */

static bool is_resident(const gz_user *u)
{
	return u->role == ROLE_RESIDENT;
}

/* Whether u may see what is attached to place: staff within their subtree; a resident account
 * with a household, the places above (or at) its household. */
static bool visible(const gz_user *u, const char *code)
{
	if (is_resident(u))
		return u->household_id && scope_contains(code, u->scope);
	return scope_contains(u->scope, code);
}

/* The birth date on or before which someone is aged 18+ on the date of now (Asia/Shanghai). */
static void adult_cutoff(int64_t now, char out[11])
{
	char today[11];
	gz_date_shanghai(now, today);
	int year = atoi(today) - 18;
	snprintf(out, 5, "%04d", year < 0 ? 0 : year % 10000);
	memcpy(out + 4, today + 4, 7); /* "-MM-DD" and its terminator */
}

static void col_copy(sqlite3_stmt *st, int col, char *dst, size_t n)
{
	gz_strlcpy(dst, store_col_text(st, col), n);
}

/* Run a statement to completion; the mapped error on failure. */
static gz_err step_done(store *s, sqlite3_stmt *st, gz_error *e, const char *what)
{
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot prepare %s", what);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, e, what);
	return GZ_OK;
}

/* --- the catalogue ------------------------------------------------------------------------ */

#define TOPIC_COLS "t.id, t.category_id, c.name, t.name, t.source, t.retired"

static void topic_from_row(sqlite3_stmt *st, council_topic *t)
{
	t->id = sqlite3_column_int64(st, 0);
	t->category_id = sqlite3_column_int64(st, 1);
	col_copy(st, 2, t->category, sizeof t->category);
	col_copy(st, 3, t->name, sizeof t->name);
	col_copy(st, 4, t->source, sizeof t->source);
	t->retired = sqlite3_column_int(st, 5) != 0;
}

gz_err council_topics(store *s, bool all, council_topic_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " TOPIC_COLS " FROM council_topics t JOIN council_categories c"
					 " ON c.id = t.category_id WHERE ?1 OR t.retired = 0 ORDER BY c.sort, t.sort, t.id");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the consultation catalogue");
	sqlite3_bind_int(st, 1, all);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		council_topic t;
		topic_from_row(st, &t);
		if (fn(ctx, &t))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "reading the catalogue");
}

static gz_err topic_get(store *s, int64_t id, council_topic *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " TOPIC_COLS " FROM council_topics t JOIN council_categories c"
					 " ON c.id = t.category_id WHERE t.id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the consultation catalogue");
	sqlite3_bind_int64(st, 1, id);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		topic_from_row(st, out);
	sqlite3_reset(st);
	return found ? GZ_OK : gz_fail(e, GZ_E_NOT_FOUND, "topic_id", "topic %lld not found", (long long)id);
}

static gz_err catalogue_editor(const gz_user *u, gz_error *e)
{
	if (u->role != ROLE_ADMIN && u->role != ROLE_OFFICIAL)
		return gz_fail(e, GZ_E_FORBIDDEN, NULL, "only an administrator or an official edits the catalogue");
	return GZ_OK;
}

gz_err council_topic_add(store *s, const gz_user *u, int64_t category_id, const char *name, const char *source,
			 council_topic *out, gz_error *e)
{
	gz_err rc;
	if ((rc = catalogue_editor(u, e)) || (rc = gz_text_check("name", name, 1, COUNCIL_TITLE_MAX, e)) ||
	    (source && (rc = gz_text_check("source", source, 0, 200, e))))
		return rc;
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM council_categories WHERE id = ?1");
	sqlite3_bind_int64(st, 1, category_id);
	if (!store_step_int(st))
		return gz_fail(e, GZ_E_NOT_FOUND, "category_id", "category %lld not found", (long long)category_id);
	st = store_stmt(s, "SELECT count(*) FROM council_topics WHERE category_id = ?1 AND name = ?2");
	sqlite3_bind_int64(st, 1, category_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	if (store_step_int(st))
		return gz_fail(e, GZ_E_CONFLICT, "name", "the category already has the topic \"%s\"", name);
	st = store_stmt(s, "INSERT INTO council_topics(category_id, name, source, sort)"
			   " SELECT ?1, ?2, ?3, coalesce(max(sort), 0) + 1 FROM council_topics WHERE category_id = ?1");
	sqlite3_bind_int64(st, 1, category_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, source ? source : "", -1, SQLITE_TRANSIENT);
	if ((rc = step_done(s, st, e, "adding a topic")))
		return rc;
	return topic_get(s, sqlite3_last_insert_rowid(store_db(s)), out, e);
}

gz_err council_topic_update(store *s, const gz_user *u, int64_t id, const char *name, int retired, council_topic *out,
			    gz_error *e)
{
	gz_err rc;
	council_topic old;
	if ((rc = catalogue_editor(u, e)) || (rc = topic_get(s, id, &old, e)) ||
	    (name && (rc = gz_text_check("name", name, 1, COUNCIL_TITLE_MAX, e))))
		return rc;
	if (name && strcmp(name, old.name)) {
		sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM council_topics WHERE category_id = ?1 AND name = ?2");
		sqlite3_bind_int64(st, 1, old.category_id);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
		if (store_step_int(st))
			return gz_fail(e, GZ_E_CONFLICT, "name", "the category already has the topic \"%s\"", name);
	}
	sqlite3_stmt *st = store_stmt(s, "UPDATE council_topics SET name = coalesce(?2, name),"
					 " retired = CASE WHEN ?3 < 0 THEN retired ELSE ?3 END WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, name);
	sqlite3_bind_int(st, 3, retired < 0 ? -1 : retired != 0);
	if ((rc = step_done(s, st, e, "updating a topic")))
		return rc;
	return topic_get(s, id, out, e);
}

/* --- the members' register ---------------------------------------------------------------- */

#define MEMBER_COLS "m.id, m.resident_id, r.household_id, m.place_code, r.name, m.kind, m.since_at, coalesce(m.until_at, 0)"

static void member_from_row(sqlite3_stmt *st, council_member *m)
{
	m->id = sqlite3_column_int64(st, 0);
	m->resident_id = sqlite3_column_int64(st, 1);
	m->household_id = sqlite3_column_int64(st, 2);
	col_copy(st, 3, m->place_code, sizeof m->place_code);
	col_copy(st, 4, m->name, sizeof m->name);
	col_copy(st, 5, m->kind, sizeof m->kind);
	m->since_at = sqlite3_column_int64(st, 6);
	m->until_at = sqlite3_column_int64(st, 7);
}

static gz_err member_get(store *s, int64_t id, council_member *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " MEMBER_COLS " FROM council_members m JOIN residents r"
					 " ON r.id = m.resident_id WHERE m.id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the members' register");
	sqlite3_bind_int64(st, 1, id);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		member_from_row(st, out);
	sqlite3_reset(st);
	return found ? GZ_OK : gz_fail(e, GZ_E_NOT_FOUND, "id", "member %lld not found", (long long)id);
}

static gz_err manager(const gz_user *u, gz_error *e)
{
	if (!(u->role & (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE)))
		return gz_fail(e, GZ_E_FORBIDDEN, NULL, "only the committees or an official do this");
	return GZ_OK;
}

gz_err council_member_add(store *s, const gz_user *u, const char *place_code, int64_t resident_id, const char *kind,
			  int64_t now, council_member *out, gz_error *e)
{
	gz_err rc;
	if ((rc = manager(u, e)))
		return rc;
	if (!place_code || places_level_of(place_code) != PL_VILLAGE)
		return gz_fail(e, GZ_E_INVALID_VALUE, "place_code", "members are registered at a village or community");
	place p;
	if (!scope_contains(u->scope, place_code) || places_get(s, place_code, &p, NULL))
		return gz_fail(e, GZ_E_NOT_FOUND, "place_code", "place \"%s\" not found", place_code);
	if (!kind || (strcmp(kind, "representative") && strcmp(kind, "committee")))
		return gz_fail(e, GZ_E_INVALID_VALUE, "kind", "kind must be representative or committee");
	gz_range range;
	scope_range_of(place_code, &range);
	reg_resident r;
	if (registry_resident_get(s, &range, resident_id, &r, NULL))
		return gz_fail(e, GZ_E_NOT_FOUND, "resident_id", "resident %lld not found at \"%s\"", (long long)resident_id,
			       place_code);
	if (strcmp(r.status, "present"))
		return gz_fail(e, GZ_E_CONFLICT, "resident_id", "resident %lld is no longer present", (long long)resident_id);
	/* Representatives and committee members are villagers with the right to vote and stand (Art. 13):
	 * a minor on the register would count towards a members' quorum and could never be checked in. */
	char cutoff[11];
	adult_cutoff(now, cutoff);
	if (strcmp(r.birth_date, cutoff) > 0)
		return gz_fail(e, GZ_E_INVALID_VALUE, "resident_id", "resident %lld is not yet 18", (long long)resident_id);
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM council_members WHERE place_code = ?1 AND resident_id = ?2"
					 " AND until_at IS NULL");
	sqlite3_bind_text(st, 1, place_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, resident_id);
	if (store_step_int(st))
		return gz_fail(e, GZ_E_CONFLICT, "resident_id", "resident %lld is already a member", (long long)resident_id);
	st = store_stmt(s, "INSERT INTO council_members(place_code, resident_id, kind, since_at, created_by)"
			   " VALUES (?1, ?2, ?3, ?4, ?5)");
	sqlite3_bind_text(st, 1, place_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, resident_id);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_text(st, 5, u->username, -1, SQLITE_TRANSIENT);
	if ((rc = step_done(s, st, e, "registering a member")))
		return rc;
	return member_get(s, sqlite3_last_insert_rowid(store_db(s)), out, e);
}

gz_err council_member_end(store *s, const gz_user *u, int64_t id, int64_t now, council_member *out, gz_error *e)
{
	gz_err rc;
	council_member m;
	if ((rc = manager(u, e)) || (rc = member_get(s, id, &m, e)))
		return rc;
	if (!scope_contains(u->scope, m.place_code))
		return gz_fail(e, GZ_E_NOT_FOUND, "id", "member %lld not found", (long long)id);
	if (m.until_at)
		return gz_fail(e, GZ_E_CONFLICT, "id", "member %lld has already left", (long long)id);
	sqlite3_stmt *st = store_stmt(s, "UPDATE council_members SET until_at = ?2 WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = step_done(s, st, e, "ending a membership")))
		return rc;
	return member_get(s, id, out, e);
}

gz_err council_members(store *s, const gz_range *range, council_member_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " MEMBER_COLS " FROM council_members m JOIN residents r ON r.id = m.resident_id"
					 " WHERE m.place_code >= ?1 AND m.place_code < ?2 AND m.until_at IS NULL"
					 " ORDER BY m.place_code, m.kind, m.id LIMIT 2000");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the members' register");
	store_bind_range(st, 1, range);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		council_member m;
		member_from_row(st, &m);
		if (fn(ctx, &m))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "reading the members' register");
}

/* --- meetings ----------------------------------------------------------------------------- */

void council_meeting_free(council_meeting *m)
{
	free(m->minutes);
	m->minutes = NULL;
}

#define MEETING_COLS                                                                                              \
	"m.id, m.place_code, m.type, m.title, m.venue, m.starts_at, m.status, m.token, m.fixed_by,"                  \
	" coalesce(m.fixed_at, 0), coalesce(m.opened_at, 0), coalesce(m.closed_at, 0), m.created_by, m.created_at," \
	" (SELECT count(*) FROM council_attendance a WHERE a.meeting_id = m.id), m.minutes"

static void meeting_from_row(store *s, sqlite3_stmt *st, council_meeting *m, bool minutes)
{
	memset(m, 0, sizeof *m);
	m->id = sqlite3_column_int64(st, 0);
	col_copy(st, 1, m->place_code, sizeof m->place_code);
	col_copy(st, 2, m->type, sizeof m->type);
	col_copy(st, 3, m->title, sizeof m->title);
	col_copy(st, 4, m->venue, sizeof m->venue);
	m->starts_at = sqlite3_column_int64(st, 5);
	col_copy(st, 6, m->status, sizeof m->status);
	col_copy(st, 7, m->token, sizeof m->token);
	col_copy(st, 8, m->fixed_by, sizeof m->fixed_by);
	m->fixed_at = sqlite3_column_int64(st, 9);
	m->opened_at = sqlite3_column_int64(st, 10);
	m->closed_at = sqlite3_column_int64(st, 11);
	col_copy(st, 12, m->created_by, sizeof m->created_by);
	m->created_at = sqlite3_column_int64(st, 13);
	m->present = sqlite3_column_int64(st, 14);
	if (minutes)
		m->minutes = strdup(store_col_text(st, 15));
	(void)s;
}

static void meeting_place_name(store *s, council_meeting *m)
{
	place p;
	if (places_get(s, m->place_code, &p, NULL) == GZ_OK)
		gz_strlcpy(m->place_name, p.name, sizeof m->place_name);
}

/* The meeting by id, whatever the caller (callers check visibility). */
static gz_err meeting_load(store *s, int64_t id, council_meeting *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " MEETING_COLS " FROM council_meetings m WHERE m.id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read meetings");
	sqlite3_bind_int64(st, 1, id);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		meeting_from_row(s, st, out, true);
	sqlite3_reset(st);
	if (!found)
		return gz_fail(e, GZ_E_NOT_FOUND, "meeting_id", "meeting %lld not found", (long long)id);
	if (!out->minutes)
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory reading meeting %lld", (long long)id);
	meeting_place_name(s, out);
	return GZ_OK;
}

gz_err council_meeting_get(store *s, const gz_user *u, int64_t id, council_meeting *out, gz_error *e)
{
	gz_err rc = meeting_load(s, id, out, e);
	if (rc)
		return rc;
	if (!visible(u, out->place_code)) {
		council_meeting_free(out);
		return gz_fail(e, GZ_E_NOT_FOUND, "meeting_id", "meeting %lld not found", (long long)id);
	}
	return GZ_OK;
}

/* Who may manage a meeting of this rule: the committees and officials; the supervision
 * committee only its own 村情发布会. */
static gz_err may_manage(const gz_user *u, const council_rule *rule, gz_error *e)
{
	if (u->role & (ROLE_ADMIN | ROLE_OFFICIAL | ROLE_CADRE))
		return GZ_OK;
	if (u->role == ROLE_SUPERVISOR && rule->supervisor_agenda)
		return GZ_OK;
	return gz_fail(e, GZ_E_FORBIDDEN, NULL, "your role does not manage a %s", rule->type);
}

static gz_err meeting_fields(const council_meeting_in *in, bool create, gz_error *e)
{
	gz_err rc;
	if ((create || in->title) && (rc = gz_text_check("title", in->title, 1, COUNCIL_TITLE_MAX, e)))
		return rc;
	if ((create || in->venue) && (rc = gz_text_check("venue", in->venue, 1, COUNCIL_VENUE_MAX, e)))
		return rc;
	/* From 2000 to 2100: a time the console can show. */
	if ((create || in->starts_at) && (in->starts_at < 946684800 || in->starts_at > 4102444800))
		return gz_fail(e, GZ_E_INVALID_VALUE, "starts_at", "starts_at must be a time between 2000 and 2100");
	return GZ_OK;
}

gz_err council_meeting_create(store *s, const gz_user *u, const council_meeting_in *in, int64_t now,
			      council_meeting *out, gz_error *e)
{
	const council_rule *rule = council_rule_of(in->type);
	if (!rule)
		return gz_fail(e, GZ_E_INVALID_VALUE, "type", "type \"%.20s\" is not a meeting type", in->type ? in->type : "");
	gz_err rc;
	if ((rc = may_manage(u, rule, e)) || (rc = meeting_fields(in, true, e)))
		return rc;
	place_level lv = in->place_code ? places_level_of(in->place_code) : PL_NONE;
	place p;
	if (lv == PL_NONE || !scope_contains(u->scope, in->place_code) || places_get(s, in->place_code, &p, NULL))
		return gz_fail(e, GZ_E_NOT_FOUND, "place_code", "place \"%.20s\" not found", in->place_code ? in->place_code : "");
	if ((int)lv < rule->level_from || (int)lv > rule->level_to)
		return gz_fail(e, GZ_E_INVALID_VALUE, "place_code", "a %s is held at a %s%s%s", rule->type,
			       places_level_word(rule->level_from), rule->level_to > rule->level_from ? " to a " : "",
			       rule->level_to > rule->level_from ? places_level_word(rule->level_to) : "");
	char token[COUNCIL_TOKEN_LEN + 2];
	gz_random_token(token, sizeof token, 16);
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_meetings(place_code, type, title, venue, starts_at, status, token,"
					 " created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'planned', ?6, ?7, ?8)");
	sqlite3_bind_text(st, 1, in->place_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, rule->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, in->title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, in->venue, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, in->starts_at);
	sqlite3_bind_text(st, 6, token, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, now);
	if ((rc = step_done(s, st, e, "creating a meeting")))
		return rc;
	return meeting_load(s, sqlite3_last_insert_rowid(store_db(s)), out, e);
}

gz_err council_meeting_update(store *s, const gz_user *u, int64_t id, const council_meeting_in *in, const char *minutes,
			      int64_t now, council_meeting *out, gz_error *e)
{
	council_meeting m;
	gz_err rc = council_meeting_get(s, u, id, &m, e);
	if (rc)
		return rc;
	const council_rule *rule = council_rule_of(m.type);
	council_meeting_free(&m);
	if ((rc = may_manage(u, rule, e)) || (rc = meeting_fields(in, false, e)))
		return rc;
	bool details = in->title || in->venue || in->starts_at;
	if (details && strcmp(m.status, "planned"))
		return gz_fail(e, GZ_E_CONFLICT, NULL, "meeting %lld is %s: its title, venue and time are fixed", (long long)id,
			       m.status);
	if (minutes && strcmp(m.status, "open"))
		return gz_fail(e, GZ_E_CONFLICT, "minutes", "minutes are written while meeting %lld is open, it is %s",
			       (long long)id, m.status);
	if (minutes && (rc = gz_text_check_lines("minutes", minutes, 0, COUNCIL_MINUTES_MAX, e)))
		return rc;
	sqlite3_stmt *st = store_stmt(s, "UPDATE council_meetings SET title = coalesce(?2, title), venue = coalesce(?3, venue),"
					 " starts_at = CASE WHEN ?4 = 0 THEN starts_at ELSE ?4 END,"
					 " minutes = coalesce(?5, minutes) WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, in->title);
	store_bind_text(st, 3, in->venue);
	sqlite3_bind_int64(st, 4, in->starts_at);
	store_bind_text(st, 5, minutes);
	if ((rc = step_done(s, st, e, "updating a meeting")))
		return rc;
	(void)now;
	return meeting_load(s, id, out, e);
}

static int64_t count_of(store *s, const char *sql, int64_t id)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	return store_step_int(st);
}

static gz_err vote_count(store *s, int64_t vote_id, const council_rule *rule, int64_t present, int64_t now, gz_error *e);

gz_err council_meeting_act(store *s, const gz_user *u, int64_t id, const char *action, int64_t now, council_meeting *out,
			   gz_error *e)
{
	council_meeting m;
	gz_err rc = council_meeting_get(s, u, id, &m, e);
	if (rc)
		return rc;
	const council_rule *rule = council_rule_of(m.type);
	bool has_minutes = m.minutes && *m.minutes;
	council_meeting_free(&m);
	if (!action)
		return gz_fail(e, GZ_E_MISSING_FIELD, "action", "say what to do: fix, open, close or cancel");
	const char *from = NULL, *to = NULL, *set = NULL;
	if (!strcmp(action, "fix"))
		from = "planned", to = "fixed", set = "fixed_at";
	else if (!strcmp(action, "open"))
		from = "fixed", to = "open", set = "opened_at";
	else if (!strcmp(action, "close"))
		from = "open", to = "closed", set = "closed_at";
	else if (!strcmp(action, "cancel"))
		to = "cancelled", set = "closed_at";
	else
		return gz_fail(e, GZ_E_INVALID_VALUE, "action", "action \"%.20s\" is not fix, open, close or cancel", action);
	if (!strcmp(action, "fix") && rule->supervisor_agenda) {
		/* A 村情发布会's agenda is the supervision committee's to fix. */
		if (u->role != ROLE_SUPERVISOR && u->role != ROLE_ADMIN)
			return gz_fail(e, GZ_E_FORBIDDEN, "action", "the agenda of a 村情发布会 is fixed by the supervision committee");
	} else if ((rc = may_manage(u, rule, e))) {
		return rc;
	}
	if (from ? strcmp(m.status, from) : (strcmp(m.status, "planned") && strcmp(m.status, "fixed")))
		return gz_fail(e, GZ_E_CONFLICT, "action", "meeting %lld is %s: cannot %s it", (long long)id, m.status, action);
	if (!strcmp(action, "fix") && !count_of(s, "SELECT count(*) FROM council_items WHERE meeting_id = ?1", id))
		return gz_fail(e, GZ_E_CONFLICT, "action", "meeting %lld has no agenda item to fix", (long long)id);
	if (!strcmp(action, "close")) {
		if (!has_minutes)
			return gz_fail(e, GZ_E_CONFLICT, "minutes", "write the minutes of meeting %lld before closing it", (long long)id);
		/* Secret ballots still open are counted now, on those present at the end. */
		sqlite3_stmt *st = store_stmt(s, "SELECT id FROM council_votes WHERE meeting_id = ?1 AND status = 'open'");
		int64_t open_votes[COUNCIL_VOTES_MAX];
		int n = 0;
		sqlite3_bind_int64(st, 1, id);
		while (n < COUNCIL_VOTES_MAX && sqlite3_step(st) == SQLITE_ROW)
			open_votes[n++] = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		int64_t present = count_of(s, "SELECT count(*) FROM council_attendance WHERE meeting_id = ?1", id);
		for (int i = 0; i < n; i++)
			if ((rc = vote_count(s, open_votes[i], rule, present, now, e)))
				return rc;
	}
	sqlite3_stmt *st;
	bool fix = !strcmp(set, "fixed_at");
	if (fix)
		st = store_stmt(s, "UPDATE council_meetings SET status = ?2, fixed_at = ?3, fixed_by = ?4 WHERE id = ?1");
	else if (!strcmp(set, "opened_at"))
		st = store_stmt(s, "UPDATE council_meetings SET status = ?2, opened_at = ?3 WHERE id = ?1");
	else
		st = store_stmt(s, "UPDATE council_meetings SET status = ?2, closed_at = ?3 WHERE id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot change meetings");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	if (fix)
		sqlite3_bind_text(st, 4, u->username, -1, SQLITE_TRANSIENT);
	if ((rc = step_done(s, st, e, "changing a meeting's state")))
		return rc;
	return meeting_load(s, id, out, e);
}

gz_err council_meetings(store *s, const gz_user *u, const council_filter *f, council_meeting_visit fn, void *ctx,
			bool *more, gz_error *e)
{
	(void)u;
	sqlite3_stmt *st = store_stmt(s, "SELECT " MEETING_COLS " FROM council_meetings m"
					 " WHERE m.place_code >= ?1 AND m.place_code < ?2"
					 " AND (?3 = 0 OR m.starts_at >= ?3) AND (?4 = 0 OR m.starts_at < ?4)"
					 " AND (?5 IS NULL OR m.type = ?5) AND (?6 IS NULL OR m.status = ?6)"
					 " AND (?7 = 0 OR m.id < ?7)"
					 " ORDER BY m.id DESC LIMIT ?8");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read meetings");
	store_bind_range(st, 1, &f->range);
	sqlite3_bind_int64(st, 3, f->from);
	sqlite3_bind_int64(st, 4, f->to);
	store_bind_text(st, 5, f->type);
	store_bind_text(st, 6, f->status);
	sqlite3_bind_int64(st, 7, f->before);
	sqlite3_bind_int(st, 8, f->limit + 1);
	/* Collect first: the place names need other statements. */
	council_meeting *rows = calloc((size_t)f->limit + 1, sizeof *rows);
	if (!rows) {
		sqlite3_reset(st);
		return gz_fail(e, GZ_E_NOMEM, NULL, "out of memory listing meetings");
	}
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n <= f->limit)
		meeting_from_row(s, st, &rows[n++], false);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		free(rows);
		return store_fail(s, rc, e, "listing meetings");
	}
	*more = n > f->limit;
	if (*more)
		n = f->limit;
	for (int i = 0; i < n; i++) {
		meeting_place_name(s, &rows[i]);
		if (fn(ctx, &rows[i]))
			break;
	}
	free(rows);
	return GZ_OK;
}

/* --- agenda -------------------------------------------------------------------------------- */

static void item_from_row(sqlite3_stmt *st, council_item *it)
{
	it->id = sqlite3_column_int64(st, 0);
	it->meeting_id = sqlite3_column_int64(st, 1);
	it->seq = sqlite3_column_int(st, 2);
	col_copy(st, 3, it->title, sizeof it->title);
	it->topic_id = sqlite3_column_int64(st, 4);
	it->case_id = sqlite3_column_int64(st, 5);
	col_copy(st, 6, it->topic, sizeof it->topic);
	col_copy(st, 7, it->category, sizeof it->category);
}

#define ITEM_SQL                                                                                         \
	"SELECT i.id, i.meeting_id, i.seq, i.title, coalesce(i.topic_id, 0), coalesce(i.case_id, 0),"   \
	" coalesce(t.name, ''), coalesce(c.name, '') FROM council_items i"                              \
	" LEFT JOIN council_topics t ON t.id = i.topic_id LEFT JOIN council_categories c ON c.id = t.category_id"

gz_err council_item_add(store *s, const gz_user *u, int64_t meeting_id, const char *title, int64_t topic_id,
			int64_t case_id, int64_t now, council_item *out, gz_error *e)
{
	council_meeting m;
	gz_err rc = council_meeting_get(s, u, meeting_id, &m, e);
	if (rc)
		return rc;
	council_meeting_free(&m);
	if ((rc = may_manage(u, council_rule_of(m.type), e)))
		return rc;
	if (strcmp(m.status, "planned"))
		return gz_fail(e, GZ_E_CONFLICT, NULL, "the agenda of meeting %lld is fixed", (long long)meeting_id);
	if (count_of(s, "SELECT count(*) FROM council_items WHERE meeting_id = ?1", meeting_id) >= COUNCIL_AGENDA_MAX)
		return gz_fail(e, GZ_E_CONFLICT, NULL, "meeting %lld has %d agenda items, the most it may have",
			       (long long)meeting_id, COUNCIL_AGENDA_MAX);
	council_topic t = {0};
	if (topic_id && ((rc = topic_get(s, topic_id, &t, e))))
		return rc;
	if (topic_id && t.retired)
		return gz_fail(e, GZ_E_INVALID_VALUE, "topic_id", "topic \"%s\" is retired from the catalogue", t.name);
	char case_title[CASE_TITLE_MAX * 4 + 1] = "";
	if (case_id) {
		case_rec c;
		if (cases_get(s, u, case_id, now, &c, NULL))
			return gz_fail(e, GZ_E_NOT_FOUND, "case_id", "case %lld not found", (long long)case_id);
		gz_strlcpy(case_title, c.title, sizeof case_title);
		case_free(&c);
	}
	if (!title || !*title)
		title = *case_title ? case_title : (topic_id ? t.name : NULL);
	if ((rc = gz_text_check("title", title, 1, COUNCIL_TITLE_MAX, e)))
		return rc;
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_items(meeting_id, seq, title, topic_id, case_id, created_at)"
					 " SELECT ?1, coalesce(max(seq), 0) + 1, ?2, nullif(?3, 0), nullif(?4, 0), ?5"
					 " FROM council_items WHERE meeting_id = ?1");
	sqlite3_bind_int64(st, 1, meeting_id);
	sqlite3_bind_text(st, 2, title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, topic_id);
	sqlite3_bind_int64(st, 4, case_id);
	sqlite3_bind_int64(st, 5, now);
	if ((rc = step_done(s, st, e, "adding an agenda item")))
		return rc;
	int64_t id = sqlite3_last_insert_rowid(store_db(s));
	st = store_stmt(s, ITEM_SQL " WHERE i.id = ?1");
	sqlite3_bind_int64(st, 1, id);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		item_from_row(st, out);
	sqlite3_reset(st);
	return found ? GZ_OK : gz_fail(e, GZ_E_INTERNAL, NULL, "agenda item %lld vanished", (long long)id);
}

gz_err council_item_remove(store *s, const gz_user *u, int64_t meeting_id, int64_t item_id, gz_error *e)
{
	council_meeting m;
	gz_err rc = council_meeting_get(s, u, meeting_id, &m, e);
	if (rc)
		return rc;
	council_meeting_free(&m);
	if ((rc = may_manage(u, council_rule_of(m.type), e)))
		return rc;
	if (strcmp(m.status, "planned"))
		return gz_fail(e, GZ_E_CONFLICT, NULL, "the agenda of meeting %lld is fixed", (long long)meeting_id);
	sqlite3_stmt *st = store_stmt(s, "DELETE FROM council_items WHERE id = ?1 AND meeting_id = ?2");
	sqlite3_bind_int64(st, 1, item_id);
	sqlite3_bind_int64(st, 2, meeting_id);
	if ((rc = step_done(s, st, e, "removing an agenda item")))
		return rc;
	if (!sqlite3_changes(store_db(s)))
		return gz_fail(e, GZ_E_NOT_FOUND, "item_id", "agenda item %lld not found", (long long)item_id);
	return GZ_OK;
}

gz_err council_items(store *s, int64_t meeting_id, council_item_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, ITEM_SQL " WHERE i.meeting_id = ?1 ORDER BY i.seq");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the agenda");
	sqlite3_bind_int64(st, 1, meeting_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		council_item it;
		item_from_row(st, &it);
		if (fn(ctx, &it))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "reading the agenda");
}

gz_err council_case_meetings(store *s, const gz_user *u, int64_t case_id, council_meeting_visit fn, void *ctx,
			     gz_error *e)
{
	case_rec c;
	if (cases_get(s, u, case_id, gz_now(), &c, NULL))
		return gz_fail(e, GZ_E_NOT_FOUND, "case_id", "case %lld not found", (long long)case_id);
	case_free(&c);
	sqlite3_stmt *st = store_stmt(s, "SELECT DISTINCT meeting_id FROM council_items WHERE case_id = ?1"
					 " ORDER BY meeting_id DESC LIMIT 100");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the agenda");
	sqlite3_bind_int64(st, 1, case_id);
	int64_t ids[100];
	int n = 0;
	while (n < 100 && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	for (int i = 0; i < n; i++) {
		council_meeting m;
		if (council_meeting_get(s, u, ids[i], &m, NULL))
			continue;
		int stop = fn(ctx, &m);
		council_meeting_free(&m);
		if (stop)
			break;
	}
	return GZ_OK;
}

/* --- attendance and quorum ----------------------------------------------------------------- */

static bool is_member(store *s, const char *place_code, int64_t resident_id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM council_members WHERE place_code = ?1 AND resident_id = ?2"
					 " AND until_at IS NULL");
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, place_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, resident_id);
	return store_step_int(st) > 0;
}

gz_err council_checkin(store *s, const gz_user *u, int64_t meeting_id, int64_t resident_id, const char *token,
		       int64_t now, council_attendee *out, gz_error *e)
{
	council_meeting m;
	gz_err rc = council_meeting_get(s, u, meeting_id, &m, e);
	if (rc)
		return rc;
	council_meeting_free(&m);
	const council_rule *rule = council_rule_of(m.type);
	if (is_resident(u)) {
		/* The QR code shown at the venue proves the phone is there. */
		if (!token || strlen(token) != strlen(m.token) || sodium_memcmp(token, m.token, strlen(m.token)))
			return gz_fail(e, GZ_E_FORBIDDEN, "token", "scan the check-in code shown at the meeting");
	} else if (!(u->role & COUNCIL_CLERK_ROLES)) {
		return gz_fail(e, GZ_E_FORBIDDEN, NULL, "your role does not check attendees in");
	}
	if (strcmp(m.status, "open"))
		return gz_fail(e, GZ_E_CONFLICT, NULL, "meeting %lld is %s: check-in is while it is open", (long long)meeting_id,
			       m.status);
	gz_range range;
	scope_range_of(m.place_code, &range);
	reg_resident r;
	if (registry_resident_get(s, &range, resident_id, &r, NULL) ||
	    (is_resident(u) && r.household_id != u->household_id))
		return gz_fail(e, GZ_E_NOT_FOUND, "resident_id", "resident %lld not found at \"%s\"", (long long)resident_id,
			       m.place_code);
	if (strcmp(r.status, "present"))
		return gz_fail(e, GZ_E_CONFLICT, "resident_id", "resident %lld is no longer present", (long long)resident_id);
	char cutoff[11];
	adult_cutoff(now, cutoff);
	if (strcmp(r.birth_date, cutoff) > 0)
		return gz_fail(e, GZ_E_INVALID_VALUE, "resident_id", "resident %lld is not yet 18", (long long)resident_id);
	bool member = is_member(s, m.place_code, resident_id);
	if (rule->members && !member)
		return gz_fail(e, GZ_E_INVALID_VALUE, "resident_id", "resident %lld is not a registered member of the %s",
			       (long long)resident_id, rule->type);
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_attendance(meeting_id, resident_id, household_id, adult, member,"
					 " via, by_user, at) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7)");
	sqlite3_bind_int64(st, 1, meeting_id);
	sqlite3_bind_int64(st, 2, resident_id);
	sqlite3_bind_int64(st, 3, r.household_id);
	sqlite3_bind_int(st, 4, member);
	sqlite3_bind_text(st, 5, is_resident(u) ? "qr" : "clerk", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, now);
	rc = step_done(s, st, e, "checking in");
	if (rc == GZ_E_CONFLICT)
		return gz_fail(e, GZ_E_CONFLICT, "resident_id", "resident %lld is already checked in", (long long)resident_id);
	if (rc)
		return rc;
	*out = (council_attendee){.resident_id = resident_id, .household_id = r.household_id, .at = now};
	gz_strlcpy(out->name, r.name, sizeof out->name);
	gz_strlcpy(out->via, is_resident(u) ? "qr" : "clerk", sizeof out->via);
	gz_strlcpy(out->by, u->username, sizeof out->by);
	return GZ_OK;
}

gz_err council_attendees(store *s, int64_t meeting_id, int limit, council_attendee_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT a.resident_id, a.household_id, a.at, coalesce(r.name, ''), a.via, a.by_user"
					 " FROM council_attendance a LEFT JOIN residents r ON r.id = a.resident_id"
					 " WHERE a.meeting_id = ?1 ORDER BY a.at, a.resident_id LIMIT ?2");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the attendance");
	sqlite3_bind_int64(st, 1, meeting_id);
	sqlite3_bind_int(st, 2, limit);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		council_attendee a = {.resident_id = sqlite3_column_int64(st, 0),
				      .household_id = sqlite3_column_int64(st, 1),
				      .at = sqlite3_column_int64(st, 2)};
		col_copy(st, 3, a.name, sizeof a.name);
		col_copy(st, 4, a.via, sizeof a.via);
		col_copy(st, 5, a.by, sizeof a.by);
		if (fn(ctx, &a))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "reading the attendance");
}

gz_err council_quorum_of(store *s, const council_meeting *m, council_quorum *q, gz_error *e)
{
	memset(q, 0, sizeof *q);
	const council_rule *rule = council_rule_of(m->type);
	if (!rule)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "meeting %lld has an unknown type", (long long)m->id);
	gz_range range;
	scope_range_of(m->place_code, &range);
	char cutoff[11];
	adult_cutoff(gz_now(), cutoff);
	gz_err rc = registry_electorate(s, &range, cutoff, &q->adults, &q->households, e);
	if (rc)
		return rc;
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM council_members WHERE place_code = ?1 AND until_at IS NULL");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot count members");
	sqlite3_bind_text(st, 1, m->place_code, -1, SQLITE_TRANSIENT);
	q->members = store_step_int(st);
	st = store_stmt(s, "SELECT count(*), coalesce(sum(adult), 0), count(DISTINCT household_id), coalesce(sum(member), 0)"
			   " FROM council_attendance WHERE meeting_id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot count the attendance");
	sqlite3_bind_int64(st, 1, m->id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		q->present = sqlite3_column_int64(st, 0);
		q->adults_present = sqlite3_column_int64(st, 1);
		q->households_present = sqlite3_column_int64(st, 2);
		q->members_present = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	council_quorum_eval(rule, q);
	return GZ_OK;
}

/* --- votes --------------------------------------------------------------------------------- */

static const char *const choices[] = {"yes", "no", "abstain", NULL};

static void vote_rule_text(const council_rule *rule, const council_vote *v, char *out, size_t n)
{
	const char *law = *rule->law ? rule->law : NULL;
	snprintf(out, n, "%s%s%s%s：%s；赞成%lld票，反对%lld票，弃权%lld票，到会%lld人%s，%s", law ? "《" : "", law ? law : "",
		 law ? "》" : "", law ? rule->article : rule->name, rule->decision_text, (long long)v->yes, (long long)v->no,
		 (long long)v->abstain, (long long)v->present, strcmp(v->method, "secret") ? "（举手表决）" : "（无记名投票）",
		 v->passed ? "通过" : "未通过");
}

static void vote_from_row(sqlite3_stmt *st, council_vote *v)
{
	memset(v, 0, sizeof *v);
	v->id = sqlite3_column_int64(st, 0);
	v->meeting_id = sqlite3_column_int64(st, 1);
	v->item_id = sqlite3_column_int64(st, 2);
	col_copy(st, 3, v->question, sizeof v->question);
	col_copy(st, 4, v->method, sizeof v->method);
	col_copy(st, 5, v->status, sizeof v->status);
	v->opened_at = sqlite3_column_int64(st, 12);
	v->closed_at = sqlite3_column_int64(st, 13);
	if (strcmp(v->status, "closed"))
		return; /* no result before the vote closes */
	v->yes = sqlite3_column_int64(st, 6);
	v->no = sqlite3_column_int64(st, 7);
	v->abstain = sqlite3_column_int64(st, 8);
	v->present = sqlite3_column_int64(st, 9);
	v->cast = sqlite3_column_int64(st, 10);
	v->passed = sqlite3_column_int(st, 11) != 0;
	col_copy(st, 14, v->rule, sizeof v->rule);
}

#define VOTE_COLS                                                                                                   \
	"id, meeting_id, coalesce(item_id, 0), question, method, status, yes, no, abstain, present, cast_n, passed," \
	" opened_at, coalesce(closed_at, 0), rule"

static gz_err vote_load(store *s, int64_t id, council_vote *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " VOTE_COLS " FROM council_votes WHERE id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read votes");
	sqlite3_bind_int64(st, 1, id);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		vote_from_row(st, out);
	sqlite3_reset(st);
	return found ? GZ_OK : gz_fail(e, GZ_E_NOT_FOUND, "vote_id", "vote %lld not found", (long long)id);
}

gz_err council_vote_get(store *s, const gz_user *u, int64_t vote_id, council_vote *out, gz_error *e)
{
	gz_err rc = vote_load(s, vote_id, out, e);
	if (rc)
		return rc;
	council_meeting m;
	if (council_meeting_get(s, u, out->meeting_id, &m, NULL))
		return gz_fail(e, GZ_E_NOT_FOUND, "vote_id", "vote %lld not found", (long long)vote_id);
	council_meeting_free(&m);
	return GZ_OK;
}

gz_err council_vote_create(store *s, const gz_user *u, int64_t meeting_id, int64_t item_id, const char *question,
			   const char *method, int64_t yes, int64_t no, int64_t abstain, int64_t now, council_vote *out,
			   gz_error *e)
{
	council_meeting m;
	gz_err rc = council_meeting_get(s, u, meeting_id, &m, e);
	if (rc)
		return rc;
	council_meeting_free(&m);
	const council_rule *rule = council_rule_of(m.type);
	if ((rc = may_manage(u, rule, e)))
		return rc;
	if ((rc = gz_text_check("question", question, 1, COUNCIL_TITLE_MAX, e)))
		return rc;
	bool secret;
	if (method && !strcmp(method, "secret"))
		secret = true;
	else if (method && !strcmp(method, "open"))
		secret = false;
	else
		return gz_fail(e, GZ_E_INVALID_VALUE, "method", "method must be open (a show of hands) or secret (ballots)");
	if (strcmp(m.status, "open"))
		return gz_fail(e, GZ_E_CONFLICT, NULL, "meeting %lld is %s: votes are taken while it is open", (long long)meeting_id,
			       m.status);
	if (item_id) {
		sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM council_items WHERE id = ?1 AND meeting_id = ?2");
		sqlite3_bind_int64(st, 1, item_id);
		sqlite3_bind_int64(st, 2, meeting_id);
		if (!store_step_int(st))
			return gz_fail(e, GZ_E_NOT_FOUND, "item_id", "agenda item %lld not found", (long long)item_id);
	}
	if (count_of(s, "SELECT count(*) FROM council_votes WHERE meeting_id = ?1", meeting_id) >= COUNCIL_VOTES_MAX)
		return gz_fail(e, GZ_E_CONFLICT, NULL, "meeting %lld has taken %d votes, the most it may", (long long)meeting_id,
			       COUNCIL_VOTES_MAX);
	council_vote v = {.yes = yes, .no = no, .abstain = abstain, .present = m.present};
	gz_strlcpy(v.method, secret ? "secret" : "open", sizeof v.method);
	if (!secret) {
		if (yes < 0 || no < 0 || abstain < 0)
			return gz_fail(e, GZ_E_INVALID_VALUE, "yes", "counts cannot be negative");
		if (m.present == 0)
			return gz_fail(e, GZ_E_CONFLICT, NULL, "nobody is checked in at meeting %lld", (long long)meeting_id);
		if (yes + no + abstain > m.present)
			return gz_fail(e, GZ_E_INVALID_VALUE, "yes", "%lld votes counted but only %lld present",
				       (long long)(yes + no + abstain), (long long)m.present);
		v.passed = council_meets(yes, m.present, &rule->decision);
		vote_rule_text(rule, &v, v.rule, sizeof v.rule);
	} else if (yes || no || abstain) {
		return gz_fail(e, GZ_E_INVALID_VALUE, "yes", "a secret ballot is counted from its ballots, not given counts");
	}
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_votes(meeting_id, item_id, question, method, status, yes, no, abstain,"
					 " present, cast_n, passed, rule, opened_at, closed_at)"
					 " VALUES (?1, nullif(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
	sqlite3_bind_int64(st, 1, meeting_id);
	sqlite3_bind_int64(st, 2, item_id);
	sqlite3_bind_text(st, 3, question, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, v.method, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, secret ? "open" : "closed", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, secret ? 0 : yes);
	sqlite3_bind_int64(st, 7, secret ? 0 : no);
	sqlite3_bind_int64(st, 8, secret ? 0 : abstain);
	sqlite3_bind_int64(st, 9, secret ? 0 : m.present);
	sqlite3_bind_int64(st, 10, secret ? 0 : yes + no + abstain);
	sqlite3_bind_int(st, 11, !secret && v.passed);
	sqlite3_bind_text(st, 12, secret ? "" : v.rule, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 13, now);
	if (secret)
		sqlite3_bind_null(st, 14);
	else
		sqlite3_bind_int64(st, 14, now);
	if ((rc = step_done(s, st, e, "recording a vote")))
		return rc;
	return vote_load(s, sqlite3_last_insert_rowid(store_db(s)), out, e);
}

/* Count a secret ballot and close it. The number of ballots must equal the number of voters:
 * checked always, a mismatch would mean a lost or an extra ballot. */
static gz_err vote_count(store *s, int64_t vote_id, const council_rule *rule, int64_t present, int64_t now, gz_error *e)
{
	council_vote v;
	gz_err rc = vote_load(s, vote_id, &v, e);
	if (rc)
		return rc;
	int64_t n[3] = {0, 0, 0};
	sqlite3_stmt *st = store_stmt(s, "SELECT choice, count(*) FROM council_ballots WHERE vote_id = ?1 GROUP BY choice");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot count ballots");
	sqlite3_bind_int64(st, 1, vote_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *c = store_col_text(st, 0);
		for (int i = 0; i < 3; i++)
			if (!strcmp(c, choices[i]))
				n[i] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	int64_t voters = count_of(s, "SELECT count(*) FROM council_voted WHERE vote_id = ?1", vote_id);
	if (voters != n[0] + n[1] + n[2]) {
		gz_log(GZ_LOG_ERROR, "vote %lld: %lld voters but %lld ballots", (long long)vote_id, (long long)voters,
		       (long long)(n[0] + n[1] + n[2]));
		return gz_fail(e, GZ_E_INTERNAL, NULL, "vote %lld: the ballots do not match the voters", (long long)vote_id);
	}
	v.yes = n[0], v.no = n[1], v.abstain = n[2], v.present = present, v.cast = voters;
	gz_strlcpy(v.method, "secret", sizeof v.method);
	v.passed = council_meets(v.yes, present, &rule->decision);
	vote_rule_text(rule, &v, v.rule, sizeof v.rule);
	st = store_stmt(s, "UPDATE council_votes SET status = 'closed', yes = ?2, no = ?3, abstain = ?4, present = ?5,"
			   " cast_n = ?6, passed = ?7, rule = ?8, closed_at = ?9 WHERE id = ?1 AND status = 'open'");
	sqlite3_bind_int64(st, 1, vote_id);
	sqlite3_bind_int64(st, 2, v.yes);
	sqlite3_bind_int64(st, 3, v.no);
	sqlite3_bind_int64(st, 4, v.abstain);
	sqlite3_bind_int64(st, 5, present);
	sqlite3_bind_int64(st, 6, voters);
	sqlite3_bind_int(st, 7, v.passed);
	sqlite3_bind_text(st, 8, v.rule, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, now);
	return step_done(s, st, e, "closing a vote");
}

gz_err council_vote_close(store *s, const gz_user *u, int64_t vote_id, int64_t now, council_vote *out, gz_error *e)
{
	council_vote v;
	council_meeting m;
	gz_err rc = council_vote_get(s, u, vote_id, &v, e);
	if (rc || (rc = council_meeting_get(s, u, v.meeting_id, &m, e)))
		return rc;
	council_meeting_free(&m);
	const council_rule *rule = council_rule_of(m.type);
	if ((rc = may_manage(u, rule, e)))
		return rc;
	if (strcmp(v.status, "open"))
		return gz_fail(e, GZ_E_CONFLICT, NULL, "vote %lld is already closed", (long long)vote_id);
	if ((rc = vote_count(s, vote_id, rule, m.present, now, e)))
		return rc;
	return vote_load(s, vote_id, out, e);
}

gz_err council_ballot_cast(store *s, const gz_user *u, int64_t vote_id, int64_t resident_id, const char *choice,
			   gz_error *e)
{
	if (!is_resident(u) || !u->household_id)
		return gz_fail(e, GZ_E_FORBIDDEN, NULL, "a ballot is cast by the voter from a resident account");
	council_vote v;
	gz_err rc = council_vote_get(s, u, vote_id, &v, e);
	if (rc)
		return rc;
	int c = -1;
	for (int i = 0; choice && choices[i]; i++)
		if (!strcmp(choice, choices[i]))
			c = i;
	if (c < 0)
		return gz_fail(e, GZ_E_INVALID_VALUE, "choice", "choice must be yes, no or abstain");
	if (strcmp(v.method, "secret"))
		return gz_fail(e, GZ_E_CONFLICT, NULL, "vote %lld is a show of hands, not a ballot", (long long)vote_id);
	if (strcmp(v.status, "open"))
		return gz_fail(e, GZ_E_CONFLICT, NULL, "vote %lld is closed", (long long)vote_id);
	/* The voter: checked in at the meeting, and of the account's household. */
	sqlite3_stmt *st = store_stmt(s, "SELECT household_id FROM council_attendance WHERE meeting_id = ?1 AND resident_id = ?2");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read the attendance");
	sqlite3_bind_int64(st, 1, v.meeting_id);
	sqlite3_bind_int64(st, 2, resident_id);
	bool present = sqlite3_step(st) == SQLITE_ROW;
	int64_t household = present ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (!present || household != u->household_id)
		return gz_fail(e, GZ_E_FORBIDDEN, "resident_id", "resident %lld is not checked in at this meeting from your household",
			       (long long)resident_id);
	st = store_stmt(s, "INSERT INTO council_voted(vote_id, resident_id) VALUES (?1, ?2)");
	sqlite3_bind_int64(st, 1, vote_id);
	sqlite3_bind_int64(st, 2, resident_id);
	rc = step_done(s, st, e, "recording a voter");
	if (rc == GZ_E_CONFLICT)
		return gz_fail(e, GZ_E_CONFLICT, "resident_id", "resident %lld has already voted", (long long)resident_id);
	if (rc)
		return rc;
	unsigned char key[16];
	randombytes_buf(key, sizeof key);
	st = store_stmt(s, "INSERT INTO council_ballots(vote_id, ballot_key, choice) VALUES (?1, ?2, ?3)");
	sqlite3_bind_int64(st, 1, vote_id);
	sqlite3_bind_blob(st, 2, key, sizeof key, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, choices[c], -1, SQLITE_STATIC);
	return step_done(s, st, e, "recording a ballot");
}

bool council_has_voted(store *s, int64_t vote_id, int64_t resident_id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM council_voted WHERE vote_id = ?1 AND resident_id = ?2");
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, vote_id);
	sqlite3_bind_int64(st, 2, resident_id);
	return store_step_int(st) > 0;
}

gz_err council_votes(store *s, int64_t meeting_id, council_vote_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " VOTE_COLS " FROM council_votes WHERE meeting_id = ?1 ORDER BY id");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read votes");
	sqlite3_bind_int64(st, 1, meeting_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		council_vote v;
		vote_from_row(st, &v);
		if (fn(ctx, &v))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "reading votes");
}

/* --- resolutions ---------------------------------------------------------------------------- */

#define RES_COLS "id, meeting_id, coalesce(item_id, 0), vote_id, text, passed, rule, quorum, decided_by, decided_at"

static void res_from_row(sqlite3_stmt *st, council_resolution *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->meeting_id = sqlite3_column_int64(st, 1);
	r->item_id = sqlite3_column_int64(st, 2);
	r->vote_id = sqlite3_column_int64(st, 3);
	col_copy(st, 4, r->text, sizeof r->text);
	r->passed = sqlite3_column_int(st, 5) != 0;
	col_copy(st, 6, r->rule, sizeof r->rule);
	col_copy(st, 7, r->quorum, sizeof r->quorum);
	col_copy(st, 8, r->decided_by, sizeof r->decided_by);
	r->decided_at = sqlite3_column_int64(st, 9);
}

static gz_err res_load(store *s, int64_t id, council_resolution *out, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " RES_COLS " FROM council_resolutions WHERE id = ?1");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read resolutions");
	sqlite3_bind_int64(st, 1, id);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		res_from_row(st, out);
	sqlite3_reset(st);
	return found ? GZ_OK : gz_fail(e, GZ_E_NOT_FOUND, "id", "resolution %lld not found", (long long)id);
}

gz_err council_resolution_add(store *s, const gz_user *u, int64_t meeting_id, int64_t vote_id, const char *text,
			      int64_t now, council_resolution *out, gz_error *e)
{
	council_meeting m;
	gz_err rc = council_meeting_get(s, u, meeting_id, &m, e);
	if (rc)
		return rc;
	council_meeting_free(&m);
	const council_rule *rule = council_rule_of(m.type);
	if ((rc = may_manage(u, rule, e)) || (rc = gz_text_check_lines("text", text, 1, COUNCIL_TEXT_MAX, e)))
		return rc;
	if (strcmp(m.status, "open"))
		return gz_fail(e, GZ_E_CONFLICT, NULL, "meeting %lld is %s: resolutions are made while it is open",
			       (long long)meeting_id, m.status);
	council_vote v;
	if (vote_load(s, vote_id, &v, NULL) || v.meeting_id != meeting_id)
		return gz_fail(e, GZ_E_NOT_FOUND, "vote_id", "vote %lld not found at meeting %lld", (long long)vote_id,
			       (long long)meeting_id);
	if (strcmp(v.status, "closed"))
		return gz_fail(e, GZ_E_CONFLICT, "vote_id", "vote %lld is still open: close it first", (long long)vote_id);
	if (count_of(s, "SELECT count(*) FROM council_resolutions WHERE vote_id = ?1", vote_id))
		return gz_fail(e, GZ_E_CONFLICT, "vote_id", "vote %lld already has its resolution", (long long)vote_id);
	council_quorum q;
	if ((rc = council_quorum_of(s, &m, &q, e)))
		return rc;
	if (!q.quorate)
		return gz_fail(e, GZ_E_QUORUM_NOT_MET, NULL, "quorum not met for meeting %lld (%s, %s): %s", (long long)meeting_id,
			       rule->name, rule->article, q.text);
	sqlite3_stmt *st = store_stmt(s, "INSERT INTO council_resolutions(meeting_id, item_id, vote_id, text, passed, rule, quorum,"
					 " decided_by, decided_at) VALUES (?1, nullif(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	sqlite3_bind_int64(st, 1, meeting_id);
	sqlite3_bind_int64(st, 2, v.item_id);
	sqlite3_bind_int64(st, 3, vote_id);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, v.passed);
	sqlite3_bind_text(st, 6, v.rule, -1, SQLITE_TRANSIENT);
	char quorum[700];
	if (*rule->law)
		snprintf(quorum, sizeof quorum, "《%s》%s（%s）：%s", rule->law, rule->article, rule->quorum_text, q.zh);
	else
		snprintf(quorum, sizeof quorum, "%s：%s", rule->name, q.zh);
	sqlite3_bind_text(st, 7, quorum, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, u->username, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, now);
	if ((rc = step_done(s, st, e, "recording a resolution")))
		return rc;
	return res_load(s, sqlite3_last_insert_rowid(store_db(s)), out, e);
}

gz_err council_resolution_get(store *s, const gz_user *u, int64_t id, council_resolution *out, council_meeting *m,
			      gz_error *e)
{
	council_resolution r;
	council_meeting mm;
	if (res_load(s, id, &r, NULL) || council_meeting_get(s, u, r.meeting_id, &mm, NULL))
		return gz_fail(e, GZ_E_NOT_FOUND, "id", "resolution %lld not found", (long long)id);
	*out = r;
	if (m)
		*m = mm;
	else
		council_meeting_free(&mm);
	return GZ_OK;
}

gz_err council_resolutions(store *s, int64_t meeting_id, council_resolution_visit fn, void *ctx, gz_error *e)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " RES_COLS " FROM council_resolutions WHERE meeting_id = ?1 ORDER BY id");
	if (!st)
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot read resolutions");
	sqlite3_bind_int64(st, 1, meeting_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		council_resolution r;
		res_from_row(st, &r);
		if (fn(ctx, &r))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? GZ_OK : store_fail(s, rc, e, "reading resolutions");
}

gz_err council_resolution_publication(store *s, int64_t resolution_id, council_publication *out, gz_error *e)
{
	council_resolution r;
	council_meeting m;
	gz_err rc = res_load(s, resolution_id, &r, e);
	if (rc || (rc = meeting_load(s, r.meeting_id, &m, e)))
		return rc;
	council_meeting_free(&m);
	if (!r.passed)
		return gz_fail(e, GZ_E_CONFLICT, "id", "resolution %lld did not pass", (long long)resolution_id);
	memset(out, 0, sizeof *out);
	out->resolution_id = r.id;
	out->meeting_id = m.id;
	gz_strlcpy(out->place_code, m.place_code, sizeof out->place_code);
	gz_strlcpy(out->meeting_title, m.title, sizeof out->meeting_title);
	gz_strlcpy(out->meeting_type, m.type, sizeof out->meeting_type);
	gz_date_shanghai(r.decided_at, out->date);
	gz_strlcpy(out->text, r.text, sizeof out->text);
	gz_strlcpy(out->rule, r.rule, sizeof out->rule);
	return GZ_OK;
}
