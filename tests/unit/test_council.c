/* test_council.c — the law's thresholds at every boundary the articles define, each meeting
 * type's rule against the article it cites, quorum from the registry (adults vs households,
 * members), the 422 with the numbers, the agenda of a 村情发布会, and secret ballots: one per
 * person, results only once closed, and no column or order linking a ballot to its voter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "core/util.h"
#include "council/council.h"
#include "places/places.h"
#include "registry/registry.h"
#include "testkit.h"

#define VILLAGE "421003003006"

struct fx {
	char *dir;
	store *s;
	gz_user admin, cadre, supervisor, outsider;
	char grid[GZ_CODE_MAX + 1];
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
	unsigned char key[32] = {5};
	secret_set_key(key);
	places_import_stats st;
	gz_error e = {0};
	assert_int_equal(places_import(f->s, tk_fixture_places(), "test", NULL, NULL, &st, &e), GZ_OK);
	f->admin = (gz_user){.id = 1, .username = "admin", .role = ROLE_ADMIN, .scope = ""};
	f->cadre = (gz_user){.id = 2, .username = "xinmin", .role = ROLE_CADRE, .scope = VILLAGE};
	f->supervisor = (gz_user){.id = 3, .username = "jiandu", .role = ROLE_SUPERVISOR, .scope = VILLAGE};
	f->outsider = (gz_user){.id = 4, .username = "wenmiao", .role = ROLE_CADRE, .scope = "421003001003"};
	reg_unit g;
	assert_int_equal(TX(registry_grid_create(f->s, &f->cadre, VILLAGE, "一组", "", &g, &e)), GZ_OK);
	strcpy(f->grid, g.code);
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

/* --- thresholds in integers --------------------------------------------------------------- */

static void more_than_half_is_strict(void **state)
{
	(void)state;
	const council_threshold half = {CB_ADULTS, 1, 2, false};
	assert_false(council_meets(50, 100, &half)); /* exactly half: not more than half */
	assert_true(council_meets(51, 100, &half));  /* one more than half */
	assert_false(council_meets(50, 101, &half));
	assert_true(council_meets(51, 101, &half));
	assert_false(council_meets(1, 2, &half));
	assert_true(council_meets(2, 2, &half));
	assert_true(council_meets(1, 1, &half));
	assert_false(council_meets(0, 0, &half)); /* nobody to count */
	/* Large numbers stay exact (no floating point). */
	assert_false(council_meets(500000000, 1000000000, &half));
	assert_true(council_meets(500000001, 1000000000, &half));
}

static void two_thirds_and_above_is_inclusive(void **state)
{
	(void)state;
	const council_threshold two3 = {CB_HOUSEHOLDS, 2, 3, true};
	assert_true(council_meets(66, 99, &two3));  /* exactly two thirds */
	assert_false(council_meets(65, 99, &two3)); /* one below */
	assert_false(council_meets(66, 100, &two3)); /* 66% is below two thirds */
	assert_true(council_meets(67, 100, &two3));
	assert_true(council_meets(2, 3, &two3));
	assert_false(council_meets(1, 3, &two3));
	assert_true(council_meets(6, 9, &two3));
	assert_false(council_meets(5, 9, &two3));
	const council_threshold third = {CB_PRESENT, 1, 3, true};
	assert_true(council_meets(100, 300, &third)); /* exactly one third */
	assert_false(council_meets(99, 300, &third));
}

/* --- the rules table ---------------------------------------------------------------------- */

static void every_rule_cites_its_article(void **state)
{
	(void)state;
	const char *types[] = {"village_assembly", "village_reps", "group_meeting", "resident_assembly", "resident_reps",
			       "villager_council", "yard", "wuchang", "courtyard", "breakfast", "hall", "briefing", "micro"};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		const council_rule *r = council_rule_of(types[i]);
		assert_non_null(r);
		assert_int_equal(r->decision.basis, CB_PRESENT);
		assert_false(r->decision.inclusive); /* 过半数 of those present */
		if (r->nquorum)
			assert_true(*r->law && *r->article);
	}
	assert_null(council_rule_of("party_meeting"));
	const council_rule *a22 = council_rule_of("village_assembly");
	assert_string_equal(a22->article, "第二十二条");
	assert_int_equal(a22->nquorum, 2);
	assert_true(a22->quorum[0].basis == CB_ADULTS && !a22->quorum[0].inclusive && a22->quorum[0].den == 2);
	assert_true(a22->quorum[1].basis == CB_HOUSEHOLDS && a22->quorum[1].inclusive && a22->quorum[1].den == 3);
	const council_rule *a26 = council_rule_of("village_reps");
	assert_string_equal(a26->article, "第二十六条");
	assert_true(a26->members && a26->quorum[0].basis == CB_MEMBERS && a26->quorum[0].inclusive);
	const council_rule *a28 = council_rule_of("group_meeting");
	assert_string_equal(a28->article, "第二十八条");
	assert_int_equal(a28->level_from, PL_GRID);
	assert_true(a28->quorum[0].inclusive && a28->quorum[1].inclusive);
	const council_rule *u9 = council_rule_of("resident_assembly");
	assert_string_equal(u9->article, "第九条");
	assert_string_equal(u9->law, "城市居民委员会组织法");
	assert_true(!u9->quorum[0].inclusive && !u9->quorum[1].inclusive);
	assert_true(council_rule_of("briefing")->supervisor_agenda);
}

static council_quorum numbers(int64_t adults, int64_t ap, int64_t hh, int64_t hp, int64_t mem, int64_t mp)
{
	council_quorum q = {.adults = adults, .adults_present = ap, .households = hh, .households_present = hp,
			    .members = mem, .members_present = mp, .present = ap};
	return q;
}

static void quorum_adults_or_households(void **state)
{
	(void)state;
	const council_rule *a22 = council_rule_of("village_assembly");
	/* Exactly half of the adults, households below two thirds: no quorum. */
	council_quorum q = numbers(100, 50, 30, 19, 0, 0);
	council_quorum_eval(a22, &q);
	assert_false(q.quorate);
	assert_non_null(strstr(q.text, "50 of 100"));
	assert_non_null(strstr(q.text, "19 of 30"));
	/* One more than half of the adults. */
	q = numbers(100, 51, 30, 19, 0, 0);
	council_quorum_eval(a22, &q);
	assert_true(q.quorate && q.met[0] && !q.met[1]);
	/* Few adults, but exactly two thirds of the households: quorate by households. */
	q = numbers(100, 40, 30, 20, 0, 0);
	council_quorum_eval(a22, &q);
	assert_true(q.quorate && !q.met[0] && q.met[1]);
	/* The urban law: exactly half of the households is not enough, one more is. */
	const council_rule *u9 = council_rule_of("resident_assembly");
	q = numbers(100, 10, 40, 20, 0, 0);
	council_quorum_eval(u9, &q);
	assert_false(q.quorate);
	q = numbers(100, 10, 40, 21, 0, 0);
	council_quorum_eval(u9, &q);
	assert_true(q.quorate);
	/* A group's meeting: two thirds of the group's adults, inclusive. */
	const council_rule *a28 = council_rule_of("group_meeting");
	q = numbers(30, 20, 12, 7, 0, 0);
	council_quorum_eval(a28, &q);
	assert_true(q.quorate && q.met[0]);
	q = numbers(30, 19, 12, 7, 0, 0);
	council_quorum_eval(a28, &q);
	assert_false(q.quorate);
	q = numbers(30, 19, 12, 8, 0, 0);
	council_quorum_eval(a28, &q);
	assert_true(q.quorate && q.met[1]);
	/* Representatives: two thirds of the members. */
	const council_rule *a26 = council_rule_of("village_reps");
	q = numbers(0, 0, 0, 0, 30, 20);
	council_quorum_eval(a26, &q);
	assert_true(q.quorate);
	q = numbers(0, 0, 0, 0, 30, 19);
	council_quorum_eval(a26, &q);
	assert_false(q.quorate);
	/* A consultative form has no quorum rule. */
	q = numbers(100, 1, 30, 1, 0, 0);
	council_quorum_eval(council_rule_of("hall"), &q);
	assert_true(q.quorate);
}

