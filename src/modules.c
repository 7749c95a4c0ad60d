/* modules.c — the table of domain modules. */
#include "modules.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "core/util.h"

/* Each module defines its descriptor in its <module>_http.c. */
extern const gz_module system_module, places_module, auth_module, audit_module, registry_module, cases_module,
	board_module, council_module;

const gz_module *const gz_modules[] = {
	&system_module,
	&places_module,
	&auth_module,
	&audit_module,
	&registry_module,
	&cases_module,
	&board_module,
	&council_module,
	NULL,
};

gz_err modules_migrate(store *s, gz_error *e)
{
	for (const gz_module *const *m = gz_modules; *m; m++) {
		gz_err rc = store_migrate(s, (*m)->name, (*m)->migrations, e);
		if (rc)
			return rc;
	}
	return GZ_OK;
}

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool running, stop;
	store *s;
	int seconds;
} timer = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void *timer_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&timer.mu);
	while (!timer.stop) {
		pthread_mutex_unlock(&timer.mu);
		for (const gz_module *const *m = gz_modules; *m; m++)
			if ((*m)->tick)
				(*m)->tick(timer.s, gz_now());
		pthread_mutex_lock(&timer.mu);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += timer.seconds;
		while (!timer.stop && pthread_cond_timedwait(&timer.cv, &timer.mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&timer.mu);
	return NULL;
}

gz_err modules_timer_start(store *s, int seconds, gz_error *e)
{
	timer.s = s;
	timer.seconds = seconds > 0 ? seconds : 60;
	timer.stop = false;
	if (pthread_create(&timer.thread, NULL, timer_main, NULL))
		return gz_fail(e, GZ_E_INTERNAL, NULL, "cannot start the timer thread");
	timer.running = true;
	return GZ_OK;
}

void modules_timer_stop(void)
{
	if (!timer.running)
		return;
	pthread_mutex_lock(&timer.mu);
	timer.stop = true;
	pthread_cond_signal(&timer.cv);
	pthread_mutex_unlock(&timer.mu);
	pthread_join(timer.thread, NULL);
	timer.running = false;
}
