/* board_demo.c — the public board's demonstration data at 姚家铺村 (弥市镇, 荆州区; seed 001),
 * published through the same domain functions as the API: the supervision committee's agenda for
 * the 村情发布会, the answers to the questions not answered on the spot (linked to their cases),
 * 三务 entries with one correction, a policy notice, and one completed 四议两公开 (the 红色驿站 the
 * seed names). The seed gives no vote counts: the counts here are illustrative. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board/board.h"
#include "board/board_demo.h"
#include "cases/cases.h"
#include "core/util.h"

static const char *const YAOJIAPU = "421003105218";

/* Seconds at h:00 Beijing time on y-m-d. */
static int64_t at(int y, int m, int d, int h)
{
	struct tm t = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = h - 8};
	return (int64_t)timegm(&t);
}

/* Answers published on the board to briefing questions, by the question's title. */
static const struct {
	const char *title, *answer;
} answers[] = {
	{"三务公开内容多久更新",
	 "村务一般事项至少每季度公开一次；集体财务往来较多时，财务收支每月公开一次；涉及村民切身利益的重大事项随时公开"
	 "（《村民委员会组织法》第三十条）。公开栏同时在线发布，手机扫码即可查看。"},
	{"廉情信息员怎么反映问题",
	 "本村实行“廉情信息员+党员小组长”信息收集机制：村民可向所在小组的廉情信息员或党员小组长反映，也可扫村委会门口的"
	 "二维码直接提交，村务监督委员会跟踪办理并在公开栏答复。"},
	{"村监委会如何监督工程",
	 "村务监督委员会对村级工程项目的立项、招标、施工、验收和资金使用全程监督：参加“两委”会议和项目验收，审核相关"
	 "票据，监督结果在公开栏“监督公开”栏目公布。"},
};

struct briefing {
	int64_t id, created_at, resolved_at;
	char title[CASE_TITLE_MAX * 4 + 1];
};
struct briefings {
	struct briefing b[32];
	int n;
};

static int keep_briefing(void *ctx, const case_rec *c)
{
	struct briefings *l = ctx;
	if (l->n < (int)(sizeof l->b / sizeof *l->b)) {
		struct briefing *b = &l->b[l->n++];
		b->id = c->id;
		b->created_at = c->created_at;
		b->resolved_at = c->resolved_at;
		gz_strlcpy(b->title, c->title, sizeof b->title);
	}
	return 0;
}

static gz_err publish(store *s, const gz_user *u, const char *category, const char *title, const char *body,
		      const char *period, const char *attachment, int64_t when, int64_t *id, gz_error *e)
{
	board_new in = {.place_code = YAOJIAPU, .category = category, .title = title, .body = body, .period = period,
			.attachment = attachment};
	return board_publish(s, u, &in, when, id, NULL, NULL, e);
}

