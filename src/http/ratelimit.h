/*
 * ratelimit.h: per-client token buckets for the public data routes.
 *
 * Pages open to anyone (certificate verification, published figures, the
 * public organisation list) are cheap to call in a loop, and certificate
 * numbers are sequential: without a limit a script could harvest every
 * holder's name in minutes. Each client address gets a bucket of `burst`
 * requests refilled at `per_minute`; an IPv6 client is keyed by its /64,
 * since one host usually owns the whole prefix.
 *
 * The table is fixed-size and shared by every loop thread under one mutex
 * (a public request takes it for a few hundred nanoseconds). When it is
 * full the least recently seen client is forgotten, which can only ever
 * give that client a fresh bucket: memory stays bounded under a flood of
 * addresses, at the price of letting a very wide botnet through.
 */
#ifndef SG_RATELIMIT_H
#define SG_RATELIMIT_H

#include <stdint.h>

#define RATELIMIT_DEFAULT_PER_MINUTE 120
#define RATELIMIT_DEFAULT_BURST 60

/*
 * Set the rate for the whole process; per_minute 0 turns limiting off.
 * Call before serving. Forgets every client.
 */
void ratelimit_configure(int per_minute, int burst);

/*
 * Take one request from the bucket of client address `ip` (text, as
 * rc_client_ip gives it; "" shares one bucket) at now_ms (a monotonic
 * clock in milliseconds). Returns 0 when allowed, otherwise the whole
 * seconds to wait before the next request would be (at least 1).
 */
int ratelimit_take(const char *ip, int64_t now_ms);

#endif
