/* test_board.c — the public board: publication and correction with their guards, the hash chain
 * against rows changed, deleted and inserted with SQL behind the domain's back, the vote rules at
 * every boundary, every 四议两公开 step against every state of a procedure, and Art. 30's schedule
 * on chosen dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board/board.h"
#include "cases/cases.h"
#include "core/secret.h"
#include "council/council.h"
#include "places/places.h"
#include "testkit.h"

static const char *const GAOFENG = "422802107213"; /* a village */
static const char *const QINGSHAN = "422802107215"; /* another village of the same township */
static const char *const XINMIN = "421003003006";  /* a community */

/* 2023-05-01 09:00 Beijing time. */
static const int64_t T0 = 1682902800;
enum { DAY = 86400 };

struct fx {
	char *dir;
	store *s;
	gz_user admin, cadre, supervisor, official, outsider, grid;
};

#define TX(call)                                                                \
	({                                                                      \
		gz_error e_ = {0};                                              \
		assert_int_equal(store_write_begin(f->s, &e_), GZ_OK);          \
		gz_err rc_ = (call);                                            \
		if (rc_)                                                        \
			store_write_rollback(f->s);                             \
		else                                                            \
			assert_int_equal(store_write_commit(f->s, &e_), GZ_OK); \
		rc_;                                                            \
	})

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = tk_tmpdir();
	f->s = tk_store(f->dir);
	unsigned char key[32] = {9};
	secret_set_key(key);
	places_import_stats st;
	gz_error e = {0};
	assert_int_equal(places_import(f->s, tk_fixture_places(), "test", NULL, NULL, &st, &e), GZ_OK);
	f->admin = (gz_user){.id = 1, .username = "admin", .role = ROLE_ADMIN, .scope = ""};
	f->cadre = (gz_user){.id = 2, .username = "gaofeng", .display_name = "高峰村村委会", .role = ROLE_CADRE, .scope = "422802107213"};
	f->supervisor = (gz_user){.id = 3, .username = "jianwei", .role = ROLE_SUPERVISOR, .scope = "422802107213"};
	f->official = (gz_user){.id = 4, .username = "wendou", .role = ROLE_OFFICIAL, .scope = "422802107"};
	f->outsider = (gz_user){.id = 5, .username = "qingshan", .role = ROLE_CADRE, .scope = "422802107215"};
	f->grid = (gz_user){.id = 6, .username = "wangge", .role = ROLE_GRID_WORKER, .scope = "422802107213"};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	tk_rmdir(f->dir);
	free(f);
	return 0;
}

static gz_err pub(struct fx *f, const gz_user *u, const char *code, const char *category, const char *title, int64_t when,
		  int64_t *id, gz_error *e)
{
	board_new in = {.place_code = code, .category = category, .title = title, .body = "公开内容\n第二行"};
	return TX(board_publish(f->s, u, &in, when, id, NULL, NULL, e));
}

static int64_t pub_ok(struct fx *f, const char *code, const char *category, const char *title, int64_t when)
{
	int64_t id = 0;
	gz_error e = {0};
	const gz_user *u = !strcmp(code, GAOFENG) ? &f->cadre : &f->outsider;
	if (pub(f, u, code, category, title, when, &id, &e))
		fail_msg("publish: %s", e.message);
	return id;
}

