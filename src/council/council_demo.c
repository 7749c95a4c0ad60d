/* council_demo.c — the demonstration meetings: the agenda of the next 居民议事堂 of 罗滩社区 holds
 * the suggestions its residents left at the last ones (the demo cases of seed 001), with topics
 * from the consultation catalogue, and is fixed; 新民社区 plans a residents' meeting on the problems
 * its spokespersons collected. Both are dated a week from the day the demo is loaded, at 19:30
 * Beijing time, so that they are upcoming. No attendance, votes or resolutions are invented: the
 * demo registry holds no residents to check in. */
#include <string.h>

#include "cases/cases.h"
#include "core/util.h"
#include "council/council.h"
#include "council/council_demo.h"

struct pick {
	int64_t ids[3];
	char titles[3][CASE_TITLE_MAX * 4 + 1];
	int n;
};

static int pick_case(void *ctx, const case_rec *c)
{
	struct pick *p = ctx;
	if (p->n < 3) {
		p->ids[p->n] = c->id;
		gz_strlcpy(p->titles[p->n], c->title, sizeof p->titles[p->n]);
		p->n++;
	}
	return p->n >= 3;
}

/* The first catalogue topic of a category (1–4), 0 when none. */
static int first_topic(void *ctx, const council_topic *t)
{
	int64_t *want = ctx;
	if (t->category_id == want[0] && !want[1])
		want[1] = t->id;
	return 0;
}

static gz_err demo_meeting(store *s, const gz_user *u, const char *place, const char *type, const char *title,
			   const char *venue, const char *channel, int64_t category, bool fix, int64_t when, gz_error *e)
{
	council_meeting_in in = {.place_code = place, .type = type, .title = title, .venue = venue, .starts_at = when};
	council_meeting m;
	int64_t now = gz_now();
	gz_err rc = council_meeting_create(s, u, &in, now, &m, e);
	if (rc)
		return rc;
	council_meeting_free(&m);
	case_filter f = {.channel = channel, .status = "open", .limit = 3};
	scope_range_of(place, &f.range);
	struct pick p = {{0}, {{0}}, 0};
	bool more;
	if ((rc = cases_list(s, u, &f, now, pick_case, &p, &more, e)))
		return rc;
	if (!p.n) {
		/* No open case from this channel: the last ones, resolved or not. */
		f.status = NULL;
		if ((rc = cases_list(s, u, &f, now, pick_case, &p, &more, e)))
			return rc;
	}
	int64_t topic[2] = {category, 0};
	if ((rc = council_topics(s, false, first_topic, topic, e)))
		return rc;
	council_item it;
	for (int i = 0; i < p.n; i++)
		if ((rc = council_item_add(s, u, m.id, p.titles[i], i == 0 ? topic[1] : 0, p.ids[i], now, &it, e)))
			return rc;
	if (fix && p.n) {
		if ((rc = council_meeting_act(s, u, m.id, "fix", now, &m, e)))
			return rc;
		council_meeting_free(&m);
	}
	return GZ_OK;
}

gz_err council_demo_load(store *s, const gz_user *luotan, const gz_user *xinmin, int *created, gz_error *e)
{
	/* 19:30 Beijing time, a week from today. */
	int64_t day = (gz_now() + 8 * 3600) / 86400 * 86400 - 8 * 3600;
	int64_t when = day + 7 * 86400 + 19 * 3600 + 1800;
	gz_err rc = demo_meeting(s, luotan, "421003005007", "hall", "罗滩社区居民议事堂：居民建议议事", "罗滩社区居民议事堂", "hall", 2,
				 true, when, e);
	if (rc)
		return rc;
	if ((rc = demo_meeting(s, xinmin, "421003003006", "resident_assembly", "新民社区居民会议：社区发言人收集问题议事",
			       "新民社区党群服务中心", "spokesperson", 3, false, when + 86400, e)))
		return rc;
	*created = 2;
	return GZ_OK;
}
