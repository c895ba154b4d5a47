/*
 * password.c: password policy, argon2id hashing and one-time passwords;
 * see password.h.
 *
 * The common-password list is a merge of the public top-password lists
 * (SplashData, NordPass, the 2011 CSDN and Tianya leaks) as the policy's
 * floor, not as a dictionary attack's full list: anything shorter than
 * eight characters is refused for its length anyway, but the short
 * favourites stay on the list so that the list reads as what it is.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "password.h"
#include "../core/utf8.h"
#include "../core/banned.h"

/* Sorted in C (byte) order for bsearch; lower case. */
static const char *const common_passwords[] = {
	"!@#$%^", "!@#$%^&*", "!qaz2wsx", "!qaz@wsx", "000000", "00000000",
	"000000000", "0000000000", "01234567", "012345678", "0123456789",
	"110110", "110120119", "111111", "11111111", "111111111", "1111111111",
	"11112222", "112233", "11223344", "112233445566", "119119", "120120",
	"121212", "12121212", "123123", "123123123", "123123123123", "123321",
	"123321123", "12341234", "123412341234", "12344321", "12345",
	"1234512345", "1234554321", "123456", "123456!", "123456.", "123456..",
	"123456123", "123456123456", "1234567", "12345678", "123456789",
	"1234567890", "1234567890a", "123456789a", "123456789q", "12345678a",
	"123456a", "123456aa", "123456abc", "123456qq", "12345qwert",
	"1234abcd", "1234qwer", "123654", "123654789", "123abc", "123qwe",
	"123qwe!@#", "123qweasd", "123qweasdzxc", "1314520", "13145200",
	"1314521", "13579", "135792468", "147258", "147258369", "147258369a",
	"147852", "147852369", "159357", "159357456", "159753", "168168",
	"168168168", "16881688", "1a2b3c", "1a2b3c4d", "1password", "1q1q1q1q",
	"1q2w3e", "1q2w3e4r", "1q2w3e4r5t", "1q2w3e4r5t6y", "1qaz2wsx",
	"1qaz2wsx3edc", "1qaz@wsx", "1qazxsw2", "222222", "22222222", "246810",
	"2wsx3edc", "31415926", "3141592653", "321321", "333333", "33333333",
	"3edc4rfv", "444444", "44444444", "456123", "456789", "518518",
	"5201314", "5201314520", "52013145201314", "520520", "520520520",
	"5211314", "5211314521", "555555", "55555555", "654321", "666666",
	"66666666", "6666666666", "741852963", "7654321", "7758258", "7758521",
	"777777", "77777777", "789456", "789456123", "87654321", "888888",
	"88888888", "8888888888", "963852741", "987654321", "9876543210",
	"999999", "99999999", "a111111", "a123456", "a1234567", "a12345678",
	"a123456789", "a1b2c3", "a1b2c3d4", "a5201314", "aa123456",
	"aa12345678", "aaa111", "aaa123", "aaa123456", "aaaaaa", "aaaaaaaa",
	"abc123", "abc12345", "abc123456", "abc123abc", "abc888", "abcabc",
	"abcd123", "abcd1234", "abcd12345", "abcd4321", "abcdef123", "abcdefg",
	"abcdefgh", "access", "access14", "admin", "admin123", "admin1234",
	"admin12345", "admin888", "admin@123", "administrator", "aini1314",
	"alibaba", "andrew", "angel", "angels", "anthony", "apple123",
	"arsenal", "asd123", "asd123456", "asd888", "asdasd", "asdasdasd",
	"asdf1234", "asdf123456", "asdfasdf", "asdfgh", "asdfghj", "asdfghjk",
	"asdfghjkl", "ashley", "autumn", "az123456", "azerty", "azertyuiop",
	"baidu123", "banana", "baseball", "basketball", "batman", "beijing",
	"beijing2008", "blessed", "buddy", "buster", "changeme", "charlie",
	"cheese", "chelsea", "china123", "china2008", "chinese", "chocolate",
	"computer", "cookie", "daniel", "dearbook", "default", "dragon",
	"dragon123", "facebook", "family", "flower", "football", "football1",
	"forever", "fortnite", "freedom", "friends", "ginger", "google",
	"google123", "guest", "guest123", "hannah", "happy123", "hello123",
	"hello1234", "helloworld", "huawei", "hunter", "hunter2", "iloveu",
	"iloveu1314", "iloveyou", "iloveyou!", "iloveyou1", "iloveyou123",
	"iloveyou2", "internet", "jennifer", "jessica", "jordan23", "joshua",
	"killer", "letmein", "letmein1", "letmein123", "li123456", "linkedin",
	"liuyang", "liverpool", "lkjhgfdsa", "login", "love123456", "love1314",
	"lovelove", "loveyou", "lucky", "maggie", "master", "master1",
	"master123", "matthew", "michael", "michelle", "microsoft", "mima123",
	"mima1234", "minecraft", "mnbvcxz", "monkey", "monkey123",
	"motdepasse", "naruto", "nicole", "orange", "p4ssw0rd", "p@ssw0rd",
	"p@ssword", "p@ssword1", "pa55w0rd", "pa55word", "pass123", "pass1234",
	"passpass", "passw0rd", "passwd", "password", "password!", "password1",
	"password12", "password123", "password1234", "password2", "password3",
	"password@123", "passwort", "pepper", "poiuytrewq", "pokemon",
	"princess", "princess1", "purple", "q1w2e3", "q1w2e3r4", "q1w2e3r4t5",
	"qaz123", "qazwsx", "qazwsx123", "qazwsxedc", "qq123456",
	"qq123456789", "qq5201314", "qqqqqq", "qqqqqqqq", "qwe123",
	"qwe123456", "qweasd", "qweasdzxc", "qweasdzxc123", "qwer1234",
	"qwer123456", "qwerty", "qwerty!@#", "qwerty1", "qwerty11", "qwerty12",
	"qwerty123", "qwerty123456", "qwertyu", "qwertyui", "qwertyuiop",
	"ranger", "robert", "root", "root123", "root1234", "samsung", "secret",
	"secret123", "senha123", "shadow", "shadow123", "shanghai", "silver",
	"soccer", "spiderman", "spring", "starwars", "summer", "sunshine",
	"sunshine1", "superman", "taobao", "tencent", "test", "test123",
	"test1234", "test12345", "testtest", "thomas", "tigger", "toor",
	"trustno1", "user", "user123", "wang123456", "wangwei", "wangyang",
	"wechat", "weixin", "welcome", "welcome1", "welcome123", "whatever",
	"windows", "winter", "wo123456", "woaini", "woaini123", "woaini1314",
	"woaini520", "woaini5201314", "woaini521", "woaiwojia", "wodemima",
	"woshishui", "xiaomi", "xiazhili", "yellow", "zaq!2wsx", "zaq12wsx",
	"zaq1zaq1", "zhang123", "zhangwei", "zhongguo", "zxc123", "zxc123456",
	"zxcv123456", "zxcvb123", "zxcvbnm", "zxcvbnm1", "zxcvbnm123",
};