static void exec(struct fx *f, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(store_db(f->s), sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

struct problems {
	int n, changed, deleted, inserted;
	int64_t seq[16];
	char code[16][GZ_CODE_MAX + 1];
};

static void collect(void *ctx, const board_problem *p)
{
	struct problems *x = ctx;
	if (x->n < 16) {
		x->seq[x->n] = p->seq;
		strcpy(x->code[x->n], p->place_code);
	}
	x->n++;
	x->changed += p->kind == BOARD_CHANGED;
	x->deleted += p->kind == BOARD_DELETED;
	x->inserted += p->kind == BOARD_INSERTED;
}

static struct problems verify_all(struct fx *f, board_verify_stats *st)
{
	struct problems x = {0};
	gz_range all;
	scope_range_of("", &all);
	gz_error e = {0};
	assert_int_equal(board_verify(f->s, &all, collect, &x, st, &e), GZ_OK);
	assert_int_equal(st->problems, x.n);
	return x;
}

/* --- publication ------------------------------------------------------------------------- */

/* What the tests read of an entry, copied out of the statement's row. */
typedef struct {
	int64_t seq, corrects, corrected_by, procedure_id;
	int procedure_step;
	char category[16], hash[BOARD_HASH_HEX + 1], prev_hash[BOARD_HASH_HEX + 1], publisher_name[64];
} ent;

static int get_entry(void *ctx, const board_entry *en)
{
	ent *out = ctx;
	out->seq = en->seq;
	out->corrects = en->corrects;
	out->corrected_by = en->corrected_by;
	out->procedure_id = en->procedure_id;
	out->procedure_step = en->procedure_step;
	snprintf(out->category, sizeof out->category, "%s", en->category);
	snprintf(out->hash, sizeof out->hash, "%s", en->hash);
	snprintf(out->prev_hash, sizeof out->prev_hash, "%s", en->prev_hash);
	snprintf(out->publisher_name, sizeof out->publisher_name, "%s", en->publisher_name);
	return 0;
}

static ent entry_of(struct fx *f, int64_t id)
{
	ent en;
	gz_error e = {0};
	assert_int_equal(board_entry_get(f->s, NULL, id, get_entry, &en, &e), GZ_OK);
	return en;
}

static void publishing_chains_each_place(void **state)
{
	struct fx *f = *state;
	int64_t a = pub_ok(f, GAOFENG, "village", "一季度村务公开", T0);
	int64_t b = pub_ok(f, GAOFENG, "finance", "四月财务公开", T0 + DAY);
	int64_t c = pub_ok(f, QINGSHAN, "village", "青山村务公开", T0 + DAY);
	ent ea = entry_of(f, a), eb = entry_of(f, b), ec = entry_of(f, c);
	assert_int_equal(ea.seq, 1);
	assert_int_equal(eb.seq, 2);
	assert_int_equal(ec.seq, 1); /* each place has its own chain */
	assert_string_equal(ea.prev_hash, "0000000000000000000000000000000000000000000000000000000000000000");
	assert_string_equal(eb.prev_hash, ea.hash);
	assert_string_not_equal(ea.hash, ec.hash);
	assert_string_equal(ea.publisher_name, "高峰村村委会");
	assert_int_equal(strlen(ea.hash), BOARD_HASH_HEX);
	board_verify_stats st;
	struct problems x = verify_all(f, &st);
	assert_int_equal(x.n, 0);
	assert_int_equal(st.entries, 3);
	assert_int_equal(st.places, 2);
}

static void publication_guards(void **state)
{
	struct fx *f = *state;
	int64_t id;
	gz_error e = {0};
	/* Scope: another village's cadre does not see 高峰村. */
	assert_int_equal(pub(f, &f->outsider, GAOFENG, "village", "越权", T0, &id, &e), GZ_E_NOT_FOUND);
	/* A township official publishes in its subtree; a grid worker does not publish. */
	assert_int_equal(pub(f, &f->official, GAOFENG, "policy", "政策宣传", T0, &id, &e), GZ_OK);
	assert_int_equal(pub(f, &f->grid, GAOFENG, "village", "网格员", T0, &id, &e), GZ_E_FORBIDDEN);
	/* The supervision committee publishes its own reports only, and only it (or admin) does. */
	assert_int_equal(pub(f, &f->supervisor, GAOFENG, "village", "监委会发村务", T0, &id, &e), GZ_E_FORBIDDEN);
	assert_string_equal(e.field, "category");
	assert_int_equal(pub(f, &f->supervisor, GAOFENG, "supervision", "监督报告", T0, &id, &e), GZ_OK);
	assert_int_equal(pub(f, &f->cadre, GAOFENG, "supervision", "冒名监督", T0, &id, &e), GZ_E_FORBIDDEN);
	assert_int_equal(pub(f, &f->admin, GAOFENG, "supervision", "管理员", T0, &id, &e), GZ_OK);
	/* Procedure entries come only from a procedure; unknown categories and places are refused. */
	assert_int_equal(pub(f, &f->cadre, GAOFENG, "procedure", "手工四议", T0, &id, &e), GZ_E_INVALID_VALUE);
	assert_int_equal(pub(f, &f->cadre, GAOFENG, "gossip", "闲话", T0, &id, &e), GZ_E_INVALID_VALUE);
	assert_int_equal(pub(f, &f->admin, "422802107", "village", "乡镇", T0, &id, &e), GZ_E_INVALID_VALUE);
	assert_int_equal(pub(f, &f->admin, "999999999999", "village", "无此村", T0, &id, &e), GZ_E_NOT_FOUND);
	/* Text limits. */
	char longt[BOARD_TITLE_MAX * 3 + 4] = "";
	for (int i = 0; i <= BOARD_TITLE_MAX; i++)
		strcat(longt, "字");
	assert_int_equal(pub(f, &f->cadre, GAOFENG, "village", longt, T0, &id, &e), GZ_E_INVALID_VALUE);
	assert_int_equal(pub(f, &f->cadre, GAOFENG, "village", "  ", T0, &id, &e), GZ_E_INVALID_VALUE);
	board_new bad = {.place_code = GAOFENG, .category = "finance", .title = "期间", .body = "x", .period = "2023-13"};
	assert_int_equal(TX(board_publish(f->s, &f->cadre, &bad, T0, &id, NULL, NULL, &e)), GZ_E_INVALID_VALUE);
	bad.period = "2023-Q5";
	assert_int_equal(TX(board_publish(f->s, &f->cadre, &bad, T0, &id, NULL, NULL, &e)), GZ_E_INVALID_VALUE);
	bad.period = "2023-Q4";
	assert_int_equal(TX(board_publish(f->s, &f->cadre, &bad, T0, &id, NULL, NULL, &e)), GZ_OK);
	/* A refused publication left nothing behind: 4 entries and an intact chain. */
	board_verify_stats st;
	assert_int_equal(verify_all(f, &st).n, 0);
	assert_int_equal(st.entries, 4);
}

static void corrections_point_to_the_old_entry(void **state)
{
	struct fx *f = *state;
	int64_t old = pub_ok(f, GAOFENG, "finance", "五月财务公开", T0);
	int64_t id;
	gz_error e = {0};
	board_new in = {.place_code = GAOFENG, .category = "finance", .title = "五月财务公开（更正）", .body = "更正后的内容",
			.corrects = old};
	/* A correction needs its reason. */
	assert_int_equal(TX(board_publish(f->s, &f->cadre, &in, T0 + DAY, &id, NULL, NULL, &e)), GZ_E_MISSING_FIELD);
	assert_string_equal(e.field, "reason");
	in.reason = "支出金额录入错误";
	/* It keeps place and category. */
	in.category = "village";
	assert_int_equal(TX(board_publish(f->s, &f->cadre, &in, T0 + DAY, &id, NULL, NULL, &e)), GZ_E_INVALID_VALUE);
	in.category = "finance";
	/* Another village cannot correct it (not found for them). */
	board_new other = in;
	other.place_code = QINGSHAN;
	assert_int_equal(TX(board_publish(f->s, &f->outsider, &other, T0 + DAY, &id, NULL, NULL, &e)), GZ_E_NOT_FOUND);
	assert_int_equal(TX(board_publish(f->s, &f->cadre, &in, T0 + DAY, &id, NULL, NULL, &e)), GZ_OK);
	ent eo = entry_of(f, old), en = entry_of(f, id);
	assert_int_equal(eo.corrected_by, id);
	assert_int_equal(en.corrects, old);
	assert_int_equal(en.corrected_by, 0);
	/* One correction per entry: the next one corrects the correction. */
	assert_int_equal(TX(board_publish(f->s, &f->cadre, &in, T0 + 2 * DAY, &id, NULL, NULL, &e)), GZ_E_CONFLICT);
	in.corrects = id;
	assert_int_equal(TX(board_publish(f->s, &f->cadre, &in, T0 + 2 * DAY, &id, NULL, NULL, &e)), GZ_OK);
	/* A reason without a correction is refused. */
	board_new plain = {.place_code = GAOFENG, .category = "village", .title = "t", .body = "b", .reason = "无"};
	assert_int_equal(TX(board_publish(f->s, &f->cadre, &plain, T0, &id, NULL, NULL, &e)), GZ_E_INVALID_VALUE);
	board_verify_stats st;
	assert_int_equal(verify_all(f, &st).n, 0);
}

/* --- the chain against SQL behind the platform's back ------------------------------------------- */

static void verify_finds_changed_deleted_and_inserted_rows(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < 5; i++)
		pub_ok(f, GAOFENG, "village", "村务公开", T0 + i * DAY);
	pub_ok(f, QINGSHAN, "village", "青山", T0);
	board_verify_stats st;
	assert_int_equal(verify_all(f, &st).n, 0);

	/* Each field the hash covers: changing it is seen, naming place and entry. */
	static const char *const edits[] = {
		"UPDATE board_entries SET body = body || '改' WHERE place_code = '422802107213' AND seq = 2",
		"UPDATE board_entries SET title = '改' WHERE place_code = '422802107213' AND seq = 2",
		"UPDATE board_entries SET published_at = published_at + 1 WHERE place_code = '422802107213' AND seq = 2",
		"UPDATE board_entries SET publisher = 'someone' WHERE place_code = '422802107213' AND seq = 2",
		"UPDATE board_entries SET category = 'finance' WHERE place_code = '422802107213' AND seq = 2",
		"UPDATE board_entries SET period = '2023' WHERE place_code = '422802107213' AND seq = 2",
	};
	for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
		exec(f, "SAVEPOINT t");
		exec(f, edits[i]);
		struct problems x = verify_all(f, &st);
		assert_int_equal(x.n, 1);
		assert_int_equal(x.changed, 1);
		assert_int_equal(x.seq[0], 2);
		assert_string_equal(x.code[0], GAOFENG);
		exec(f, "ROLLBACK TO t");
		exec(f, "RELEASE t");
	}
	/* A middle row deleted. */
	exec(f, "SAVEPOINT t");
	exec(f, "DELETE FROM board_entries WHERE place_code = '422802107213' AND seq = 3");
	struct problems x = verify_all(f, &st);
	assert_int_equal(x.deleted, 1);
	assert_int_equal(x.seq[0], 3);
	exec(f, "ROLLBACK TO t");
	/* The newest row deleted: the head still counts it. */
	exec(f, "DELETE FROM board_entries WHERE place_code = '422802107213' AND seq = 5");
	x = verify_all(f, &st);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.deleted, 1);
	assert_int_equal(x.seq[0], 5);
	exec(f, "ROLLBACK TO t");
	/* The newest row deleted with the head moved back: entry 5's successor never existed, but
	 * the head's hash is no longer that of entry 4. */
	exec(f, "DELETE FROM board_entries WHERE place_code = '422802107213' AND seq = 5");
	exec(f, "UPDATE board_heads SET seq = 4 WHERE place_code = '422802107213'");
	x = verify_all(f, &st);
	assert_int_equal(x.changed, 1);
	exec(f, "ROLLBACK TO t");
	/* A row inserted past the head, and one renumbered into a gap. */
	exec(f, "INSERT INTO board_entries(place_code, seq, category, title, body, publisher, publisher_name, publisher_role,"
		" published_at, prev_hash, hash) SELECT place_code, 6, category, '伪造', body, publisher, publisher_name,"
		" publisher_role, published_at, hash, hash FROM board_entries WHERE place_code = '422802107213' AND seq = 5");
	x = verify_all(f, &st);
	assert_true(x.inserted >= 1);
	assert_true(x.changed >= 1); /* its copied hash does not cover its content */
	exec(f, "ROLLBACK TO t");
	exec(f, "UPDATE board_entries SET seq = 9 WHERE place_code = '422802107213' AND seq = 5");
	x = verify_all(f, &st);
	assert_true(x.changed >= 1 && x.deleted >= 1);
	exec(f, "ROLLBACK TO t");
	/* Every row of a place deleted: its head remembers them. */
	exec(f, "DELETE FROM board_entries WHERE place_code = '422802107215'");
	x = verify_all(f, &st);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.deleted, 1);
	assert_string_equal(x.code[0], QINGSHAN);
	exec(f, "ROLLBACK TO t");
	exec(f, "RELEASE t");
	assert_int_equal(verify_all(f, &st).n, 0);
	/* A subtree: only its places are checked. */
	gz_range r;
	scope_range_of(QINGSHAN, &r);
	gz_error e = {0};
	assert_int_equal(board_verify(f->s, &r, NULL, NULL, &st, &e), GZ_OK);
	assert_int_equal(st.places, 1);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.head_seq, 1);
	assert_int_equal(strlen(st.head_hash), BOARD_HASH_HEX);
}

