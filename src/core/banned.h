/*
 * banned.h: functions this codebase must not call.
 *
 * Included last by every .c file (through the module headers that include
 * it). Each banned name expands to a symbol that does not exist, so a call
 * fails to compile with a message naming the function and the reason.
 * Use buf_printf/snprintf, strtoll with checks (util_parse_int), and
 * gmtime_r instead.
 */
#ifndef SG_BANNED_H
#define SG_BANNED_H

#define SG_BANNED(func) sorry_##func##_is_banned_see_banned_h

#undef sprintf
#define sprintf(...) SG_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) SG_BANNED(vsprintf)
#undef strcpy
#define strcpy(x, y) SG_BANNED(strcpy)
#undef strcat
#define strcat(x, y) SG_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) SG_BANNED(strncpy)
#undef strtok
#define strtok(x, y) SG_BANNED(strtok)
#undef atoi
#define atoi(x) SG_BANNED(atoi)
#undef atol
#define atol(x) SG_BANNED(atol)
#undef gmtime
#define gmtime(x) SG_BANNED(gmtime)
#undef localtime
#define localtime(x) SG_BANNED(localtime)

#endif
