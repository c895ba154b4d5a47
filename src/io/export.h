/*
 * export.h: export kinds: a list, as the actor may see it, to XLSX or CSV.
 *
 * Each kind is one table entry: its name, its columns (API name + Chinese
 * header) and a function that streams the rows matching a filter, in the
 * actor's region scope, into a sheetw writer. The filter comes as named
 * parameters (the list endpoint's query parameters, or CLI flags) read
 * through a getter, so the API and the CLI share one code path and a new
 * kind needs no change outside its entry.
 *
 * Sensitive columns: the worker ID number is masked (440524********0014)
 * unless the caller asks for reveal AND the actor may reveal numbers (the
 * roles of worker_reveal()) AND a reason is given; the audit record of the
 * export then says so, with the reason, like a single reveal does.
 *
 * Every export writes one audit record after the file is complete:
 * action "export", object_type the kind, details
 * {"kind","format","rows","filter":{name:value...},"reveal":bool}. If the
 * audit write fails, the file is removed and the export fails.
 *
 * Who may export a kind is who may read its list (kind->roles): the
 * registry lists are the bureau's and the organisation's, the audit log
 * the security and audit administrators', the accounts their managers'.
 * The list function then applies its own scope, as for a page of it.
 *
 * Failures: SG_ERR_NOT_FOUND unknown kind; SG_ERR_INVALID bad filter
 * (naming the parameter) or format; SG_ERR_FORBIDDEN role; SG_ERR_TOO_LARGE
 * more rows than opts->max_rows; SG_ERR_IO / SG_ERR_DB / SG_ERR_NOMEM.
 */
#ifndef SG_EXPORT_H
#define SG_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "../domain/actor.h"
#include "sheetw.h"

/*
 * Every role that may export some kind: the gate of the export routes and
 * of the export job; export_run() then checks the kind's own roles.
 */
#define EXPORT_ROLES (ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG) | ROLES_AUDIT_READERS | \
		      ROLES_USER_MANAGERS)

/* Look up a filter parameter by name; NULL or "" = not given. */
typedef const char *(*export_param_fn)(void *ctx, const char *name);

struct export_kind {
	const char *name;       /* "workers" */
	const char *title;      /* Chinese, for file and sheet names: "社工名单" */
	const struct sheetw_column *cols;
	size_t ncols;
	const char *const *params; /* filter parameter names, NULL-terminated */
	unsigned roles;         /* ROLE_BIT()s that may export it: the list's readers
				   and ROLE_SYSTEM (the CLI) */
	/* Count the rows (for the size check) or, when w != NULL, write them. */
	sg_err (*run)(db_t *db, const struct actor *who, export_param_fn param, void *ctx,
		      int reveal, struct sheetw *w, int64_t *rows, struct err_report *er);
	/*
	 * 1: the file imports back as the import kind of the same name (its
	 * columns first, under its headers; the import skips the others), so
	 * a clerk can export, fill in and import (population, employment).
	 */
	int imports_back;
};

/* The kind called name, or NULL. */
const struct export_kind *export_kind_find(const char *name);
/* All kinds; *n set to their count. */
const struct export_kind *export_kinds(size_t *n);
/* 1 if who's role is among kind->roles. */
int export_kind_allowed(const struct export_kind *kind, const struct actor *who);

struct export_options {
	enum sheetw_format format;
	int reveal;             /* ask for sensitive columns in clear */
	const char *reason;     /* required with reveal */
	int64_t max_rows;       /* refuse larger results (SG_ERR_TOO_LARGE); 0 = no cap */
	int use_names;          /* header row with API names instead of Chinese */
};

/*
 * Export kind for who, filtered through param(ctx, name), into the file at
 * path. *rows gets the number of data rows written. On failure the file
 * is removed.
 */
sg_err export_run(db_t *db, const struct actor *who, const struct export_kind *kind,
		  export_param_fn param, void *ctx, const struct export_options *opts,
		  const char *path, int64_t *rows, struct err_report *er);

/*
 * The attachment file name: "<title>-YYYYMMDD.<ext>" (UTF-8), and the
 * Content-Disposition value with an ASCII fallback and filename*=UTF-8''.
 */
void export_filename(const struct export_kind *kind, enum sheetw_format f,
		     char *out, size_t outlen);
void export_content_disposition(const char *filename, char *out, size_t outlen);

#endif