/* --- vote rules --------------------------------------------------------------------------- */

static board_rule rule(struct fx *f, const char *meeting)
{
	board_rule r;
	gz_error e = {0};
	assert_int_equal(board_rule_of(f->s, GAOFENG, meeting, &r, &e), GZ_OK);
	return r;
}

static gz_err apply(const board_rule *r, int64_t yes, int64_t no, int64_t abst, int64_t present, int64_t due, bool *passed)
{
	board_votes v = {yes, no, abst, present, due, false};
	gz_error e = {0};
	return board_rule_apply(r, &v, passed, &e);
}

static void vote_rules_at_their_boundaries(void **state)
{
	struct fx *f = *state;
	bool p;
	/* Party members' meeting (LAW.md 5.3): at least 2/3 present, more than half of those due. */
	board_rule party = rule(f, "party");
	assert_true(strstr(party.source, "5.3") != NULL);
	assert_int_equal(apply(&party, 0, 0, 0, 28, 42, &p), GZ_OK);          /* exactly two thirds */
	assert_int_equal(apply(&party, 0, 0, 0, 27, 42, &p), GZ_E_QUORUM_NOT_MET); /* one below */
	assert_int_equal(apply(&party, 21, 0, 0, 40, 42, &p), GZ_OK);
	assert_false(p); /* exactly half of those due */
	assert_int_equal(apply(&party, 22, 0, 0, 40, 42, &p), GZ_OK);
	assert_true(p); /* one more than half */
	assert_int_equal(apply(&party, 21, 0, 0, 28, 42, &p), GZ_OK);
	assert_false(p); /* 21 of 28 present is most of them, but not of the 42 due */
	/* Representatives (Art. 26): at least 2/3 of members, more than half of those present. */
	board_rule reps = rule(f, "representatives");
	assert_true(strstr(reps.source, "第二十六条") != NULL);
	assert_int_equal(apply(&reps, 0, 0, 0, 20, 30, &p), GZ_OK);
	assert_int_equal(apply(&reps, 0, 0, 0, 19, 30, &p), GZ_E_QUORUM_NOT_MET);
	assert_int_equal(apply(&reps, 10, 10, 0, 20, 30, &p), GZ_OK);
	assert_false(p);
	assert_int_equal(apply(&reps, 11, 9, 0, 20, 30, &p), GZ_OK);
	assert_true(p);
	/* Villagers (Art. 22): more than half of those due. */
	board_rule vill = rule(f, "villagers");
	assert_int_equal(apply(&vill, 0, 0, 0, 50, 100, &p), GZ_E_QUORUM_NOT_MET); /* exactly half */
	assert_int_equal(apply(&vill, 26, 0, 0, 51, 100, &p), GZ_OK);
	assert_true(p);
	assert_int_equal(apply(&vill, 25, 26, 0, 51, 100, &p), GZ_OK);
	assert_false(p);
	/* Counts that do not add up. */
	assert_int_equal(apply(&vill, 30, 30, 0, 51, 100, &p), GZ_E_INVALID_VALUE);
	assert_int_equal(apply(&vill, 0, 0, 0, 101, 100, &p), GZ_E_INVALID_VALUE);
	assert_int_equal(apply(&vill, 0, 0, 0, 0, 0, &p), GZ_E_INVALID_VALUE);
	assert_int_equal(apply(&vill, -1, 0, 0, 60, 100, &p), GZ_E_INVALID_VALUE);
	/* The law's two rules are council's table, written once: the same fractions as council_rules
	 * (Art. 26, Art. 22 with both alternatives), and no place sets them. */
	const council_rule *cr = council_rule_of("village_reps");
	assert_true(reps.law);
	assert_int_equal(reps.quorum_num, cr->quorum[0].num);
	assert_int_equal(reps.quorum_den, cr->quorum[0].den);
	assert_int_equal(reps.quorum_strict, !cr->quorum[0].inclusive);
	assert_int_equal(reps.pass_strict, !cr->decision.inclusive);
	cr = council_rule_of("village_assembly");
	assert_int_equal(vill.quorum_num * cr->quorum[0].den, cr->quorum[0].num * vill.quorum_den);
	board_rule byhh;
	assert_true(board_law_rule("villagers", true, &byhh));
	assert_int_equal(byhh.quorum_num, cr->quorum[1].num);
	assert_int_equal(byhh.quorum_den, cr->quorum[1].den);
	assert_true(strstr(byhh.source, "按户计") != NULL);
	/* Households: at least two thirds (以上 includes the number). */
	assert_int_equal(apply(&byhh, 34, 0, 0, 66, 99, &p), GZ_OK); /* exactly two thirds */
	assert_true(p);
	assert_int_equal(apply(&byhh, 0, 0, 0, 65, 99, &p), GZ_E_QUORUM_NOT_MET); /* one below */
	assert_int_equal(apply(&byhh, 0, 0, 0, 66, 100, &p), GZ_E_QUORUM_NOT_MET); /* below two thirds of 100 */
	assert_int_equal(apply(&byhh, 33, 33, 0, 66, 99, &p), GZ_OK);
	assert_false(p); /* exactly half of those present */
	assert_false(board_law_rule("party", false, &byhh));
	board_rule lawful = reps;
	strcpy(lawful.source, "某县村民代表会议规则");
	lawful.quorum_num = 1;
	lawful.quorum_den = 2;
	gz_error le = {0};
	assert_int_equal(TX(board_rule_set(f->s, &f->official, "422802107", &lawful, T0, &le)), GZ_E_INVALID_VALUE);
	assert_string_equal(le.field, "meeting");
	/* A place's own rule overrides the default for its subtree only. */
	board_rule mine = party;
	mine.quorum_num = 4;
	mine.quorum_den = 5;
	strcpy(mine.source, "某县党员大会议事规则第五条");
	gz_error e = {0};
	assert_int_equal(TX(board_rule_set(f->s, &f->official, "422802107", &mine, T0, &e)), GZ_OK);
	board_rule now = rule(f, "party");
	assert_string_equal(now.set_at, "422802107");
	assert_int_equal(apply(&now, 0, 0, 0, 28, 42, &p), GZ_E_QUORUM_NOT_MET);
	board_rule elsewhere;
	assert_int_equal(board_rule_of(f->s, XINMIN, "party", &elsewhere, &e), GZ_OK);
	assert_string_equal(elsewhere.set_at, "");
	/* Outside scope, bad fractions. */
	assert_int_equal(TX(board_rule_set(f->s, &f->official, "421003", &mine, T0, &e)), GZ_E_NOT_FOUND);
	mine.quorum_num = 6;
	assert_int_equal(TX(board_rule_set(f->s, &f->official, "422802107", &mine, T0, &e)), GZ_E_INVALID_VALUE);
}