gz_err board_demo_load(store *s, const gz_user *cadre, const gz_user *supervisor, int *published, gz_error *e)
{
	gz_err rc;
	int64_t id;
	int n = 0;
	/* 四议两公开: the 红色驿站. */
	int64_t pid, entry;
	board_step_in st = {.held_on = "2023-05-08",
			    .document = "村党支部会议提议：利用村委会闲置用房改建红色驿站，作为党员群众议事、学习和服务的阵地。"};
	if ((rc = board_procedure_create(s, cadre, YAOJIAPU, "红色驿站建设", &st, at(2023, 5, 8, 16), &pid, e)))
		return rc;
	board_step_in steps[] = {
		{.step = BOARD_STEP_CONSULT, .held_on = "2023-05-12",
		 .document = "村“两委”联席会议商议：同意改建方案，所需资金由村集体经济收入列支，报党员大会审议。",
		 .has_votes = true, .votes = {7, 0, 0, 7, 7}},
		{.step = BOARD_STEP_REVIEW, .held_on = "2023-05-19",
		 .document = "党员大会审议通过改建方案和资金安排。", .has_votes = true, .votes = {36, 1, 1, 38, 42}},
		{.step = BOARD_STEP_RESOLVE, .held_on = "2023-05-26", .meeting = "representatives",
		 .document = "村民代表会议决议：实施红色驿站改建，资金由村集体经济收入列支，村务监督委员会全程监督。",
		 .has_votes = true, .votes = {29, 1, 1, 31, 35}},
		{.step = BOARD_STEP_PUBLISH, .held_on = "2023-05-28",
		 .document = "经村民代表会议决议：利用村委会闲置用房改建红色驿站，资金由村集体经济收入列支，"
			     "村务监督委员会全程监督。欢迎村民监督。"},
		{.step = BOARD_STEP_RESULT, .held_on = "2023-09-15",
		 .document = "红色驿站已建成并向党员群众开放，经村务监督委员会参加验收；资金使用情况在财务公开中列明。",
		 .attachment = "红色驿站验收记录（村委会存档）"},
	};
	static const int days[] = {12, 19, 26, 28};
	for (size_t i = 0; i < 4; i++) {
		if ((rc = board_procedure_step(s, cadre, pid, &steps[i], at(2023, 5, days[i], 17), &entry, e)))
			return rc;
		if (entry)
			n++;
	}
	if ((rc = publish(s, cadre, "policy", "城乡社区治理示范点项目",
			  "荆州区民政局确定6个城乡社区治理示范点项目，本村村情发布会为其中之一。项目以党建引领基层治理，"
			  "将“五共”理念融入城乡治理。",
			  NULL, NULL, at(2023, 9, 1, 9), &id, e)))
		return rc;
	n++;
	/* The result, once the 驿站 was built. */
	if ((rc = board_procedure_step(s, cadre, pid, &steps[4], at(2023, 9, 15, 17), &entry, e)))
		return rc;
	n++;
	if ((rc = publish(s, cadre, "village", "村情发布会制度",
			  "为提高村民对村内事务的知晓率，本村建立村情发布会制度：会议以村干部述职、村民“现场问诊”的形式进行，"
			  "议题由村务监督委员会事先列出；现场未解答的问题，会后在“三务”公开栏公示答复。",
			  "2023", NULL, at(2023, 9, 20, 10), &id, e)))
		return rc;
	n++;
	/* The supervision committee lists the briefing's topics beforehand (seed 001). */
	if ((rc = publish(s, supervisor, "supervision", "2023年10月村情发布会议题",
			  "经村务监督委员会前期梳理，本次村情发布会由“两委”干部述职并就以下议题作详细陈述，现场回答村民提问：\n"
			  "一、村集体经济收入去向；二、村道硬化进度；三、低保评定程序；四、土地流转收益分配；\n"
			  "五、红色驿站开放时间；六、三务公开内容多久更新；七、廉情信息员怎么反映问题；八、村监委会如何监督工程。\n"
			  "现场未能解答的问题，会后在“三务”公开栏予以公示。",
			  "2023-10", NULL, at(2023, 10, 8, 9), &id, e)))
		return rc;
	n++;
	int64_t wrong;
	if ((rc = publish(s, cadre, "party", "2023年第三季度党务公开",
			  "一、“廉情信息员+党员小组长”信息收集机制运行情况；二、红色驿站建成并向党员群众开放（每周一至周五）；"
			  "三、党员设岗定责、联系农户情况。",
			  "2023-Q3", NULL, at(2023, 10, 9, 9), &wrong, e)))
		return rc;
	n++;
	board_new corr = {.place_code = YAOJIAPU, .category = "party", .title = "2023年第三季度党务公开",
			  .body = "一、“廉情信息员+党员小组长”信息收集机制运行情况；二、红色驿站建成并向党员群众开放（每周一至周六）；"
				  "三、党员设岗定责、联系农户情况。",
			  .period = "2023-Q3", .corrects = wrong, .reason = "红色驿站开放时间误写为周一至周五，更正为周一至周六"};
	if ((rc = board_publish(s, cadre, &corr, at(2023, 10, 10, 9), &id, NULL, NULL, e)))
		return rc;
	n++;
	if ((rc = publish(s, cadre, "finance", "2023年第三季度财务收支公开",
			  "本季度村集体收入、支出及结余明细已经民主理财小组审核，明细表张贴于村委会公开栏，并存村会计室备查。",
			  "2023-Q3", "姚家铺村2023年第三季度财务收支明细表（村会计室存档）", at(2023, 10, 12, 9), &id, e)))
		return rc;
	n++;

	/* The briefing's questions not answered on the spot: answered on the board when resolved. */
	case_filter f = {.channel = "briefing", .limit = 30};
	scope_range_of(YAOJIAPU, &f.range);
	struct briefings l = {.n = 0};
	bool more;
	if ((rc = cases_list(s, cadre, &f, at(2024, 1, 1, 9), keep_briefing, &l, &more, e)))
		return rc;
	for (int i = l.n - 1; i >= 0; i--) {
		const struct briefing *b = &l.b[i];
		if (!b->resolved_at || b->resolved_at - b->created_at < 86400)
			continue; /* answered on the spot */
		for (size_t k = 0; k < sizeof answers / sizeof *answers; k++) {
			if (strcmp(answers[k].title, b->title))
				continue;
			char title[200];
			snprintf(title, sizeof title, "村情发布会问题答复：%s", b->title);
			board_new in = {.place_code = YAOJIAPU, .category = "briefing", .title = title, .body = answers[k].answer,
					.period = "2023-10", .case_id = b->id};
			if ((rc = board_publish(s, cadre, &in, b->resolved_at, &id, NULL, NULL, e)))
				return rc;
			n++;
		}
	}

	*published = n;
	return GZ_OK;
}