/* --- meetings over the registry ------------------------------------------------------------- */

static int64_t household(struct fx *f, const char *addr)
{
	reg_household h;
	gz_error e = {0};
	assert_int_equal(TX(registry_household_create(f->s, &f->cadre, f->grid, addr, NULL, &h, &e)), GZ_OK);
	return h.id;
}

static int64_t person(struct fx *f, int64_t hid, const char *name, const char *birth)
{
	reg_resident_in in = {.household_id = hid, .name = name, .gender = "female", .birth_date = birth, .relation = "其他"};
	reg_resident r;
	gz_error e = {0};
	gz_err rc = TX(registry_resident_create(f->s, &f->cadre, &in, &r, &e));
	if (rc)
		fail_msg("resident: %s", e.message);
	return r.id;
}

static int64_t meeting(struct fx *f, const gz_user *u, const char *place_code, const char *type)
{
	council_meeting_in in = {.place_code = place_code, .type = type, .title = "议事", .venue = "村委会会议室",
				 .starts_at = gz_now()};
	council_meeting m;
	gz_error e = {0};
	gz_err rc = TX(council_meeting_create(f->s, u, &in, gz_now(), &m, &e));
	if (rc)
		fail_msg("meeting: %s", e.message);
	council_meeting_free(&m);
	council_item it;
	assert_int_equal(TX(council_item_add(f->s, u, m.id, "议题", 0, 0, gz_now(), &it, &e)), GZ_OK);
	return m.id;
}

static gz_err act(struct fx *f, const gz_user *u, int64_t id, const char *what, gz_error *e)
{
	council_meeting m;
	gz_err rc = TX(council_meeting_act(f->s, u, id, what, gz_now(), &m, e));
	if (!rc)
		council_meeting_free(&m);
	return rc;
}

static gz_err checkin(struct fx *f, const gz_user *u, int64_t id, int64_t rid, const char *token, gz_error *e)
{
	council_attendee a;
	return TX(council_checkin(f->s, u, id, rid, token, gz_now(), &a, e));
}

static void quorum_from_the_registry_and_the_422(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	/* 4 households, 6 adults and a child. */
	int64_t h[4], p[6];
	char addr[32];
	for (int i = 0; i < 4; i++) {
		snprintf(addr, sizeof addr, "%d号", i + 1);
		h[i] = household(f, addr);
	}
	p[0] = person(f, h[0], "甲", "1970-01-01");
	p[1] = person(f, h[0], "乙", "1972-01-01");
	p[2] = person(f, h[1], "丙", "1980-01-01");
	p[3] = person(f, h[2], "丁", "1985-01-01");
	p[4] = person(f, h[3], "戊", "1990-01-01");
	p[5] = person(f, h[3], "己", "1991-01-01");
	int64_t child = person(f, h[1], "小庚", "2020-06-01");
	/* Exactly 18 today is an adult; a day younger is not. */
	char today[11], born18[11], born17[11];
	gz_date_shanghai(gz_now(), today);
	snprintf(born18, sizeof born18, "%04d%s", atoi(today) - 18, today + 4);
	char tmp[11];
	gz_date_shanghai(gz_now() + 86400, tmp);
	snprintf(born17, sizeof born17, "%04d%s", atoi(tmp) - 18, tmp + 4);
	int64_t just18 = person(f, h[2], "辛", born18);
	int64_t almost = person(f, h[2], "壬", born17);

	int64_t id = meeting(f, &f->cadre, VILLAGE, "village_assembly");
	assert_int_equal(checkin(f, &f->cadre, id, p[0], NULL, &e), GZ_E_CONFLICT); /* not open yet */
	assert_int_equal(act(f, &f->cadre, id, "fix", &e), GZ_OK);
	assert_int_equal(act(f, &f->cadre, id, "open", &e), GZ_OK);
	assert_int_equal(checkin(f, &f->cadre, id, child, NULL, &e), GZ_E_INVALID_VALUE);
	assert_int_equal(checkin(f, &f->cadre, id, almost, NULL, &e), GZ_E_INVALID_VALUE);
	assert_int_equal(checkin(f, &f->outsider, id, p[0], NULL, &e), GZ_E_NOT_FOUND);
	/* Adults 7 (with 辛), households 4. Two of the same household: 2 adults, 1 household. */
	assert_int_equal(checkin(f, &f->cadre, id, p[0], NULL, &e), GZ_OK);
	assert_int_equal(checkin(f, &f->cadre, id, p[0], NULL, &e), GZ_E_CONFLICT);
	assert_int_equal(checkin(f, &f->cadre, id, p[1], NULL, &e), GZ_OK);
	assert_int_equal(checkin(f, &f->cadre, id, just18, NULL, &e), GZ_OK);

	council_meeting m;
	council_quorum q;
	assert_int_equal(council_meeting_get(f->s, &f->cadre, id, &m, &e), GZ_OK);
	assert_int_equal(council_quorum_of(f->s, &m, &q, &e), GZ_OK);
	council_meeting_free(&m);
	assert_int_equal(q.adults, 8 - 1); /* the child and 壬 are not adults: 6 + 辛 */
	assert_int_equal(q.households, 4);
	assert_int_equal(q.adults_present, 3);
	assert_int_equal(q.households_present, 2);
	assert_false(q.quorate); /* 3 of 7 adults, 2 of 4 households */

	council_vote v;
	assert_int_equal(TX(council_vote_create(f->s, &f->cadre, id, 0, "同意修路方案", "open", 3, 0, 0, gz_now(), &v, &e)), GZ_OK);
	council_resolution res;
	assert_int_equal(TX(council_resolution_add(f->s, &f->cadre, id, v.id, "修路", gz_now(), &res, &e)), GZ_E_QUORUM_NOT_MET);
	assert_non_null(strstr(e.message, "3 of 7"));
	assert_non_null(strstr(e.message, "2 of 4"));
	assert_int_equal(gz_err_status(GZ_E_QUORUM_NOT_MET), 422);
	assert_string_equal(gz_err_word(GZ_E_QUORUM_NOT_MET), "quorum_not_met");

	/* One more household makes 3 of 4 (at least two thirds): quorate by households though the
	 * adults are 4 of 7. */
	assert_int_equal(checkin(f, &f->cadre, id, p[4], NULL, &e), GZ_OK);
	assert_int_equal(TX(council_resolution_add(f->s, &f->cadre, id, v.id, "修路", gz_now(), &res, &e)), GZ_OK);
	/* 3 yes of 3 present at the vote: more than half. */
	assert_true(res.passed);
	assert_non_null(strstr(res.rule, "第二十二条"));
	assert_non_null(strstr(res.quorum, "户3/4"));
	assert_int_equal(TX(council_resolution_add(f->s, &f->cadre, id, v.id, "again", gz_now(), &res, &e)), GZ_E_CONFLICT);

	/* The board's view of it. */
	council_publication pub;
	assert_int_equal(council_resolution_publication(f->s, res.id, &pub, &e), GZ_OK);
	assert_string_equal(pub.place_code, VILLAGE);
	assert_string_equal(pub.text, "修路");
	assert_int_equal(strlen(pub.date), 10);

	/* Closing needs minutes. */
	assert_int_equal(act(f, &f->cadre, id, "close", &e), GZ_E_CONFLICT);
	council_meeting_in none = {0};
	assert_int_equal(TX(council_meeting_update(f->s, &f->cadre, id, &none, "会议记录：同意修路。", gz_now(), &m, &e)), GZ_OK);
	council_meeting_free(&m);
	assert_int_equal(act(f, &f->cadre, id, "close", &e), GZ_OK);
	assert_int_equal(checkin(f, &f->cadre, id, p[5], NULL, &e), GZ_E_CONFLICT);
}

