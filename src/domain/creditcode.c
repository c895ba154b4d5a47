/*
 * creditcode.c: GB 32100-2015 check character and fields (see
 * creditcode.h).
 */
#include <string.h>

#include "creditcode.h"
#include "../core/banned.h"

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int weights[CREDITCODE_LEN - 1] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
};

/* Value 0..30 of c (lower case accepted), or -1. */
static int char_value(char c)
{
	const char *p;

	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (!c)
		return -1;
	p = strchr(alphabet, c);
	return p ? (int)(p - alphabet) : -1;
}

char creditcode_check_char(const char *first17)
{
	int sum = 0;

	for (int i = 0; i < CREDITCODE_LEN - 1; i++) {
		int v = char_value(first17[i]);

		if (v < 0)
			return 0;
		sum += v * weights[i];
	}
	return alphabet[(31 - sum % 31) % 31];
}

enum creditcode_result creditcode_check(const char *code,
					struct creditcode_info *info)
{
	char upper;

	memset(info, 0, sizeof(*info));
	if (strlen(code) != CREDITCODE_LEN)
		return info->result = CREDITCODE_LENGTH;
	for (int i = 0; i < CREDITCODE_LEN; i++) {
		if (char_value(code[i]) < 0) {
			info->bad_position = i + 1;
			return info->result = CREDITCODE_CHARACTER;
		}
	}
	info->authority = alphabet[char_value(code[0])];
	for (int i = 0; i < 6; i++)
		info->region[i] = code[2 + i];
	info->expected_check = creditcode_check_char(code);
	upper = alphabet[char_value(code[CREDITCODE_LEN - 1])];
	info->result = upper == info->expected_check ? CREDITCODE_OK : CREDITCODE_CHECK;
	return info->result;
}

const char *creditcode_authority(char first)
{
	static const struct {
		char c;
		const char *name;
	} table[] = {
		{ '1', "establishment" }, { '2', "foreign_affairs" },
		{ '3', "justice" }, { '4', "culture" }, { '5', "civil_affairs" },
		{ '6', "tourism" }, { '7', "religion" }, { '8', "trade_union" },
		{ '9', "industry_commerce" }, { 'A', "other" }, { 'N', "other" },
		{ 'Y', "other" },
	};

	if (first >= 'a' && first <= 'z')
		first = (char)(first - 'a' + 'A');
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].c == first)
			return table[i].name;
	return "";
}
