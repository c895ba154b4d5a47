/*
 * input.h: checks of text and dates that arrive through the API or an
 * import, shared by every domain module so that a name, an address or a
 * date is judged the same way everywhere.
 */
#ifndef SG_INPUT_H
#define SG_INPUT_H

#include <stddef.h>

#include "err.h"

/*
 * A one-line text of min..max characters (code points; min 0: may be
 * empty): valid UTF-8, no control characters, not only spaces. On failure
 * adds a field error on `field` (codes invalid, required, too_short,
 * too_long) and returns 0; 1 when fine.
 */
int input_text_ok(const char *s, const char *field, size_t min, size_t max,
		  struct err_report *er);

/* 1 if s is a real calendar date written YYYY-MM-DD, else 0. */
int input_date_valid(const char *s);

#endif