static void half_of_those_present_is_not_a_decision(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	int64_t h = household(f, "1号");
	int64_t a = person(f, h, "甲", "1970-01-01"), b = person(f, h, "乙", "1971-01-01");
	int64_t id = meeting(f, &f->cadre, f->grid, "micro");
	assert_int_equal(act(f, &f->cadre, id, "fix", &e), GZ_OK);
	assert_int_equal(act(f, &f->cadre, id, "open", &e), GZ_OK);
	assert_int_equal(checkin(f, &f->cadre, id, a, NULL, &e), GZ_OK);
	assert_int_equal(checkin(f, &f->cadre, id, b, NULL, &e), GZ_OK);
	council_vote v;
	assert_int_equal(TX(council_vote_create(f->s, &f->cadre, id, 0, "q", "open", 1, 1, 0, gz_now(), &v, &e)), GZ_OK);
	assert_false(v.passed); /* 1 of 2: exactly half */
	assert_int_equal(TX(council_vote_create(f->s, &f->cadre, id, 0, "q", "open", 2, 0, 0, gz_now(), &v, &e)), GZ_OK);
	assert_true(v.passed);
	/* More votes than people present. */
	assert_int_equal(TX(council_vote_create(f->s, &f->cadre, id, 0, "q", "open", 2, 1, 0, gz_now(), &v, &e)),
			 GZ_E_INVALID_VALUE);
}

static void members_meeting_counts_its_members(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	int64_t h = household(f, "1号");
	int64_t r[4];
	for (int i = 0; i < 4; i++)
		r[i] = person(f, h, "代表", "1970-01-01");
	council_member mem;
	for (int i = 0; i < 3; i++)
		assert_int_equal(TX(council_member_add(f->s, &f->cadre, VILLAGE, r[i], "representative", gz_now(), &mem, &e)), GZ_OK);
	assert_int_equal(TX(council_member_add(f->s, &f->cadre, VILLAGE, r[0], "committee", gz_now(), &mem, &e)), GZ_E_CONFLICT);
	/* A minor is not put on the register (regression: catalogue.test.js registered a child). */
	int64_t child = person(f, h, "少年", "2015-01-01");
	assert_int_equal(TX(council_member_add(f->s, &f->cadre, VILLAGE, child, "representative", gz_now(), &mem, &e)),
			 GZ_E_INVALID_VALUE);
	assert_string_equal(e.field, "resident_id");
	int64_t id = meeting(f, &f->cadre, VILLAGE, "village_reps");
	assert_int_equal(act(f, &f->cadre, id, "fix", &e), GZ_OK);
	assert_int_equal(act(f, &f->cadre, id, "open", &e), GZ_OK);
	assert_int_equal(checkin(f, &f->cadre, id, r[3], NULL, &e), GZ_E_INVALID_VALUE); /* not a member */
	assert_int_equal(checkin(f, &f->cadre, id, r[0], NULL, &e), GZ_OK);
	council_meeting m;
	council_quorum q;
	assert_int_equal(council_meeting_get(f->s, &f->cadre, id, &m, &e), GZ_OK);
	assert_int_equal(council_quorum_of(f->s, &m, &q, &e), GZ_OK);
	assert_false(q.quorate); /* 1 of 3 */
	assert_int_equal(checkin(f, &f->cadre, id, r[1], NULL, &e), GZ_OK);
	assert_int_equal(council_quorum_of(f->s, &m, &q, &e), GZ_OK);
	council_meeting_free(&m);
	assert_int_equal(q.members, 3);
	assert_int_equal(q.members_present, 2);
	assert_true(q.quorate); /* 2 of 3: exactly two thirds */
}

static void briefing_agenda_is_fixed_by_the_supervision_committee(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	int64_t id = meeting(f, &f->cadre, VILLAGE, "briefing");
	assert_int_equal(act(f, &f->cadre, id, "fix", &e), GZ_E_FORBIDDEN);
	assert_int_equal(act(f, &f->supervisor, id, "fix", &e), GZ_OK);
	assert_int_equal(act(f, &f->supervisor, id, "fix", &e), GZ_E_CONFLICT);
	council_item it;
	assert_int_equal(TX(council_item_add(f->s, &f->cadre, id, "迟到的议题", 0, 0, gz_now(), &it, &e)), GZ_E_CONFLICT);
	/* A supervisor does not run other meetings. */
	council_meeting_in in = {.place_code = VILLAGE, .type = "village_assembly", .title = "t", .venue = "v", .starts_at = gz_now()};
	council_meeting m;
	assert_int_equal(TX(council_meeting_create(f->s, &f->supervisor, &in, gz_now(), &m, &e)), GZ_E_FORBIDDEN);
	/* Types at the wrong level. */
	in = (council_meeting_in){.place_code = VILLAGE, .type = "group_meeting", .title = "t", .venue = "v", .starts_at = gz_now()};
	assert_int_equal(TX(council_meeting_create(f->s, &f->cadre, &in, gz_now(), &m, &e)), GZ_E_INVALID_VALUE);
	in.type = "nonsense";
	assert_int_equal(TX(council_meeting_create(f->s, &f->cadre, &in, gz_now(), &m, &e)), GZ_E_INVALID_VALUE);
}

/* --- secret ballots -------------------------------------------------------------------------- */

