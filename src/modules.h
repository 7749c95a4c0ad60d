/* modules.h — one descriptor per domain module, one table of all of them.
 *
 * A new module adds its descriptor to gz_modules[] in modules.c: its migrations are applied
 * by `gongzhi init` / `serve`, its routes are served, and the route table test sees them. */
#ifndef GZ_MODULES_H
#define GZ_MODULES_H

#include "http/http.h"
#include "store/store.h"

typedef struct {
	const char *name;
	const store_migration *migrations; /* ends with {0} */
	const http_route *routes;          /* ends with {0} */
	/* Work the server does on its own (escalating overdue cases …): called every tick by one
	 * timer thread with the time to act on. May be NULL. Must not block for long. */
	void (*tick)(store *s, int64_t now);
} gz_module;

/* NULL-terminated, in dependency order (places first: everything hangs on it). */
extern const gz_module *const gz_modules[];

/* Apply every module's pending migrations. */
gz_err modules_migrate(store *s, gz_error *e);

/* Start / stop the timer thread that calls every module's tick each `seconds`. */
gz_err modules_timer_start(store *s, int seconds, gz_error *e);
void modules_timer_stop(void);

#endif