/* --- 四议两公开 ---------------------------------------------------------------------------- */

static board_step_in step_in(int step, const char *held_on)
{
	board_step_in in = {.step = step, .held_on = held_on, .document = "会议记录"};
	if (step >= BOARD_STEP_CONSULT && step <= BOARD_STEP_RESOLVE) {
		in.has_votes = true;
		in.votes = (board_votes){30, 0, 0, 30, 35, false};
	}
	if (step == BOARD_STEP_RESOLVE)
		in.meeting = "representatives";
	return in;
}

static const char *const dates[] = {"", "2023-05-08", "2023-05-12", "2023-05-19", "2023-05-26", "2023-05-28", "2023-09-15"};

struct proc_state {
	char status[12];
	int next;
};

static int keep_proc(void *ctx, const board_procedure *p)
{
	struct proc_state *x = ctx;
	strcpy(x->status, p->status);
	x->next = p->next_step;
	return 0;
}

static struct proc_state proc(struct fx *f, int64_t id)
{
	struct proc_state x;
	gz_error e = {0};
	assert_int_equal(board_procedure_get(f->s, &f->cadre, id, keep_proc, &x, &e), GZ_OK);
	return x;
}

static int64_t start(struct fx *f)
{
	board_step_in p = step_in(BOARD_STEP_PROPOSAL, dates[1]);
	int64_t id;
	gz_error e = {0};
	if (TX(board_procedure_create(f->s, &f->cadre, GAOFENG, "修建村道", &p, T0 + 200 * DAY, &id, &e)))
		fail_msg("create: %s", e.message);
	return id;
}