static void secret_ballots_one_each_counted_after_closing(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	int64_t h1 = household(f, "1号"), h2 = household(f, "2号");
	int64_t a = person(f, h1, "甲", "1970-01-01"), b = person(f, h1, "乙", "1971-01-01");
	int64_t c = person(f, h2, "丙", "1972-01-01");
	gz_user res1 = {.id = 10, .username = "jia", .role = ROLE_RESIDENT, .household_id = h1};
	gz_user res2 = {.id = 11, .username = "bing", .role = ROLE_RESIDENT, .household_id = h2};
	strcpy(res1.scope, f->grid);
	strcpy(res2.scope, f->grid);
	int64_t id = meeting(f, &f->cadre, VILLAGE, "hall");
	assert_int_equal(act(f, &f->cadre, id, "fix", &e), GZ_OK);
	assert_int_equal(act(f, &f->cadre, id, "open", &e), GZ_OK);
	council_meeting m;
	assert_int_equal(council_meeting_get(f->s, &res1, id, &m, &e), GZ_OK);
	char token[COUNCIL_TOKEN_LEN + 1];
	strcpy(token, m.token);
	council_meeting_free(&m);
	/* By QR: the token, and members of one's own household only. */
	assert_int_equal(checkin(f, &res1, id, a, "wrong-token-wrong-token", &e), GZ_E_FORBIDDEN);
	assert_int_equal(checkin(f, &res1, id, a, NULL, &e), GZ_E_FORBIDDEN);
	assert_int_equal(checkin(f, &res1, id, c, token, &e), GZ_E_NOT_FOUND);
	assert_int_equal(checkin(f, &res1, id, a, token, &e), GZ_OK);
	assert_int_equal(checkin(f, &res1, id, b, token, &e), GZ_OK);
	assert_int_equal(checkin(f, &res2, id, c, token, &e), GZ_OK);

	council_vote v;
	assert_int_equal(TX(council_vote_create(f->s, &f->cadre, id, 0, "选址", "secret", 0, 0, 0, gz_now(), &v, &e)), GZ_OK);
	assert_int_equal(TX(council_ballot_cast(f->s, &f->cadre, v.id, a, "yes", &e)), GZ_E_FORBIDDEN); /* staff cannot */
	assert_int_equal(TX(council_ballot_cast(f->s, &res2, v.id, a, "yes", &e)), GZ_E_FORBIDDEN);    /* not their household */
	assert_int_equal(TX(council_ballot_cast(f->s, &res1, v.id, a, "maybe", &e)), GZ_E_INVALID_VALUE);
	assert_int_equal(TX(council_ballot_cast(f->s, &res1, v.id, a, "yes", &e)), GZ_OK);
	assert_int_equal(TX(council_ballot_cast(f->s, &res1, v.id, a, "no", &e)), GZ_E_CONFLICT); /* no second ballot */
	assert_int_equal(TX(council_ballot_cast(f->s, &res1, v.id, b, "no", &e)), GZ_OK);
	assert_int_equal(TX(council_ballot_cast(f->s, &res2, v.id, c, "yes", &e)), GZ_OK);
	/* Nothing of the result while open. */
	council_vote got;
	assert_int_equal(council_vote_get(f->s, &f->cadre, v.id, &got, &e), GZ_OK);
	assert_string_equal(got.status, "open");
	assert_true(got.yes == 0 && got.no == 0 && got.cast == 0 && !*got.rule);
	assert_int_equal(TX(council_vote_close(f->s, &f->cadre, v.id, gz_now(), &got, &e)), GZ_OK);
	assert_int_equal(got.yes, 2);
	assert_int_equal(got.no, 1);
	assert_int_equal(got.cast, 3);
	assert_int_equal(got.present, 3);
	assert_true(got.passed); /* 2 of 3 present */
	assert_non_null(strstr(got.rule, "过半数"));
	assert_int_equal(TX(council_ballot_cast(f->s, &res2, v.id, c, "yes", &e)), GZ_E_CONFLICT);
	assert_int_equal(TX(council_vote_close(f->s, &f->cadre, v.id, gz_now(), &got, &e)), GZ_E_CONFLICT);

	/* The two tables share no column but the vote, and neither has a rowid or a time. */
	sqlite3 *db = store_db(f->s);
	const char *tables[2] = {"council_voted", "council_ballots"};
	char cols[2][8][32];
	int ncols[2] = {0, 0};
	for (int t = 0; t < 2; t++) {
		char sql[128];
		snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", tables[t]);
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW && ncols[t] < 8)
			snprintf(cols[t][ncols[t]++], 32, "%s", (const char *)sqlite3_column_text(st, 1));
		sqlite3_finalize(st);
		snprintf(sql, sizeof sql, "SELECT rowid FROM %s", tables[t]);
		assert_int_not_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK); /* WITHOUT ROWID */
		sqlite3_finalize(st);
	}
	for (int i = 0; i < ncols[0]; i++)
		for (int j = 0; j < ncols[1]; j++)
			if (!strcmp(cols[0][i], cols[1][j]))
				assert_string_equal(cols[0][i], "vote_id");
	for (int t = 0; t < 2; t++)
		for (int i = 0; i < ncols[t]; i++)
			assert_null(strstr(cols[t][i], "at"));
	/* The ballots are not stored in the order they were cast. Cast order was yes, no, yes
	 * from residents a < b < c; over several votes, a table kept in arrival order would always
	 * read yes, no, yes — a random key breaks that at least once in 20 tries with odds
	 * 1 - (1/3)^20. */
	bool reordered = false;
	for (int k = 0; k < 20 && !reordered; k++) {
		council_vote w;
		assert_int_equal(TX(council_vote_create(f->s, &f->cadre, id, 0, "q", "secret", 0, 0, 0, gz_now(), &w, &e)), GZ_OK);
		assert_int_equal(TX(council_ballot_cast(f->s, &res1, w.id, a, "yes", &e)), GZ_OK);
		assert_int_equal(TX(council_ballot_cast(f->s, &res1, w.id, b, "no", &e)), GZ_OK);
		assert_int_equal(TX(council_ballot_cast(f->s, &res2, w.id, c, "yes", &e)), GZ_OK);
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT choice FROM council_ballots WHERE vote_id = ?1", -1, &st, NULL),
				 SQLITE_OK);
		sqlite3_bind_int64(st, 1, w.id);
		char seq[3][8];
		int n = 0;
		while (sqlite3_step(st) == SQLITE_ROW && n < 3)
			snprintf(seq[n++], 8, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		assert_int_equal(n, 3);
		reordered = strcmp(seq[0], "yes") || strcmp(seq[1], "no");
		assert_int_equal(TX(council_vote_close(f->s, &f->cadre, w.id, gz_now(), &w, &e)), GZ_OK);
	}
	assert_true(reordered);
}

/* --- elections ------------------------------------------------------------------------------- */

static void election_rules_at_their_boundaries(void **state)
{
	(void)state;
	char rule[600];
	council_candidate c[3] = {{.id = 1, .votes = 50}, {.id = 2, .votes = 51}};
	/* Art. 15: valid only if more than half of the registered vote. */
	assert_false(council_election_decide(1, 1, 100, 50, c, 2, rule, sizeof rule));
	assert_false(c[0].elected || c[1].elected);
	assert_non_null(strstr(rule, "选举无效"));
	assert_true(council_election_decide(1, 1, 100, 51, c, 2, rule, sizeof rule));
	/* A candidate needs more than half of the votes cast: of 100, 50 is not, 51 is. */
	assert_true(council_election_decide(1, 2, 150, 100, c, 2, rule, sizeof rule));
	assert_false(c[0].elected);
	assert_true(c[1].elected);
	assert_non_null(strstr(rule, "应选2人，当选1人"));
	/* More qualified than seats: the most votes; a tie at the last seat elects none of it. */
	council_candidate d[3] = {{.id = 1, .votes = 60}, {.id = 2, .votes = 55}, {.id = 3, .votes = 51}};
	assert_true(council_election_decide(1, 2, 150, 100, d, 3, rule, sizeof rule));
	assert_true(d[0].elected && d[1].elected && !d[2].elected);
	council_candidate t[3] = {{.id = 1, .votes = 70}, {.id = 2, .votes = 60}, {.id = 3, .votes = 60}};
	assert_true(council_election_decide(1, 2, 150, 100, t, 3, rule, sizeof rule));
	assert_true(t[0].elected && !t[1].elected && !t[2].elected);
	/* The run-off: most votes, but at least one third of those cast — 30 of 90 is, 29 is not. */
	council_candidate r[2] = {{.id = 1, .votes = 30}, {.id = 2, .votes = 29}};
	assert_true(council_election_decide(2, 1, 150, 90, r, 2, rule, sizeof rule));
	assert_true(r[0].elected && !r[1].elected);
	assert_non_null(strstr(rule, "三分之一"));
	r[0].votes = 29, r[1].votes = 28;
	assert_true(council_election_decide(2, 1, 150, 90, r, 2, rule, sizeof rule));
	assert_false(r[0].elected || r[1].elected);
}

static int ncollected;
static int collect_cand(void *ctx, const council_candidate *cc)
{
	council_candidate *out = ctx;
	if (ncollected < 3)
		out[ncollected++] = *cc;
	return 0;
}

static int64_t villager(struct fx *f, int64_t hid, const char *name, const char *birth, const char *hukou)
{
	reg_resident_in in = {.household_id = hid, .name = name, .gender = "male", .birth_date = birth, .relation = "其他",
			      .hukou = hukou};
	reg_resident r;
	gz_error e = {0};
	gz_err rc = TX(registry_resident_create(f->s, &f->cadre, &in, &r, &e));
	if (rc)
		fail_msg("resident: %s", e.message);
	return r.id;
}

static gz_err eact(struct fx *f, int64_t id, const char *what, int64_t now, council_election *x, gz_error *e)
{
	return TX(council_election_act(f->s, &f->cadre, id, what, now, x, e));
}

