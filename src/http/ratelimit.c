/*
 * ratelimit.c: token buckets per client address (see ratelimit.h).
 *
 * Buckets live in an open-addressed table probed linearly for a few slots
 * from the address's hash; tokens are kept in thousandths so that slow
 * rates refill smoothly without floating point.
 */
#include <pthread.h>
#include <string.h>

#include "ratelimit.h"
#include "../core/util.h"
#include "../core/banned.h"

#define SLOTS 8192
#define PROBES 8
#define KEY_SIZE 48
#define MILLI 1000

struct bucket {
	char key[KEY_SIZE];  /* "" = free */
	int64_t tokens;      /* thousandths of a request */
	int64_t seen_ms;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct bucket table[SLOTS];
static int64_t rate_per_minute = RATELIMIT_DEFAULT_PER_MINUTE;
static int64_t burst_tokens = (int64_t)RATELIMIT_DEFAULT_BURST * MILLI;

void ratelimit_configure(int per_minute, int burst)
{
	pthread_mutex_lock(&lock);
	rate_per_minute = per_minute > 0 ? per_minute : 0;
	burst_tokens = (int64_t)(burst > 0 ? burst : 1) * MILLI;
	memset(table, 0, sizeof(table));
	pthread_mutex_unlock(&lock);
}

/*
 * The address, or for IPv6 its first four groups (the /64). An unknown
 * address becomes "?", since "" marks a free slot.
 */
static void client_key(const char *ip, char *key)
{
	size_t n = 0;
	int colons = 0;

	if (!*ip)
		ip = "?";

	if (strchr(ip, ':')) {
		while (ip[n] && n < KEY_SIZE - 1 && !(ip[n] == ':' && ++colons == 4))
			n++;
	} else {
		n = strnlen(ip, KEY_SIZE - 1);
	}
	memcpy(key, ip, n);
	key[n] = '\0';
}

/* FNV-1a: the table only spreads keys, it does not have to resist them. */
static uint32_t hash_key(const char *key)
{
	uint32_t h = 2166136261u;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h;
}

/* The bucket for key: its own, a free slot, or the stalest one probed. */
static struct bucket *find_bucket(const char *key, int64_t now_ms)
{
	uint32_t h = hash_key(key);
	struct bucket *stalest = NULL;

	for (int i = 0; i < PROBES; i++) {
		struct bucket *b = &table[(h + (uint32_t)i) % SLOTS];

		if (!strcmp(b->key, key))
			return b;
		if (!b->key[0] || !stalest || b->seen_ms < stalest->seen_ms)
			stalest = b;
		if (!b->key[0])
			break;
	}
	util_strlcpy(stalest->key, key, sizeof(stalest->key));
	stalest->tokens = burst_tokens;
	stalest->seen_ms = now_ms;
	return stalest;
}

int ratelimit_take(const char *ip, int64_t now_ms)
{
	char key[KEY_SIZE];
	struct bucket *b;
	int wait = 0;

	client_key(ip, key);
	pthread_mutex_lock(&lock);
	if (!rate_per_minute)
		goto out;
	b = find_bucket(key, now_ms);
	if (now_ms > b->seen_ms) {
		b->tokens += (now_ms - b->seen_ms) * rate_per_minute * MILLI / 60000;
		if (b->tokens > burst_tokens)
			b->tokens = burst_tokens;
		b->seen_ms = now_ms;
	}
	if (b->tokens >= MILLI) {
		b->tokens -= MILLI;
	} else {
		int64_t missing_ms = (MILLI - b->tokens) * 60000 /
				     (rate_per_minute * MILLI);

		wait = (int)((missing_ms + 999) / 1000);
		if (wait < 1)
			wait = 1;
	}
out:
	pthread_mutex_unlock(&lock);
	return wait;
}