static void every_step_out_of_order_is_refused(void **state)
{
	struct fx *f = *state;
	int64_t id = start(f), entry;
	gz_error e = {0};
	int64_t now = T0 + 200 * DAY;
	/* At each state (next step 2..6), every other step is a 409 and changes nothing. */
	for (int next = BOARD_STEP_CONSULT; next <= BOARD_STEP_RESULT; next++) {
		for (int s = 1; s <= BOARD_STEPS; s++) {
			if (s == next)
				continue;
			board_step_in in = step_in(s, dates[next]);
			assert_int_equal(TX(board_procedure_step(f->s, &f->cadre, id, &in, now, &entry, &e)), GZ_E_CONFLICT);
			assert_int_equal(proc(f, id).next, next);
		}
		board_step_in in = step_in(next, dates[next]);
		assert_int_equal(TX(board_procedure_step(f->s, &f->cadre, id, &in, now, &entry, &e)), GZ_OK);
		if (next == BOARD_STEP_PUBLISH || next == BOARD_STEP_RESULT) {
			/* The 公开 steps publish an entry linked to the procedure. */
			assert_true(entry > 0);
			ent en = entry_of(f, entry);
			assert_string_equal(en.category, "procedure");
			assert_int_equal(en.procedure_id, id);
			assert_int_equal(en.procedure_step, next);
		} else {
			assert_int_equal(entry, 0);
		}
	}
	struct proc_state x = proc(f, id);
	assert_string_equal(x.status, "done");
	assert_int_equal(x.next, 0);
	for (int s = 1; s <= BOARD_STEPS; s++) {
		board_step_in in = step_in(s, "2023-10-01");
		assert_int_equal(TX(board_procedure_step(f->s, &f->cadre, id, &in, now, &entry, &e)), GZ_E_CONFLICT);
	}
	/* The procedure's entries are in the chain and cannot be corrected by hand. */
	board_verify_stats st;
	assert_int_equal(verify_all(f, &st).n, 0);
	assert_int_equal(st.entries, 2);
}