static void an_election_from_the_list_to_the_runoff(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	int64_t now = gz_now();
	char day[11];
	gz_date_shanghai(now + 20 * 86400, day); /* exactly 20 days ahead */
	int64_t h[4];
	char addr[16];
	for (int i = 0; i < 4; i++) {
		snprintf(addr, sizeof addr, "%d号", i + 1);
		h[i] = household(f, addr);
	}
	int64_t v[4];
	v[0] = villager(f, h[0], "甲", "1960-01-01", "local");
	v[1] = villager(f, h[1], "乙", "1961-01-01", "local");
	v[2] = villager(f, h[2], "丙", "1962-01-01", "local");
	v[3] = villager(f, h[3], "丁", "1963-01-01", "local");
	int64_t outsider = villager(f, h[3], "戊", "1970-01-01", "nonlocal");
	int64_t minor = villager(f, h[0], "小己", "2015-01-01", "local");

	council_election x;
	char past[11];
	gz_date_shanghai(now - 86400, past);
	assert_int_equal(TX(council_election_create(f->s, &f->cadre, VILLAGE, "committee", "换届", 2, past, now, &x, &e)),
			 GZ_E_INVALID_VALUE);
	assert_int_equal(TX(council_election_create(f->s, &f->supervisor, VILLAGE, "committee", "换届", 2, day, now, &x, &e)),
			 GZ_E_FORBIDDEN);
	assert_int_equal(TX(council_election_create(f->s, &f->cadre, VILLAGE, "committee", "第十二届村委会换届", 1, day, now, &x, &e)),
			 GZ_OK);
	int64_t id = x.id;
	assert_int_equal(eact(f, id, "publish", now, &x, &e), GZ_E_CONFLICT); /* no voters yet */
	int64_t added;
	assert_int_equal(TX(council_electors_from_registry(f->s, &f->cadre, id, now, &added, &e)), GZ_OK);
	assert_int_equal(added, 4); /* neither the minor nor the one without hukou here */
	assert_false(council_is_elector(f->s, id, minor));
	assert_int_equal(TX(council_elector_add(f->s, &f->cadre, id, outsider, "resident_approved", NULL, &e)), GZ_E_MISSING_FIELD);
	assert_int_equal(TX(council_elector_add(f->s, &f->cadre, id, outsider, "resident_approved", "2026年村民会议同意", &e)), GZ_OK);
	assert_int_equal(TX(council_elector_add(f->s, &f->cadre, id, v[0], "hukou_away", NULL, &e)), GZ_E_CONFLICT);
	assert_int_equal(TX(council_elector_add(f->s, &f->cadre, id, minor, "hukou_away", NULL, &e)), GZ_E_INVALID_VALUE);
	/* Art. 14: a day later is 19 days before election day — too late; today is exactly 20. */
	assert_int_equal(eact(f, id, "publish", now + 86400, &x, &e), GZ_E_CONFLICT);
	assert_non_null(strstr(e.message, "19 days"));
	assert_int_equal(eact(f, id, "publish", now, &x, &e), GZ_OK);
	assert_int_equal(x.electors, 5);
	council_candidate c;
	assert_int_equal(TX(council_candidate_add(f->s, &f->cadre, id, minor, &c, &e)), GZ_E_INVALID_VALUE);
	assert_int_equal(TX(council_candidate_add(f->s, &f->cadre, id, v[0], &c, &e)), GZ_OK);
	int64_t c0 = c.id;
	int64_t election_day = now + 20 * 86400;
	/* One candidate for one seat: no 差额. And not before election day. */
	assert_int_equal(eact(f, id, "open", election_day, &x, &e), GZ_E_CONFLICT);
	assert_int_equal(TX(council_candidate_add(f->s, &f->cadre, id, v[1], &c, &e)), GZ_OK);
	int64_t c1 = c.id;
	assert_int_equal(TX(council_candidate_add(f->s, &f->cadre, id, v[2], &c, &e)), GZ_OK);
	int64_t c2 = c.id;
	assert_int_equal(eact(f, id, "open", now, &x, &e), GZ_E_CONFLICT);
	assert_int_equal(eact(f, id, "open", election_day, &x, &e), GZ_OK);
	assert_int_equal(x.registered, 5);

	gz_user acct[4];
	for (int i = 0; i < 4; i++) {
		acct[i] = (gz_user){.id = 20 + i, .role = ROLE_RESIDENT, .household_id = h[i]};
		snprintf(acct[i].username, sizeof acct[i].username, "res%d", i);
		strcpy(acct[i].scope, f->grid);
	}
	int64_t one[1] = {c0}, two[2] = {c0, c1};
	assert_int_equal(TX(council_election_cast(f->s, &acct[0], id, v[0], two, 2, &e)), GZ_E_INVALID_VALUE); /* 1 seat */
	assert_int_equal(TX(council_election_cast(f->s, &acct[1], id, v[0], one, 1, &e)), GZ_E_FORBIDDEN);
	/* 甲 and 乙 for c0, 丙 for c1: 3 of 5 vote (valid); c0 has 2 of 3 (more than half). */
	assert_int_equal(TX(council_election_cast(f->s, &acct[0], id, v[0], one, 1, &e)), GZ_OK);
	assert_int_equal(TX(council_election_cast(f->s, &acct[0], id, v[0], one, 1, &e)), GZ_E_CONFLICT);
	assert_int_equal(TX(council_election_cast(f->s, &acct[1], id, v[1], one, 1, &e)), GZ_OK);
	int64_t for1[1] = {c1};
	assert_int_equal(TX(council_election_cast(f->s, &acct[2], id, v[2], for1, 1, &e)), GZ_OK);
	assert_int_equal(eact(f, id, "count", election_day, &x, &e), GZ_OK);
	assert_true(x.valid);
	assert_int_equal(x.cast, 3);
	council_candidate got[3];
	int n = 0;
	ncollected = 0;
	assert_int_equal(council_candidates(f->s, id, 1, collect_cand, got, &e), GZ_OK);
	for (int i = 0; i < 3; i++) {
		if (got[i].id == c0)
			assert_true(got[i].elected && got[i].votes == 2), n++;
		if (got[i].id == c1 || got[i].id == c2)
			assert_false(got[i].elected);
	}
	assert_int_equal(n, 1);
	/* Every seat filled: no run-off. */
	assert_int_equal(eact(f, id, "runoff", election_day, &x, &e), GZ_E_CONFLICT);
}


