/* ratelimit.h — a per-key counter over fixed windows, for routes anyone may call (the public
 * intake of residents' problems): at most `max` hits per key in each window of `window`
 * seconds. Keys are hashed into a fixed table, so memory stays bounded whatever the callers
 * send; two keys sharing a slot share a budget, which errs on the side of refusing. */
#ifndef GZ_RATELIMIT_H
#define GZ_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

enum { RATELIMIT_SLOTS = 4096 };

typedef struct {
	pthread_mutex_t mu;
	int max, window;
	struct {
		uint64_t key;
		int64_t start;
		int hits;
	} slot[RATELIMIT_SLOTS];
} ratelimit;

/* Set the limit (callable again to change it, e.g. from the environment at start-up). */
void ratelimit_init(ratelimit *rl, int max, int window);
/* Count one hit of key at time now. true when allowed; otherwise false and *retry_after says
 * in how many seconds the window ends. */
bool ratelimit_hit(ratelimit *rl, const char *key, int64_t now, int *retry_after);

#endif
