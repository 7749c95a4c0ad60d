/* ratelimit.c — fixed-window counters per key (see ratelimit.h). */
#include "core/ratelimit.h"

#include <sodium.h>
#include <string.h>

/* SipHash under a per-process random key: callers cannot aim their keys at one slot. */
static unsigned char hash_key[crypto_shorthash_KEYBYTES];
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void hash_init(void)
{
	randombytes_buf(hash_key, sizeof hash_key);
}

void ratelimit_init(ratelimit *rl, int max, int window)
{
	pthread_mutex_lock(&rl->mu);
	rl->max = max > 0 ? max : 1;
	rl->window = window > 0 ? window : 60;
	memset(rl->slot, 0, sizeof rl->slot);
	pthread_mutex_unlock(&rl->mu);
}

bool ratelimit_hit(ratelimit *rl, const char *key, int64_t now, int *retry_after)
{
	pthread_once(&hash_once, hash_init);
	uint64_t h;
	crypto_shorthash((unsigned char *)&h, (const unsigned char *)key, strlen(key), hash_key);
	pthread_mutex_lock(&rl->mu);
	size_t i = (size_t)(h % RATELIMIT_SLOTS);
	/* A new window when the slot's has ended; a key landing on a live slot shares its budget. */
	if (now - rl->slot[i].start >= rl->window || now < rl->slot[i].start) {
		rl->slot[i].key = h;
		rl->slot[i].start = now;
		rl->slot[i].hits = 0;
	}
	bool ok = rl->slot[i].hits < rl->max;
	if (ok)
		rl->slot[i].hits++;
	else if (retry_after)
		*retry_after = (int)(rl->slot[i].start + rl->window - now);
	pthread_mutex_unlock(&rl->mu);
	return ok;
}