static void step_guards(void **state)
{
	struct fx *f = *state;
	int64_t now = T0 + 200 * DAY, entry, id;
	gz_error e = {0};
	board_step_in p = step_in(BOARD_STEP_PROPOSAL, dates[1]);
	/* Villages only, in scope, by the committees or above. */
	assert_int_equal(TX(board_procedure_create(f->s, &f->admin, XINMIN, "社区事项", &p, now, &id, &e)), GZ_E_INVALID_VALUE);
	assert_int_equal(TX(board_procedure_create(f->s, &f->outsider, GAOFENG, "越权", &p, now, &id, &e)), GZ_E_NOT_FOUND);
	assert_int_equal(TX(board_procedure_create(f->s, &f->supervisor, GAOFENG, "监委会", &p, now, &id, &e)), GZ_E_FORBIDDEN);
	p.held_on = "2023-02-30";
	assert_int_equal(TX(board_procedure_create(f->s, &f->cadre, GAOFENG, "日期", &p, now, &id, &e)), GZ_E_INVALID_VALUE);
	p.held_on = "2030-01-01"; /* after "now" */
	assert_int_equal(TX(board_procedure_create(f->s, &f->cadre, GAOFENG, "未来", &p, now, &id, &e)), GZ_E_INVALID_VALUE);
	id = start(f);
	/* A step dated before the previous one; a voting step without its votes; votes on a step
	 * that has none; the resolution without its meeting. */
	board_step_in in = step_in(BOARD_STEP_CONSULT, "2023-05-07");
	assert_int_equal(TX(board_procedure_step(f->s, &f->cadre, id, &in, now, &entry, &e)), GZ_E_INVALID_VALUE);
	assert_string_equal(e.field, "held_on");
	in = step_in(BOARD_STEP_CONSULT, dates[2]);
	in.has_votes = false;
	assert_int_equal(TX(board_procedure_step(f->s, &f->cadre, id, &in, now, &entry, &e)), GZ_E_MISSING_FIELD);
	in = step_in(BOARD_STEP_CONSULT, dates[2]);
	assert_int_equal(TX(board_procedure_step(f->s, &f->cadre, id, &in, now, &entry, &e)), GZ_OK);
	/* The party members' meeting without quorum is not recorded (422). */
	in = step_in(BOARD_STEP_REVIEW, dates[3]);
	in.votes = (board_votes){20, 0, 0, 23, 35, false};
	assert_int_equal(TX(board_procedure_step(f->s, &f->cadre, id, &in, now, &entry, &e)), GZ_E_QUORUM_NOT_MET);
	assert_int_equal(proc(f, id).next, BOARD_STEP_REVIEW);
	in.votes = (board_votes){24, 0, 0, 24, 35, false};
	assert_int_equal(TX(board_procedure_step(f->s, &f->cadre, id, &in, now, &entry, &e)), GZ_OK);
	in = step_in(BOARD_STEP_RESOLVE, dates[4]);
	in.meeting = NULL;
	assert_int_equal(TX(board_procedure_step(f->s, &f->cadre, id, &in, now, &entry, &e)), GZ_E_INVALID_VALUE);
	in.meeting = "party";
	assert_int_equal(TX(board_procedure_step(f->s, &f->cadre, id, &in, now, &entry, &e)), GZ_E_INVALID_VALUE);
	/* The resolution fails its vote: recorded, and the procedure ends there. */
	in = step_in(BOARD_STEP_RESOLVE, dates[4]);
	in.votes = (board_votes){12, 12, 0, 24, 30, false};
	assert_int_equal(TX(board_procedure_step(f->s, &f->cadre, id, &in, now, &entry, &e)), GZ_OK);
	struct proc_state x = proc(f, id);
	assert_string_equal(x.status, "rejected");
	board_step_in pubs = step_in(BOARD_STEP_PUBLISH, dates[5]);
	assert_int_equal(TX(board_procedure_step(f->s, &f->cadre, id, &pubs, now, &entry, &e)), GZ_E_CONFLICT);
	assert_true(strstr(e.message, "did not pass") != NULL);
	/* Another village's cadre does not see it. */
	assert_int_equal(TX(board_procedure_step(f->s, &f->outsider, id, &pubs, now, &entry, &e)), GZ_E_NOT_FOUND);
}

/* --- the schedule (Art. 30) -------------------------------------------------------------------- */

struct lates {
	int n;
	char item[32][12], since[32][11], code[32][GZ_CODE_MAX + 1];
};

static int keep_late(void *ctx, const board_late *l)
{
	struct lates *x = ctx;
	if (x->n < 32) {
		strcpy(x->item[x->n], l->item);
		strcpy(x->since[x->n], l->since);
		strcpy(x->code[x->n], l->place_code);
	}
	x->n++;
	return 0;
}

/* Late items of 高峰村 on a date, as "item:since" joined by spaces. */
static char *late_at(struct fx *f, const char *code, const char *today, char *out, size_t n)
{
	struct lates x = {0};
	gz_range r;
	scope_range_of(code, &r);
	char next[GZ_CODE_MAX + 1];
	gz_error e = {0};
	assert_int_equal(board_schedule(f->s, &r, today, NULL, 100, keep_late, &x, next, &e), GZ_OK);
	out[0] = '\0';
	for (int i = 0; i < x.n && i < 32; i++)
		snprintf(out + strlen(out), n - strlen(out), "%s%s:%s", i ? " " : "", x.item[i], x.since[i]);
	return out;
}

