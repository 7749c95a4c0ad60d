/* cases_demo.c — the demonstration data `make run` loads: the seed reports' cases entered at
 * their real places of the national tree, through the same domain functions the API uses (every
 * case has its full history), so that the figures pages show the seeds' numbers:
 *   新民社区 (seed 001): 社区发言人 61 problems, 47 resolved, 14 carried onto the 2024 work list;
 *   罗滩社区: 居民议事堂 11 suggestions, 10 resolved;
 *   文庙社区: 早餐会 52 problems, 32 solved with the volunteer team, 20 through linked resources;
 *   姚家铺村: 村情发布会 questions, most answered on the spot, the rest later;
 *   彭水 (seed 002): 三事分流, street level 大事19 小事24 私事23, township level 17/28/39.
 * Deterministic: the same data every time (a fixed pseudo-random sequence). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "cases/cases.h"
#include "cases/cases_demo.h"
#include "core/util.h"
#include "places/places.h"

static uint32_t rnd_state = 20230101;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

/* Seconds at 09:00 Beijing time on y-m-d. */
static int64_t day(int y, int m, int d)
{
	struct tm t = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 1};
	return (int64_t)timegm(&t);
}

enum { H = 3600, D = 86400 };

typedef struct {
	const gz_user *cadre, *dept_user;
	int64_t dept_id;
	int created;
} demo_ctx;

static gz_err act(store *s, const gz_user *u, int64_t id, const case_act *a, int64_t when, gz_error *e)
{
	case_rec c;
	gz_err rc = cases_act(s, u, id, a, when, &c, e);
	if (!rc)
		case_free(&c);
	return rc;
}

/* One case and its history. resolution NULL: still open (with feedback given in time);
 * resolve_days 0: answered on the spot. */
static gz_err demo_case(store *s, demo_ctx *x, const char *code, const char *channel, const char *type, const char *title,
			const char *content, int64_t t0, const char *kind, const char *resolution, int resolve_days,
			bool deliberate, gz_error *e)
{
	case_new in = {.place_code = code, .channel = channel, .type = type, .title = title, .content = content};
	case_rec c;
	gz_err rc = cases_create(s, x->cadre, &in, t0, &c, e);
	if (rc)
		return rc;
	int64_t id = c.id;
	case_free(&c);
	x->created++;
	bool major = !strcmp(kind, "major"), on_the_spot = resolution && resolve_days == 0;
	int64_t t = on_the_spot ? t0 + 600 : t0 + 2 * H + (int64_t)rnd(20) * H;
	case_act triage = {.action = "triage", .kind = kind, .department_id = major ? x->dept_id : 0,
			   .note = major ? "属政府管理事项，转县职能部门办理"
			   : !strcmp(kind, "minor") ? "村（居）公共事项，由两委牵头办理"
						    : "居民个人事项，给予政策指引"};
	if ((rc = act(s, x->cadre, id, &triage, t, e)))
		return rc;
	if (!on_the_spot) {
		t += D + (int64_t)rnd(24) * H;
		case_act fb = {.action = "feedback", .note = "已向反映人说明办理安排"};
		if ((rc = act(s, x->cadre, id, &fb, t, e)))
			return rc;
	}
	if (major) {
		t += D + (int64_t)rnd(3) * D;
		case_act reply = {.action = "reply", .note = "已受理，纳入部门年度计划推进"};
		if ((rc = act(s, x->dept_user, id, &reply, t, e)))
			return rc;
	}
	if (deliberate && !major) {
		case_act del = {.action = "deliberate", .note = "提交院坝会民主协商"};
		case_act dec = {.action = "decide", .note = "会议表决通过实施方案"};
		if ((rc = act(s, x->cadre, id, &del, t += D, e)) || (rc = act(s, x->cadre, id, &dec, t += 2 * D, e)))
			return rc;
	}
	if (!resolution)
		return GZ_OK;
	int64_t when = on_the_spot ? t0 + 1200 : t0 + (int64_t)resolve_days * D + 3 * H;
	if (when <= t)
		when = t + 4 * H;
	case_act res = {.action = "resolve", .resolution = resolution,
			.note = on_the_spot ? "发布会现场答复" : "问题已解决，已回访反映人"};
	static const char *const ratings[] = {"satisfied", "satisfied", "satisfied", "basic"};
	case_act ev = {.action = "evaluate", .rating = ratings[rnd(4)], .note = "感谢社区"};
	if ((rc = act(s, x->cadre, id, &res, when, e)) || (rc = act(s, x->cadre, id, &ev, when + D, e)))
		return rc;
	return GZ_OK;
}

static const char *const xinmin_titles[] = {
	"老旧小区楼道灯损坏", "化粪池堵塞外溢",   "下水道雨天反水",   "小区路面坑洼积水", "三无小区无人管理",
	"垃圾清运不及时",     "电动车飞线充电隐患", "顶楼屋面漏水",     "背街小巷路灯不亮", "广场舞噪音扰民",
	"乱停乱放堵塞通道",   "外墙瓷砖脱落",     "绿化带杂草丛生",   "流浪犬扰民",       "下岗职工再就业培训需求",
	"困难群众临时救助",   "老年人助餐需求",   "楼栋门禁损坏",     "违章搭建雨棚",     "公共晾晒场地不足"};