#define COMMON_COUNT (sizeof(common_passwords) / sizeof(common_passwords[0]))
#define COMMON_MAX_LEN 32 /* longer texts cannot be on the list */

static int cmp_entry(const void *key, const void *entry)
{
	return strcmp(key, *(const char *const *)entry);
}

int password_is_common(const char *password)
{
	char lower[COMMON_MAX_LEN + 1];
	size_t n = strlen(password);

	if (n > COMMON_MAX_LEN)
		return 0;
	for (size_t i = 0; i <= n; i++) {
		char c = password[i];

		lower[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	return bsearch(lower, common_passwords, COMMON_COUNT,
		       sizeof(common_passwords[0]), cmp_entry) != NULL;
}

/* Length in bytes of the UTF-8 sequence that starts with byte c. */
static size_t utf8_seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xF0)
		return 4;
	if (c >= 0xE0)
		return 3;
	return 2;
}

/* 1 if the (valid UTF-8) text is one code point repeated. */
static int one_repeated_char(const char *s, size_t len)
{
	size_t step = len ? utf8_seq_len((unsigned char)s[0]) : 0;

	if (step == 0 || len % step != 0)
		return 0;
	for (size_t i = step; i < len; i += step)
		if (memcmp(s, s + i, step) != 0)
			return 0;
	return 1;
}