static void schedule_follows_art30(void **state)
{
	struct fx *f = *state;
	char b[512];
	/* Nothing published: both items late, since no date. */
	assert_string_equal(late_at(f, GAOFENG, "2023-05-01", b, sizeof b), "general: finance:");
	/* A community is not held to Art. 30 by default (the urban law sets no frequency). */
	assert_string_equal(late_at(f, XINMIN, "2023-05-01", b, sizeof b), "");
	/* General and finance entries in May (Q2): the next are due in Q3, late from 1 October. */
	pub_ok(f, GAOFENG, "village", "二季度村务公开", T0 + 10 * DAY); /* 2023-05-11 */
	pub_ok(f, GAOFENG, "finance", "五月财务", T0 + 10 * DAY);
	assert_string_equal(late_at(f, GAOFENG, "2023-09-30", b, sizeof b), "");
	assert_string_equal(late_at(f, GAOFENG, "2023-10-01", b, sizeof b), "general:2023-10-01 finance:2023-10-01");
	/* Where transactions are frequent finance is monthly: May's is followed by June's, late from 1 July. */
	board_settings set;
	board_settings_of(f->s, GAOFENG, &set);
	set.finance_frequent = true;
	gz_error e = {0};
	assert_int_equal(TX(board_settings_set(f->s, &f->official, "422802107", &set, T0, &e)), GZ_OK);
	assert_string_equal(late_at(f, GAOFENG, "2023-06-30", b, sizeof b), "");
	assert_string_equal(late_at(f, GAOFENG, "2023-07-01", b, sizeof b), "finance:2023-07-01");
	/* The village's own setting overrides the township's. */
	set.finance_frequent = false;
	assert_int_equal(TX(board_settings_set(f->s, &f->cadre, GAOFENG, &set, T0, &e)), GZ_OK);
	assert_string_equal(late_at(f, GAOFENG, "2023-07-01", b, sizeof b), "");
	set.general_months = 4;
	assert_int_equal(TX(board_settings_set(f->s, &f->cadre, GAOFENG, &set, T0, &e)), GZ_E_INVALID_VALUE);
	assert_int_equal(TX(board_settings_set(f->s, &f->outsider, GAOFENG, &set, T0, &e)), GZ_E_NOT_FOUND);
	/* Major items: a resolution passed on 2023-05-26 must be published within 3 days. */
	int64_t id = start(f), entry;
	int64_t now = T0 + 200 * DAY;
	for (int s = BOARD_STEP_CONSULT; s <= BOARD_STEP_RESOLVE; s++) {
		board_step_in in = step_in(s, dates[s]);
		assert_int_equal(TX(board_procedure_step(f->s, &f->cadre, id, &in, now, &entry, &e)), GZ_OK);
	}
	assert_string_equal(late_at(f, GAOFENG, "2023-05-29", b, sizeof b), "");
	assert_string_equal(late_at(f, GAOFENG, "2023-05-30", b, sizeof b), "major:2023-05-30");
	board_step_in in = step_in(BOARD_STEP_PUBLISH, dates[5]);
	assert_int_equal(TX(board_procedure_step(f->s, &f->cadre, id, &in, now, &entry, &e)), GZ_OK);
	assert_string_equal(late_at(f, GAOFENG, "2023-05-30", b, sizeof b), "");
	/* The township: every village of it is listed, the one that published is not late. */
	struct lates x = {0};
	gz_range r;
	scope_range_of("422802107", &r);
	char next[GZ_CODE_MAX + 1];
	assert_int_equal(board_schedule(f->s, &r, "2023-06-01", NULL, 5, keep_late, &x, next, &e), GZ_OK);
	assert_string_equal(next, "422802107206"); /* the fifth village examined: more remain */
	for (int i = 0; i < x.n; i++)
		assert_string_not_equal(x.code[i], GAOFENG);
	assert_int_equal(x.n, 10); /* five villages, two items each */
}

static int count_entry(void *ctx, const board_entry *en)
{
	int64_t *ids = ctx;
	ids[++ids[0]] = en->id;
	return 0;
}

/* The answers to a case: the entries published with its case_id (a correction included), newest
 * first; for staff only when the case is theirs to see, for the public by tracking code. */