static const char *const luotan_titles[] = {
	"建议为移民开展健康义诊",     "建议组织移民就业技能培训", "建议及时推送就业岗位信息", "建议修缮深湖队生产便道",
	"建议慢性病老人送药上门",     "建议设立移民子女课后托管", "建议公示移民后扶项目进展", "建议修缮居民议事堂活动室",
	"建议举办打糍粑等民俗活动",   "建议建立移民互助小组",     "建议开展中秋联欢邻里活动"};
static const char *const wenmiao_titles[] = {
	"巷道路面破损",     "老旧房屋墙体开裂", "楼道堆放杂物",     "独居老人需要定期探访", "巷口路灯不亮",
	"下水管道老化渗漏", "消防通道被占用",   "居民楼电线老化",   "公共楼梯扶手损坏",     "老人就医出行不便",
	"缺少休息座椅",     "路口缺少指示牌",   "雨天巷道积水",     "空置房屋安全隐患"};
static const char *const briefing_titles[] = {"村集体经济收入去向", "村道硬化进度",       "低保评定程序",
					     "土地流转收益分配",   "红色驿站开放时间",   "三务公开内容多久更新",
					     "廉情信息员怎么反映问题", "村监委会如何监督工程"};
static const char *const major_titles[] = {"农村公路硬化申请", "危房改造补助咨询", "安全饮水管网延伸", "医保报销政策咨询",
					   "低保资格复核",     "河堤垮塌需修复",   "通组公路塌方",     "集中供水水压不足",
					   "高龄津贴未到账",   "养老保险缴费问题", "农网改造电压不稳", "学校校车接送"};
static const char *const minor_titles[] = {"村道路灯维修",   "垃圾收集点清运不及时", "公共厕所保洁",   "健身器材损坏",
					   "院坝排水沟堵塞", "村规民约修订建议",     "公共晒坝被占用", "便民桥栏杆松动",
					   "老年活动室开放时间", "山坪塘清淤",       "环境卫生整治",   "村务公开栏更新"};
static const char *const private_titles[] = {"邻里宅基地界线纠纷", "家庭赡养矛盾",     "务工工资拖欠咨询", "房屋租赁纠纷",
					     "农产品销售渠道",     "子女入学咨询",     "土地流转合同咨询", "种植技术求助",
					     "家电维修求助",       "婚姻家庭矛盾"};

#define N(a) (sizeof(a) / sizeof *(a))

/* The villages of a township, to spread its cases over (up to max). */
struct villages {
	char code[64][GZ_CODE_MAX + 1];
	int n;
};

static int add_village(void *ctx, const place *p)
{
	struct villages *v = ctx;
	if (v->n < 64)
		gz_strlcpy(v->code[v->n++], p->code, sizeof v->code[0]);
	return v->n >= 64;
}

/* 彭水's 三事分流: count cases of each kind spread over the streets (street) or townships. */
static gz_err pengshui(store *s, demo_ctx *x, bool street, const int counts[3], gz_error *e)
{
	static const char *const kinds[] = {"major", "minor", "private"};
	struct {
		char code[GZ_CODE_MAX + 1];
	} towns[8];
	int nt = 0;
	static const char *const street_codes[] = {"500243001", "500243002", "500243003"};
	static const char *const township_codes[] = {"500243102", "500243105", "500243110", "500243201", "500243222"};
	const char *const *codes = street ? street_codes : township_codes;
	int ncodes = street ? 3 : 5;
	for (int i = 0; i < ncodes && nt < 8; i++)
		gz_strlcpy(towns[nt++].code, codes[i], sizeof towns[0].code);
	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < counts[k]; i++) {
			struct villages v = {.n = 0};
			bool more;
			places_children(s, towns[i % nt].code, NULL, 64, add_village, &v, &more, NULL);
			if (!v.n)
				return gz_fail(e, GZ_E_NOT_FOUND, NULL, "no villages under \"%s\": import the places first", towns[i % nt].code);
			const char *village = v.code[rnd((uint32_t)v.n)];
			const char *title = k == 0 ? major_titles[rnd(N(major_titles))]
					    : k == 1 ? minor_titles[rnd(N(minor_titles))]
						     : private_titles[rnd(N(private_titles))];
			int64_t t0 = day(2023, 1 + (int)rnd(9), 1 + (int)rnd(28)) + (int64_t)rnd(8) * H;
			const char *channel = k == 2 ? "grid_visit" : rnd(2) ? "phone" : "grid_visit";
			bool dispute = k == 2 && (strstr(title, "纠纷") || strstr(title, "矛盾"));
			const char *resolution = k == 0 ? (rnd(4) ? "department" : "upper")
						 : k == 1 ? (rnd(3) ? "community" : "volunteers")
							  : (dispute ? "mediation" : rnd(2) ? "resident" : "market");
			/* Most are done by the end of September; a few are still being handled. */
			bool open = rnd(6) == 0;
			char content[256];
			snprintf(content, sizeof content, "%s：村民反映%s，请求协调解决。", title, title);
			gz_err rc;
			if (dispute) {
				case_new d = {.place_code = village, .channel = channel, .type = "dispute", .title = title,
					      .content = content, .parties = "相邻两户村民"};
				case_rec c;
				if ((rc = cases_create(s, x->cadre, &d, t0, &c, e)))
					return rc;
				int64_t id = c.id;
				case_free(&c);
				x->created++;
				case_act tr = {.action = "triage", .kind = "private", .note = "私事，组织调解"};
				case_act res = {.action = "resolve", .resolution = "mediation", .mediator = "村人民调解委员会",
						.outcome = rnd(5) ? "agreement" : "no_agreement", .note = "经调解双方达成一致"};
				if ((rc = act(s, x->cadre, id, &tr, t0 + 3 * H, e)) || (rc = act(s, x->cadre, id, &res, t0 + 4 * D, e)))
					return rc;
				continue;
			}
			if ((rc = demo_case(s, x, village, channel, "problem", title, content, t0, kinds[k], open ? NULL : resolution,
					    3 + (int)rnd(12), k == 1 && rnd(3) == 0, e)))
				return rc;
		}
	}
	return GZ_OK;
}