static int ascii_caseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return *a == *b;
}

sg_err password_check_policy(const char *password, const char *login,
			     const char *field, struct err_report *er)
{
	size_t len = strlen(password), chars;

	if (utf8_invalid_at(password, len) != len)
		return err_field(er, field, "invalid", "must be valid UTF-8 text");
	chars = utf8_count(password, len);
	if (chars < PASSWORD_MIN_CHARS)
		return err_field(er, field, "too_short",
				 "at least %d characters", PASSWORD_MIN_CHARS);
	if (chars > PASSWORD_MAX_CHARS)
		return err_field(er, field, "too_long", "at most %d characters",
				 PASSWORD_MAX_CHARS);
	if (password_is_common(password))
		return err_field(er, field, "too_common",
				 "this password is among the most common ones; "
				 "choose another");
	if (login && ascii_caseeq(password, login))
		return err_field(er, field, "too_common",
				 "the password must not be the login");
	if (one_repeated_char(password, len))
		return err_field(er, field, "too_common",
				 "the password must not be one character repeated");
	return SG_OK;
}

sg_err password_hash(const char *password, char out[PASSWORD_HASH_SIZE],
		     struct err_report *er)
{
	if (crypto_pwhash_str(out, password, strlen(password), PASSWORD_OPSLIMIT,
			      PASSWORD_MEMLIMIT) != 0)
		return err_set(er, SG_ERR_NOMEM,
			       "not enough memory to hash the password");
	return SG_OK;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[PASSWORD_HASH_SIZE];
static void make_dummy_hash(void);

int password_verify(const char *hash, const char *password)
{
	/* whichever verification comes first pays for making the dummy hash,
	   so that the first unknown login is not the one slow sign-in */
	pthread_once(&dummy_once, make_dummy_hash);
	if (!hash || strncmp(hash, crypto_pwhash_STRPREFIX,
			     strlen(crypto_pwhash_STRPREFIX)) != 0)
		return 0;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static void make_dummy_hash(void)
{
	unsigned char random[16];
	char text[33];

	if (sodium_init() < 0)
		return;
	randombytes_buf(random, sizeof(random));
	sodium_bin2hex(text, sizeof(text), random, sizeof(random));
	if (crypto_pwhash_str(dummy_hash, text, strlen(text), PASSWORD_OPSLIMIT,
			      PASSWORD_MEMLIMIT) != 0)
		dummy_hash[0] = '\0';
}

int password_verify_dummy(const char *password)
{
	int matched;

	pthread_once(&dummy_once, make_dummy_hash);
	/* only the time spent matters; a match (of a random text) means nothing */
	matched = dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, password,
							    strlen(password)) == 0;
	(void)matched;
	return 0;
}

int password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, PASSWORD_OPSLIMIT,
					      PASSWORD_MEMLIMIT) != 0;
}

void password_generate(char *out, size_t len)
{
	static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ"
				       "abcdefghijkmnpqrstuvwxyz"
				       "23456789";
	int letter, digit;

	do {
		letter = digit = 0;
		for (size_t i = 0; i < len; i++) {
			char c = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];

			out[i] = c;
			if (c >= '2' && c <= '9')
				digit = 1;
			else
				letter = 1;
		}
		out[len] = '\0';
	} while (!letter || !digit || one_repeated_char(out, len));
}