static void answers_follow_the_case(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	case_rec c, other;
	case_new cn = {.place_code = GAOFENG, .channel = "briefing", .type = "suggestion", .title = "村口路灯何时安装",
		       .content = "发布会上未及时解答"};
	assert_int_equal(TX(cases_create(f->s, &f->cadre, &cn, T0, &c, &e)), GZ_OK);
	cn.title = "垃圾清运时间";
	assert_int_equal(TX(cases_create(f->s, &f->cadre, &cn, T0, &other, &e)), GZ_OK);
	board_new in = {.place_code = GAOFENG, .category = "briefing", .title = "答复：村口路灯", .body = "十月底前安装",
			.case_id = c.id};
	int64_t first, fixed;
	assert_int_equal(TX(board_publish(f->s, &f->cadre, &in, T0 + DAY, &first, NULL, NULL, &e)), GZ_OK);
	in.corrects = first;
	in.reason = "工期调整";
	in.body = "十一月十日前安装";
	assert_int_equal(TX(board_publish(f->s, &f->cadre, &in, T0 + 2 * DAY, &fixed, NULL, NULL, &e)), GZ_OK);
	pub_ok(f, GAOFENG, "briefing", "另一条答复", T0 + 3 * DAY); /* no case: not an answer */

	int64_t ids[8] = {0}, case_id = 0;
	bool more;
	board_case_filter bf = {.case_id = c.id};
	assert_int_equal(board_case_answers(f->s, &f->cadre, &bf, T0, count_entry, ids, &more, &case_id, &e), GZ_OK);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], fixed);
	assert_int_equal(ids[2], first);
	assert_false(more);
	assert_int_equal(case_id, c.id);
	/* Scope: the township's official sees the case, another village's cadre does not. */
	memset(ids, 0, sizeof ids);
	assert_int_equal(board_case_answers(f->s, &f->official, &bf, T0, count_entry, ids, &more, NULL, &e), GZ_OK);
	assert_int_equal(ids[0], 2);
	memset(ids, 0, sizeof ids);
	assert_int_equal(board_case_answers(f->s, &f->outsider, &bf, T0, count_entry, ids, &more, NULL, &e), GZ_E_NOT_FOUND);
	assert_int_equal(ids[0], 0);
	bf.case_id = 0;
	assert_int_equal(board_case_answers(f->s, &f->admin, &bf, T0, count_entry, ids, &more, NULL, &e), GZ_E_NOT_FOUND);
	bf.case_id = other.id + 1000;
	assert_int_equal(board_case_answers(f->s, &f->admin, &bf, T0, count_entry, ids, &more, NULL, &e), GZ_E_NOT_FOUND);
	/* A page of one: more, and the cursor goes on. */
	bf = (board_case_filter){.case_id = c.id, .limit = 1};
	assert_int_equal(board_case_answers(f->s, &f->cadre, &bf, T0, count_entry, ids, &more, NULL, &e), GZ_OK);
	assert_int_equal(ids[0], 1);
	assert_true(more);
	bf.before = ids[1];
	assert_int_equal(board_case_answers(f->s, &f->cadre, &bf, T0, count_entry, ids, &more, NULL, &e), GZ_OK);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[2], first);
	assert_false(more);
	/* The other case has no answer. */
	memset(ids, 0, sizeof ids);
	bf = (board_case_filter){.case_id = other.id};
	assert_int_equal(board_case_answers(f->s, &f->cadre, &bf, T0, count_entry, ids, &more, NULL, &e), GZ_OK);
	assert_int_equal(ids[0], 0);

	/* The public: by tracking code, typed in lower case too; a wrong code is not found. */
	char lower[CASE_TRACKING_LEN + 1];
	for (int i = 0; i <= CASE_TRACKING_LEN; i++)
		lower[i] = (char)(c.tracking[i] >= 'A' && c.tracking[i] <= 'Z' ? c.tracking[i] + 32 : c.tracking[i]);
	const char *codes[] = {c.tracking, lower};
	for (int k = 0; k < 2; k++) {
		memset(ids, 0, sizeof ids);
		bf = (board_case_filter){.tracking = codes[k]};
		assert_int_equal(board_case_answers(f->s, NULL, &bf, T0, count_entry, ids, &more, &case_id, &e), GZ_OK);
		assert_int_equal(ids[0], 2);
		assert_int_equal(ids[1], fixed);
		assert_int_equal(case_id, c.id);
	}
	const char *wrong[] = {"ZZZZZZZZZZ", "", "ABC", NULL};
	for (int k = 0; k < 4; k++) {
		bf = (board_case_filter){.tracking = wrong[k], .case_id = c.id};
		assert_int_equal(board_case_answers(f->s, NULL, &bf, T0, count_entry, ids, &more, NULL, &e), GZ_E_NOT_FOUND);
	}
	case_free(&c);
	case_free(&other);
}

/* An entry that names a council resolution: only category resolution may; the hash covers the
 * field (an edit of it, or one that adds it to an entry without it, is seen); a correction
 * keeps naming the resolution. */
static void entries_name_a_resolution(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	pub_ok(f, GAOFENG, "village", "村务", T0);
	board_new bad = {.place_code = GAOFENG, .category = "village", .title = "t", .body = "b", .resolution_id = 7};
	assert_int_equal(TX(board_publish(f->s, &f->cadre, &bad, T0, NULL, NULL, NULL, &e)), GZ_E_INVALID_VALUE);
	assert_string_equal(e.field, "resolution_id");
	board_new in = {.place_code = GAOFENG, .category = "resolution", .title = "【决议公开】修路", .body = "决议", .resolution_id = 7};
	int64_t id = 0;
	char hash[BOARD_HASH_HEX + 1];
	assert_int_equal(TX(board_publish(f->s, &f->cadre, &in, T0 + 10, &id, NULL, hash, &e)), GZ_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store_db(f->s), "SELECT resolution_id FROM board_entries WHERE id = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), 7);
	sqlite3_finalize(st);
	board_verify_stats vs;
	assert_int_equal(verify_all(f, &vs).n, 0);
	static const char *const edits[] = {
		"UPDATE board_entries SET resolution_id = 8 WHERE category = 'resolution'",
		"UPDATE board_entries SET resolution_id = NULL WHERE category = 'resolution'",
		"UPDATE board_entries SET resolution_id = 7 WHERE category = 'village'",
	};
	for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
		exec(f, "SAVEPOINT t");
		exec(f, edits[i]);
		struct problems x = verify_all(f, &vs);
		assert_int_equal(x.changed, 1);
		exec(f, "ROLLBACK TO t");
		exec(f, "RELEASE t");
	}
	/* A correction, published by hand (no resolution_id given), keeps naming the resolution. */
	board_new cor = {.place_code = GAOFENG, .category = "resolution", .title = "【决议公开】修路（更正）", .body = "更正",
			 .corrects = id, .reason = "错字"};
	int64_t cid = 0;
	assert_int_equal(TX(board_publish(f->s, &f->cadre, &cor, T0 + 20, &cid, NULL, NULL, &e)), GZ_OK);
	assert_int_equal(sqlite3_prepare_v2(store_db(f->s), "SELECT resolution_id FROM board_entries WHERE id = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, cid);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), 7);
	sqlite3_finalize(st);
	assert_int_equal(verify_all(f, &vs).n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(publishing_chains_each_place, setup, teardown),
		cmocka_unit_test_setup_teardown(publication_guards, setup, teardown),
		cmocka_unit_test_setup_teardown(corrections_point_to_the_old_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(verify_finds_changed_deleted_and_inserted_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(vote_rules_at_their_boundaries, setup, teardown),
		cmocka_unit_test_setup_teardown(every_step_out_of_order_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(step_guards, setup, teardown),
		cmocka_unit_test_setup_teardown(schedule_follows_art30, setup, teardown),
		cmocka_unit_test_setup_teardown(answers_follow_the_case, setup, teardown),
		cmocka_unit_test_setup_teardown(entries_name_a_resolution, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