gz_err cases_demo_load(store *s, const cases_demo_users *u, int *created, gz_error *e)
{
	demo_ctx x = {.cadre = u->xinmin, .dept_user = u->department, .dept_id = u->department_id};
	gz_err rc;
	char content[512];
	/* 新民社区: spokespersons' problems, March–November 2023. */
	for (int i = 0; i < 61; i++) {
		const char *title = xinmin_titles[i % N(xinmin_titles)];
		snprintf(content, sizeof content, "社区发言人收集：%s，居民多次反映，希望尽快处理。", title);
		int64_t t0 = day(2023, 3 + i * 9 / 61, 1 + (int)rnd(28)) + 9 * H;
		static const char *const how[] = {"community", "volunteers", "resources"};
		bool resolved = i < 47;
		if ((rc = demo_case(s, &x, "421003003006", "spokesperson", "problem", title, content, t0, "minor",
				    resolved ? how[rnd(3)] : NULL, 3 + (int)rnd(10), i % 7 == 0, e)))
			return rc;
	}
	/* The 14 unresolved go onto the 2024 work list at the year's end. */
	int64_t carried;
	if ((rc = cases_carry_over(s, u->xinmin, "421003003006", 2023, day(2023, 12, 31), &carried, e)))
		return rc;
	/* 罗滩社区: suggestions at the 居民议事堂, each answered within the week (1510). */
	x.cadre = u->luotan;
	for (int i = 0; i < 11; i++) {
		snprintf(content, sizeof content, "移民话事堂议事：%s。", luotan_titles[i]);
		int64_t t0 = day(2023, 5 + i / 2, 3 + (int)rnd(20)) + 14 * H;
		if ((rc = demo_case(s, &x, "421003005007", "hall", "suggestion", luotan_titles[i], content, t0, "minor",
				    i < 10 ? (i % 3 ? "community" : "volunteers") : NULL, 2 + (int)rnd(5), true, e)))
			return rc;
	}
	/* 文庙社区: the breakfast meeting's problem list — 32 with the volunteer team, 20 through
	 * linked resources and reporting upward. */
	x.cadre = u->wenmiao;
	for (int i = 0; i < 52; i++) {
		const char *title = wenmiao_titles[i % N(wenmiao_titles)];
		snprintf(content, sizeof content, "民意早餐会上居民提出：%s。", title);
		int64_t t0 = day(2023, 4 + i * 8 / 52, 1 + (int)rnd(28)) + 7 * H;
		if ((rc = demo_case(s, &x, "421003001003", "breakfast", "problem", title, content, t0, "minor",
				    i < 32 ? "volunteers" : "resources", 2 + (int)rnd(20), false, e)))
			return rc;
	}
	/* 姚家铺村: questions at the 村情发布会 — answered on the spot, or later. */
	x.cadre = u->yaojiapu;
	for (int i = 0; i < (int)N(briefing_titles); i++) {
		snprintf(content, sizeof content, "村情发布会现场问诊：%s？", briefing_titles[i]);
		int64_t t0 = day(2023, 10, 15) + 10 * H;
		if ((rc = demo_case(s, &x, "421003105218", "briefing", "problem", briefing_titles[i], content, t0, "minor",
				    "community", i < 5 ? 0 : 6 + i, false, e)))
			return rc;
	}
	/* 彭水: 三事分流 to the end of September. */
	x.cadre = u->pengshui;
	static const int street[3] = {19, 24, 23}, township[3] = {17, 28, 39};
	if ((rc = pengshui(s, &x, true, street, e)) || (rc = pengshui(s, &x, false, township, e)))
		return rc;
	*created = x.created;
	return GZ_OK;
}
