/*
 * statsreport.h: the dashboard as a report to send upward: an XLSX
 * workbook (one sheet per table) or a printable PDF with charts, for one
 * region and date.
 *
 * Both carry the same figures, all read through domain/stats.h with the
 * caller's scope: the overview (today's headline figures), the level
 * pyramid, every child region side by side (active workers, certified,
 * per 10,000 residents) with the spread, and every tracked indicator as of
 * the requested date (see stats.h for what "as of" a past date covers).
 *
 * XLSX sheets, in order: 概览 (overview), 等级 (by level), 下级地区 (child
 * regions), 指标 (indicators). Written with libxlsxwriter through a
 * temporary file in $TMPDIR (or /tmp), removed before return.
 *
 * PDF: A4 portrait, Noto Sans CJK SC through pango (only the glyphs used
 * are embedded); page 1 the headline figures and the level pyramid, then
 * horizontal bars per child region (per 10,000 residents when any child
 * has a population, else active workers), 40 regions a page.
 *
 * Failures: as stats_overview() / stats_indicator() (SG_ERR_NOT_FOUND out
 * of scope, SG_ERR_INVALID field "date"), SG_ERR_IO when a character has
 * no glyph in any installed font or the temporary file fails,
 * SG_ERR_TOO_LARGE past out's ceiling (allow STATSREPORT_MAX_BYTES).
 * Rendering keeps no state between calls; several threads may render at
 * once.
 */
#ifndef SG_STATSREPORT_H
#define SG_STATSREPORT_H

#include "../core/buf.h"
#include "../core/err.h"
#include "../db/db.h"
#include "actor.h"
#include "stats.h"

#define STATSREPORT_MAX_BYTES (16u * 1024 * 1024)

enum statsreport_format {
	STATSREPORT_XLSX,
	STATSREPORT_PDF
};

/*
 * Render the report of region (NULL or "" = who's root) as of date (NULL
 * or "" = today) into out (appended). name_out receives the region code
 * the report is for ("" = the country), for the file name.
 */
sg_err statsreport_render(db_t *db, const struct actor *who,
			  const char *region, const char *date,
			  enum statsreport_format format, struct buf *out,
			  char name_out[REGION_CODE_SIZE],
			  struct err_report *er);

#endif