static void an_election_without_a_winner_goes_to_a_runoff(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	int64_t now = gz_now();
	char day[11];
	gz_date_shanghai(now + 25 * 86400, day);
	int64_t v[6];
	gz_user acct[6];
	for (int i = 0; i < 6; i++) {
		char addr[16], name[16];
		snprintf(addr, sizeof addr, "%d号", i + 1);
		snprintf(name, sizeof name, "民%d", i + 1);
		int64_t h = household(f, addr);
		v[i] = villager(f, h, name, "1970-01-01", "local");
		acct[i] = (gz_user){.id = 30 + i, .role = ROLE_RESIDENT, .household_id = h};
		snprintf(acct[i].username, sizeof acct[i].username, "r%d", i);
		strcpy(acct[i].scope, f->grid);
	}
	council_election x;
	assert_int_equal(TX(council_election_create(f->s, &f->cadre, VILLAGE, "spokesperson", "社区发言人", 1, day, now, &x, &e)), GZ_OK);
	int64_t id = x.id, added, later = now + 25 * 86400;
	assert_int_equal(TX(council_electors_from_registry(f->s, &f->cadre, id, now, &added, &e)), GZ_OK);
	assert_int_equal(eact(f, id, "publish", now, &x, &e), GZ_OK);
	council_candidate c[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(TX(council_candidate_add(f->s, &f->cadre, id, v[i], &c[i], &e)), GZ_OK);
	assert_int_equal(eact(f, id, "open", later, &x, &e), GZ_OK);
	/* 6 vote 2/2/2: nobody has more than half. */
	for (int i = 0; i < 6; i++) {
		int64_t ch[1] = {c[i % 3].id};
		assert_int_equal(TX(council_election_cast(f->s, &acct[i], id, v[i], ch, 1, &e)), GZ_OK);
	}
	assert_int_equal(eact(f, id, "count", later, &x, &e), GZ_OK);
	assert_true(x.valid);
	assert_int_equal(eact(f, id, "runoff", later, &x, &e), GZ_OK);
	assert_int_equal(x.round, 2);
	assert_string_equal(x.status, "voting");
	council_candidate r2[3];
	ncollected = 0;
	assert_int_equal(council_candidates(f->s, id, 2, collect_cand, r2, &e), GZ_OK);
	assert_int_equal(ncollected, 3); /* a three-way tie: all of it */
	/* Run-off: 2 of 6 for the first (exactly one third), 1 each for the others, 2 blank. */
	int64_t pick[6] = {r2[0].id, r2[0].id, r2[1].id, r2[2].id, 0, 0};
	for (int i = 0; i < 6; i++) {
		int64_t ch[1] = {pick[i]};
		assert_int_equal(TX(council_election_cast(f->s, &acct[i], id, v[i], ch, pick[i] ? 1 : 0, &e)), GZ_OK);
	}
	assert_int_equal(eact(f, id, "count", later, &x, &e), GZ_OK);
	ncollected = 0;
	assert_int_equal(council_candidates(f->s, id, 2, collect_cand, r2, &e), GZ_OK);
	assert_true(r2[0].elected && r2[0].votes == 2);
	assert_false(r2[1].elected || r2[2].elected);
	assert_non_null(strstr(x.rule, "另行选举"));
	assert_int_equal(eact(f, id, "runoff", later, &x, &e), GZ_E_CONFLICT);
}

/* --- paper ballots (issue 5) ------------------------------------------------------------------ */

/* Ten registered voters, one seat, three candidates: `online` vote online for the first candidate;
 * the next `checked` are checked off for paper ballots, and station 一站 returns `returned` of
 * them with `p0` votes for the first candidate and `p1` for the second. Counts and returns the
 * election; *won0 whether the first candidate was elected. */
static void paper_run(struct fx *f, int online, int checked, int64_t returned, int64_t p0, int64_t p1,
		      council_election *x, bool *won0)
{
	gz_error e = {0};
	int64_t now = gz_now(), later = now + 20 * 86400;
	char day[11];
	gz_date_shanghai(later, day);
	int64_t v[10];
	gz_user acct[10];
	for (int i = 0; i < 10; i++) {
		char addr[32], name[32];
		snprintf(addr, sizeof addr, "纸%d号", i + 1);
		snprintf(name, sizeof name, "纸民%d", i + 1);
		int64_t h = household(f, addr);
		v[i] = villager(f, h, name, "1970-01-01", "local");
		acct[i] = (gz_user){.id = 40 + i, .role = ROLE_RESIDENT, .household_id = h};
		snprintf(acct[i].username, sizeof acct[i].username, "p%d", i);
		strcpy(acct[i].scope, f->grid);
	}
	assert_int_equal(TX(council_election_create(f->s, &f->cadre, VILLAGE, "committee", "纸质选票换届", 1, day, now, x, &e)), GZ_OK);
	int64_t id = x->id, added;
	assert_int_equal(TX(council_electors_from_registry(f->s, &f->cadre, id, now, &added, &e)), GZ_OK);
	assert_int_equal(added, 10);
	assert_int_equal(eact(f, id, "publish", now, x, &e), GZ_OK);
	council_candidate c[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(TX(council_candidate_add(f->s, &f->cadre, id, v[i], &c[i], &e)), GZ_OK);
	council_paper_votes pv[2] = {{c[0].id, p0}, {c[1].id, p1}};
	bool corr;
	/* Not before voting opens. */
	assert_int_equal(TX(council_paper_voter(f->s, &f->cadre, id, v[0], &e)), GZ_E_CONFLICT);
	assert_int_equal(eact(f, id, "open", later, x, &e), GZ_OK);
	for (int i = 0; i < online; i++) {
		int64_t ch[1] = {c[0].id};
		assert_int_equal(TX(council_election_cast(f->s, &acct[i], id, v[i], ch, 1, &e)), GZ_OK);
	}
	/* One person, one ballot across both: an online voter is not checked off, and back. */
	if (online)
		assert_int_equal(TX(council_paper_voter(f->s, &f->cadre, id, v[0], &e)), GZ_E_CONFLICT);
	assert_int_equal(TX(council_paper_voter(f->s, &f->supervisor, id, v[9], &e)), GZ_E_FORBIDDEN);
	assert_int_equal(TX(council_paper_voter(f->s, &f->cadre, id, 999999, &e)), GZ_E_INVALID_VALUE);
	for (int i = online; i < online + checked; i++)
		assert_int_equal(TX(council_paper_voter(f->s, &f->cadre, id, v[i], &e)), GZ_OK);
	if (checked) {
		int64_t ch[1] = {c[0].id};
		assert_int_equal(TX(council_election_cast(f->s, &acct[online], id, v[online], ch, 1, &e)), GZ_E_CONFLICT);
		assert_int_equal(TX(council_paper_voter(f->s, &f->cadre, id, v[online], &e)), GZ_E_CONFLICT);
	}
	/* The tellers' numbers must agree. */
	assert_int_equal(TX(council_paper_count(f->s, &f->cadre, id, "一站", checked + 1, returned, 0, pv, 2, NULL, now, &corr, &e)),
			 GZ_E_INVALID_VALUE); /* more issued than checked off */
	assert_string_equal(e.field, "issued");
	assert_int_equal(TX(council_paper_count(f->s, &f->cadre, id, "一站", checked, checked + 1, 0, pv, 2, NULL, now, &corr, &e)),
			 GZ_E_INVALID_VALUE);
	assert_string_equal(e.field, "returned");
	assert_int_equal(TX(council_paper_count(f->s, &f->cadre, id, "一站", checked, returned, returned + 1, pv, 2, NULL, now, &corr,
						&e)),
			 GZ_E_INVALID_VALUE);
	assert_string_equal(e.field, "invalid");
	council_paper_votes over[2] = {{c[0].id, returned + 1}, {c[1].id, 0}};
	assert_int_equal(TX(council_paper_count(f->s, &f->cadre, id, "一站", checked, returned, 0, over, 2, NULL, now, &corr, &e)),
			 GZ_E_INVALID_VALUE);
	assert_string_equal(e.field, "votes");
	if (returned) { /* one seat: each valid ballot marks one at most, so the sum is <= the valid ballots */
		council_paper_votes sum[2] = {{c[0].id, returned}, {c[1].id, 1}};
		assert_int_equal(TX(council_paper_count(f->s, &f->cadre, id, "一站", checked, returned, 0, sum, 2, NULL, now, &corr, &e)),
				 GZ_E_INVALID_VALUE);
	}
	/* Entered once; a first wrong entry is corrected only with a reason. */
	council_paper_votes none[1] = {{c[2].id, 0}};
	assert_int_equal(TX(council_paper_count(f->s, &f->cadre, id, "一站", checked, returned, returned, none, 1, NULL, now, &corr, &e)),
			 GZ_OK);
	assert_false(corr);
	assert_int_equal(TX(council_paper_count(f->s, &f->cadre, id, "一站", checked, returned, 0, pv, 2, NULL, now, &corr, &e)),
			 GZ_E_CONFLICT);
	assert_int_equal(TX(council_paper_count(f->s, &f->cadre, id, "一站", checked, returned, 0, pv, 2, "误把有效票记为废票", now,
						&corr, &e)),
			 GZ_OK);
	assert_true(corr);
	/* A second station cannot issue ballots nobody was checked off for. */
	assert_int_equal(TX(council_paper_count(f->s, &f->cadre, id, "二站", 1, 0, 0, NULL, 0, NULL, now, &corr, &e)), GZ_E_INVALID_VALUE);
	assert_int_equal(eact(f, id, "count", later, x, &e), GZ_OK);
	council_candidate got[3];
	ncollected = 0;
	assert_int_equal(council_candidates(f->s, id, 1, collect_cand, got, &e), GZ_OK);
	*won0 = false;
	for (int i = 0; i < 3; i++)
		if (got[i].id == c[0].id) {
			assert_int_equal(got[i].votes, online + p0);
			*won0 = got[i].elected;
		}
	/* After the count a station takes no more entries. */
	assert_int_equal(TX(council_paper_count(f->s, &f->cadre, id, "一站", checked, returned, 0, pv, 2, "再改", now, &corr, &e)),
			 GZ_E_CONFLICT);
}

/* Art. 15 with both kinds of ballot: 3 online + 2 paper returned of 10 registered is exactly half
 * (void), although 3 paper ballots were issued. */
static void paper_and_online_at_exactly_half_is_void(void **state)
{
	council_election x;
	bool won;
	paper_run(*state, 3, 3, 2, 2, 0, &x, &won);
	assert_false(x.valid);
	assert_int_equal(x.cast, 5);
	assert_false(won);
}

/* 3 online + 3 paper = 6 of 10 (one more than half: valid); the first candidate has 3 online + 0
 * paper = exactly half of 6: not elected. */
static void paper_and_online_candidate_at_exactly_half_loses(void **state)
{
	council_election x;
	bool won;
	paper_run(*state, 3, 3, 3, 0, 2, &x, &won);
	assert_true(x.valid);
	assert_int_equal(x.cast, 6);
	assert_false(won);
}

/* 2 online + 4 paper = 6 of 10; the first has 2 online + 2 paper = 4 of 6: elected. */
static void paper_and_online_candidate_over_half_wins(void **state)
{
	council_election x;
	bool won;
	paper_run(*state, 2, 4, 4, 2, 1, &x, &won);
	assert_true(x.valid);
	assert_int_equal(x.cast, 6);
	assert_true(won);
}

/* --- selections ------------------------------------------------------------------------------- */

static void means_compare_exactly(void **state)
{
	(void)state;
	assert_int_equal(council_mean_cmp(170, 2, 255, 3), 0); /* 85 = 85 */
	assert_int_equal(council_mean_cmp(171, 2, 255, 3), 1); /* 85.5 > 85 */
	assert_int_equal(council_mean_cmp(254, 3, 170, 2), -1);
	assert_int_equal(council_mean_cmp(0, 1, 0, 0), 1); /* scored, even 0, beats unscored */
	assert_int_equal(council_mean_cmp(0, 0, 0, 0), 0);
}

static void a_selection_chooses_by_mean_and_refuses_a_tie(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	gz_user off = {.id = 50, .username = "jingzhou", .role = ROLE_OFFICIAL, .scope = "421003"};
	gz_user off2 = {.id = 51, .username = "pingshen", .role = ROLE_OFFICIAL, .scope = "421003"};
	council_selection x;
	assert_int_equal(TX(council_selection_create(f->s, &f->cadre, "421003", "创新项目", 2, gz_now(), &x, &e)), GZ_E_FORBIDDEN);
	assert_int_equal(TX(council_selection_create(f->s, &off, "421003", "2023年城乡社区治理创新项目", 2, gz_now(), &x, &e)), GZ_OK);
	const char *places[4] = {"421003001003", "421003003006", "421003005007", "421003003001"};
	council_application a[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(TX(council_application_add(f->s, &off, x.id, places[i], "治理创新", gz_now(), &a[i], &e)), GZ_OK);
	assert_int_equal(TX(council_application_add(f->s, &off, x.id, places[0], "治理创新", gz_now(), &a[0], &e)), GZ_E_CONFLICT);
	assert_int_equal(TX(council_application_add(f->s, &off, x.id, "422802107213", "外区", gz_now(), &a[0], &e)), GZ_E_NOT_FOUND);
	/* Means: a0 90, a1 85 (80+90), a2 85 (85+85), a3 70. Places 2 and 3 tie: refused. */
	int s1[4] = {90, 80, 85, 70}, s2[4] = {90, 90, 85, 70};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(TX(council_score(f->s, &off, x.id, a[i].id, s1[i], gz_now(), &e)), GZ_OK);
		assert_int_equal(TX(council_score(f->s, &off2, x.id, a[i].id, s2[i], gz_now(), &e)), GZ_OK);
	}
	assert_int_equal(TX(council_score(f->s, &off, x.id, a[0].id, 101, gz_now(), &e)), GZ_E_INVALID_VALUE);
	council_selection y;
	assert_int_equal(TX(council_selection_close(f->s, &off, x.id, gz_now(), &y, &e)), GZ_E_CONFLICT);
	assert_non_null(strstr(e.message, "tie at place 2"));
	/* A reviewer changes a score: a1 becomes 85.5. */
	assert_int_equal(TX(council_score(f->s, &off, x.id, a[1].id, 81, gz_now(), &e)), GZ_OK);
	assert_int_equal(TX(council_selection_close(f->s, &off, x.id, gz_now(), &y, &e)), GZ_OK);
	assert_string_equal(y.status, "closed");
	int chosen[4] = {0}, rank[4] = {0};
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store_db(f->s), "SELECT id, chosen, rank FROM council_applications WHERE selection_id = ?1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, x.id);
	while (sqlite3_step(st) == SQLITE_ROW)
		for (int i = 0; i < 4; i++)
			if (sqlite3_column_int64(st, 0) == a[i].id)
				chosen[i] = sqlite3_column_int(st, 1), rank[i] = sqlite3_column_int(st, 2);
	sqlite3_finalize(st);
	assert_true(chosen[0] && chosen[1] && !chosen[2] && !chosen[3]);
	assert_int_equal(rank[0], 1);
	assert_int_equal(rank[1], 2);
	assert_int_equal(rank[2], 3);
	assert_int_equal(rank[3], 4);
	assert_int_equal(TX(council_score(f->s, &off, x.id, a[3].id, 99, gz_now(), &e)), GZ_E_CONFLICT); /* closed */
}

/* Resolutions become work: a passed resolution gets cases (created through the cases module or
 * linked), at most COUNCIL_WORK_CASES_MAX; a failed one none; the board entries in order, once
 * each, naming the resolution; a refused write leaves no case behind. */
static int64_t rows(struct fx *f, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store_db(f->s), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int count_work(void *ctx, const council_work_case *w)
{
	(*(int *)ctx)++;
	assert_true(w->visible);
	return 0;
}

static void resolutions_become_work(void **state)
{
	struct fx *f = *state;
	gz_error e = {0};
	int64_t h = household(f, "1号");
	int64_t a = person(f, h, "甲", "1970-01-01"), b = person(f, h, "乙", "1971-01-01");
	int64_t id = meeting(f, &f->cadre, VILLAGE, "hall");
	assert_int_equal(act(f, &f->cadre, id, "fix", &e), GZ_OK);
	assert_int_equal(act(f, &f->cadre, id, "open", &e), GZ_OK);
	assert_int_equal(checkin(f, &f->cadre, id, a, NULL, &e), GZ_OK);
	assert_int_equal(checkin(f, &f->cadre, id, b, NULL, &e), GZ_OK);
	council_vote yes, half;
	assert_int_equal(TX(council_vote_create(f->s, &f->cadre, id, 0, "修路", "open", 2, 0, 0, gz_now(), &yes, &e)), GZ_OK);
	assert_int_equal(TX(council_vote_create(f->s, &f->cadre, id, 0, "拆墙", "open", 1, 1, 0, gz_now(), &half, &e)), GZ_OK);
	council_resolution passed, failed;
	assert_int_equal(TX(council_resolution_add(f->s, &f->cadre, id, yes.id, "修路", gz_now(), &passed, &e)), GZ_OK);
	assert_int_equal(TX(council_resolution_add(f->s, &f->cadre, id, half.id, "拆墙", gz_now(), &failed, &e)), GZ_OK);
	assert_false(failed.passed); /* exactly half of those present */
	council_work_in in = {.title = "修村道", .content = "按决议修"};
	council_work_case w;
	assert_int_equal(TX(council_work_add(f->s, &f->cadre, failed.id, &in, gz_now(), &w, &e)), GZ_E_CONFLICT);
	/* Roles: the supervision committee opens no cases. */
	assert_int_equal(TX(council_work_add(f->s, &f->supervisor, passed.id, &in, gz_now(), &w, &e)), GZ_E_FORBIDDEN);
	assert_int_equal(TX(council_work_add(f->s, &f->outsider, passed.id, &in, gz_now(), &w, &e)), GZ_E_NOT_FOUND);
	/* A case that cases_create refuses (no content): nothing linked. */
	council_work_in empty = {.title = "修村道"};
	assert_int_equal(TX(council_work_add(f->s, &f->cadre, passed.id, &empty, gz_now(), &w, &e)), GZ_E_INVALID_VALUE);
	assert_string_equal(e.field, "content");
	for (int i = 0; i < COUNCIL_WORK_CASES_MAX; i++) {
		assert_int_equal(TX(council_work_add(f->s, &f->cadre, passed.id, &in, gz_now(), &w, &e)), GZ_OK);
		assert_true(w.created);
		assert_string_equal(w.status, "submitted");
	}
	int64_t cases_before = rows(f, "SELECT count(*) FROM cases");
	assert_int_equal(TX(council_work_add(f->s, &f->cadre, passed.id, &in, gz_now(), &w, &e)), GZ_E_CONFLICT);
	assert_int_equal(rows(f, "SELECT count(*) FROM cases"), cases_before); /* the 31st: no case */
	int n = 0;
	assert_int_equal(council_work_cases(f->s, &f->cadre, passed.id, count_work, &n, &e), GZ_OK);
	assert_int_equal(n, COUNCIL_WORK_CASES_MAX);
	/* The board: the result only after the resolution, each once. */
	council_entry_link l, r2;
	assert_int_equal(TX(council_work_result(f->s, &f->cadre, passed.id, "修好了", gz_now(), &l, &e)), GZ_E_CONFLICT);
	assert_int_equal(TX(council_work_publish(f->s, &f->supervisor, passed.id, gz_now(), &l, &e)), GZ_E_FORBIDDEN);
	assert_int_equal(TX(council_work_publish(f->s, &f->cadre, passed.id, gz_now(), &l, &e)), GZ_OK);
	assert_true(l.entry_id > 0);
	assert_int_equal(TX(council_work_publish(f->s, &f->cadre, passed.id, gz_now(), &r2, &e)), GZ_E_CONFLICT);
	assert_int_equal(TX(council_work_result(f->s, &f->cadre, passed.id, "修好了", gz_now(), &r2, &e)), GZ_OK);
	assert_int_equal(r2.seq, l.seq + 1);
	assert_int_equal(TX(council_work_result(f->s, &f->cadre, passed.id, "again", gz_now(), &r2, &e)), GZ_E_CONFLICT);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM board_entries WHERE resolution_id = %lld AND category = 'resolution'",
		 (long long)passed.id);
	assert_int_equal(rows(f, sql), 2);
	council_entry_link p1, p2;
	int64_t nc = 0;
	assert_int_equal(council_work_links(f->s, passed.id, &p1, &p2, &nc, &e), GZ_OK);
	assert_int_equal(p1.entry_id, l.entry_id);
	assert_int_equal(p2.entry_id, r2.entry_id);
	assert_int_equal(nc, COUNCIL_WORK_CASES_MAX);
}

/* Art. 16 at its boundaries: the petition (以上: the fraction itself suffices) and the count
 * (过半数: exactly half does not). */
static void recall_rules_at_their_boundaries(void **state)
{
	(void)state;
	assert_false(council_recall_petition_ok("voters", 19, 100));
	assert_true(council_recall_petition_ok("voters", 20, 100)); /* exactly one fifth */
	assert_false(council_recall_petition_ok("voters", 1, 6));
	assert_true(council_recall_petition_ok("voters", 2, 6));
	assert_false(council_recall_petition_ok("representatives", 9, 30));
	assert_true(council_recall_petition_ok("representatives", 10, 30)); /* exactly one third */
	assert_false(council_recall_petition_ok("representatives", 10, 31));
	assert_true(council_recall_petition_ok("representatives", 11, 31));
	assert_false(council_recall_petition_ok("representatives", 4, 3)); /* more than there are */
	assert_false(council_recall_petition_ok("voters", 0, 0));
	assert_false(council_recall_petition_ok("everyone", 50, 100));
	bool valid, passed;
	council_recall_decide(100, 50, 50, &valid, &passed); /* exactly half voted */
	assert_false(valid);
	assert_false(passed);
	council_recall_decide(100, 51, 25, &valid, &passed);
	assert_true(valid);
	assert_false(passed);
	council_recall_decide(100, 51, 26, &valid, &passed); /* one more than half of 51 */
	assert_true(valid);
	assert_true(passed);
	council_recall_decide(100, 60, 30, &valid, &passed); /* exactly half of those voting */
	assert_false(passed);
	council_recall_decide(100, 60, 31, &valid, &passed);
	assert_true(passed);
	council_recall_decide(0, 0, 0, &valid, &passed);
	assert_false(valid);
	assert_true(council_recall_rule.by_voters.inclusive && council_recall_rule.by_reps.inclusive);
	assert_false(council_recall_rule.turnout.inclusive || council_recall_rule.approval.inclusive);
}

int main(void)
{
	gz_log_set_level(GZ_LOG_WARN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recall_rules_at_their_boundaries),
		cmocka_unit_test_setup_teardown(resolutions_become_work, setup, teardown),
		cmocka_unit_test(more_than_half_is_strict),
		cmocka_unit_test(two_thirds_and_above_is_inclusive),
		cmocka_unit_test(every_rule_cites_its_article),
		cmocka_unit_test(quorum_adults_or_households),
		cmocka_unit_test_setup_teardown(quorum_from_the_registry_and_the_422, setup, teardown),
		cmocka_unit_test_setup_teardown(half_of_those_present_is_not_a_decision, setup, teardown),
		cmocka_unit_test_setup_teardown(members_meeting_counts_its_members, setup, teardown),
		cmocka_unit_test_setup_teardown(briefing_agenda_is_fixed_by_the_supervision_committee, setup, teardown),
		cmocka_unit_test_setup_teardown(secret_ballots_one_each_counted_after_closing, setup, teardown),
		cmocka_unit_test(election_rules_at_their_boundaries),
		cmocka_unit_test_setup_teardown(an_election_from_the_list_to_the_runoff, setup, teardown),
		cmocka_unit_test_setup_teardown(an_election_without_a_winner_goes_to_a_runoff, setup, teardown),
		cmocka_unit_test_setup_teardown(paper_and_online_at_exactly_half_is_void, setup, teardown),
		cmocka_unit_test_setup_teardown(paper_and_online_candidate_at_exactly_half_loses, setup, teardown),
		cmocka_unit_test_setup_teardown(paper_and_online_candidate_over_half_wins, setup, teardown),
		cmocka_unit_test(means_compare_exactly),
		cmocka_unit_test_setup_teardown(a_selection_chooses_by_mean_and_refuses_a_tie, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
