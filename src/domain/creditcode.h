/*
 * creditcode.h: the unified social credit code (统一社会信用代码, GB
 * 32100-2015) of an organisation.
 *
 * 18 characters from 0-9 and the 21 capital letters without I, O, S, V
 * and Z: position 1 the registering authority (1 机构编制, 5 民政, 9 工商,
 * Y other), 2 the organisation type within it, 3–8 the region (GB/T
 * 2260), 9–17 the organisation code, 18 the check character computed from
 * the other 17 with weights 3^i mod 31.
 *
 * Some codes issued early fail their check character yet are real; the
 * validator reports the character it expected so that the UI can show it
 * and an administrator can accept the code with a recorded reason.
 */
#ifndef SG_CREDITCODE_H
#define SG_CREDITCODE_H

#define CREDITCODE_LEN 18
#define CREDITCODE_SIZE (CREDITCODE_LEN + 1)

enum creditcode_result {
	CREDITCODE_OK = 0,
	CREDITCODE_LENGTH,       /* not 18 characters */
	CREDITCODE_CHARACTER,    /* a character outside the alphabet */
	CREDITCODE_CHECK,        /* well formed, wrong check character */
};

struct creditcode_info {
	enum creditcode_result result;
	int bad_position;        /* 1-based, for CREDITCODE_CHARACTER */
	char expected_check;     /* for CREDITCODE_CHECK (and OK) */
	char authority;          /* position 1 */
	char region[7];          /* positions 3–8 */
};

/*
 * Check code (NUL-terminated; lower-case letters are taken as capitals,
 * as people type them). Fills info; returns info->result.
 */
enum creditcode_result creditcode_check(const char *code,
					struct creditcode_info *info);

/* The check character for the first 17 characters, or 0 if malformed. */
char creditcode_check_char(const char *first17);

/*
 * The registering authority of a first character as an API name:
 * "establishment" (1 机构编制), "foreign_affairs" (2), "justice" (3),
 * "culture" (4), "civil_affairs" (5 民政), "tourism" (6), "religion" (7),
 * "trade_union" (8), "industry_commerce" (9 工商), "other" (A, N, Y), or
 * "" when the character names no authority.
 */
const char *creditcode_authority(char first);

#endif
