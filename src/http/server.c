/*
 * server.c: libh2o set-up, event-loop threads, limits and shutdown.
 *
 * Layout: one listening socket, dup()ed to each loop thread (so no two
 * processes can silently share a port, as SO_REUSEPORT would allow); each
 * thread runs its own h2o_evloop with its own database connection. The
 * main thread waits for SIGTERM/SIGINT, then asks every loop to stop
 * accepting and to close connections once their requests finish.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "ratelimit.h"
#include "router.h"
#include "../core/log.h"
#include "../core/util.h"
#include "../domain/jobs.h"
#include "../core/banned.h"

#define CSP "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " \
	    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "       \
	    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"

struct server;

struct loop_thread {
	h2o_context_t ctx; /* first member: req->conn->ctx points at it */
	h2o_accept_ctx_t accept_ctx;
	h2o_socket_t *listener;
	h2o_multithread_receiver_t stop_receiver;
	h2o_multithread_message_t stop_message;
	struct server *srv;
	db_t *db;
	pthread_t tid;
	int listen_fd;
	int connections;   /* this loop's open connections */
	int stopping;
	struct timespec deadline;
	int started;
};

struct server {
	const struct server_config *cfg;
	h2o_globalconf_t globalconf;
	h2o_hostconf_t *hostconf;
	struct loop_thread *loops;
	int nloops;
	atomic_int connections; /* whole process, for max_connections */
};

struct api_handler {
	h2o_handler_t super;
	struct server *srv;
};

void server_config_defaults(struct server_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->bind_addr = "127.0.0.1";
	cfg->port = 8080;
	cfg->web_root = "web/dist";
	cfg->threads = 0;
	cfg->job_threads = 1;
	cfg->max_body = 1u << 20;
	cfg->max_header_bytes = 16u << 10;
	cfg->max_connections = 1024;
	cfg->idle_timeout_ms = 10000;
	cfg->shutdown_grace_ms = 10000;
	cfg->public_rate = RATELIMIT_DEFAULT_PER_MINUTE;
}

/* ---- requests ---------------------------------------------------------- */

static size_t header_bytes(h2o_req_t *req)
{
	size_t n = req->path.len + req->authority.len;

	for (size_t i = 0; i < req->headers.size; i++)
		n += req->headers.entries[i].name->len +
		     req->headers.entries[i].value.len + 4;
	return n;
}

static int on_api_req(h2o_handler_t *self, h2o_req_t *req)
{
	struct server *srv = ((struct api_handler *)self)->srv;
	struct loop_thread *lt = (struct loop_thread *)req->conn->ctx;
	struct req_ctx *rc = h2o_mem_alloc_pool(&req->pool, sizeof(*rc));
	const struct route *r;
	int path_known;

	rc_init(rc, req, lt->db, srv->cfg);
	if (header_bytes(req) > srv->cfg->max_header_bytes) {
		err_set(&rc->er, SG_ERR_TOO_LARGE,
			"request headers exceed %zu bytes",
			srv->cfg->max_header_bytes);
		rc->status = 431;
		rc_write_problem(rc);
		rc_send(rc);
		return 0;
	}
	r = router_match(rc, rc->method, req->path_normalized.base,
			 req->path_normalized.len, &path_known);
	if (!r) {
		if (path_known) {
			err_set(&rc->er, SG_ERR_MALFORMED, "method %s not allowed here",
				rc->method);
			err_type(&rc->er, "method_not_allowed");
			rc->status = 405;
		} else {
			err_set(&rc->er, SG_ERR_NOT_FOUND, "no such API endpoint");
		}
		rc_write_problem(rc);
	} else {
		router_run(rc, r);
	}
	rc_send(rc);
	return 0;
}

/* ---- connections ------------------------------------------------------- */

static void on_socket_close(void *data)
{
	struct loop_thread *lt = data;

	lt->connections--;
	atomic_fetch_sub(&lt->srv->connections, 1);
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
	struct loop_thread *lt = listener->data;
	h2o_socket_t *sock;

	if (err)
		return;
	sock = h2o_evloop_socket_accept(listener);
	if (!sock)
		return;
	if (atomic_fetch_add(&lt->srv->connections, 1) >=
	    lt->srv->cfg->max_connections) {
		atomic_fetch_sub(&lt->srv->connections, 1);
		h2o_socket_close(sock);
		return;
	}
	lt->connections++;
	sock->on_close.cb = on_socket_close;
	sock->on_close.data = lt;
	h2o_accept(&lt->accept_ctx, sock);
}

static void on_stop_message(h2o_multithread_receiver_t *receiver,
			    h2o_linklist_t *messages)
{
	struct loop_thread *lt = (void *)((char *)receiver -
					  offsetof(struct loop_thread, stop_receiver));

	while (!h2o_linklist_is_empty(messages))
		h2o_linklist_unlink(messages->next);
	if (lt->stopping)
		return;
	lt->stopping = 1;
	clock_gettime(CLOCK_MONOTONIC, &lt->deadline);
	lt->deadline.tv_sec += lt->srv->cfg->shutdown_grace_ms / 1000;
	h2o_socket_read_stop(lt->listener);
	h2o_socket_close(lt->listener);
	lt->listener = NULL;
	h2o_context_request_shutdown(&lt->ctx);
}

static int past(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec ||
	       (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static void *loop_main(void *arg)
{
	struct loop_thread *lt = arg;

	while (!lt->stopping || (lt->connections > 0 && !past(&lt->deadline)))
		h2o_evloop_run(lt->ctx.loop, lt->stopping ? 50 : 1000);
	if (lt->connections > 0)
		log_warn("shutdown: %d connection(s) still open after grace period",
			 lt->connections);
	return NULL;
}

/* ---- set-up ------------------------------------------------------------ */

static sg_err open_listener(const struct server_config *cfg, int *fd_out,
			    struct err_report *er)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	char port[16];
	int fd = -1, on = 1, gai;

	*fd_out = -1;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", cfg->port);
	gai = getaddrinfo(cfg->bind_addr, port, &hints, &res);
	if (gai != 0)
		return err_set(er, SG_ERR_INVALID, "bad bind address %s: %s",
			       cfg->bind_addr, gai_strerror(gai));
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
	    bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 1024)) {
		err_set(er, SG_ERR_IO, "cannot listen on %s:%d: %s",
			cfg->bind_addr, cfg->port, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return SG_ERR_IO;
	}
	freeaddrinfo(res);
	*fd_out = fd;
	return SG_OK;
}

static void add_header_cmd(h2o_headers_command_t **cmds, const char *name,
			   const char *value)
{
	h2o_iovec_t *n = h2o_mem_alloc(sizeof(*n));

	*n = h2o_strdup(NULL, name, SIZE_MAX);
	h2o_headers_append_command(cmds, H2O_HEADERS_CMD_SET, n,
				   h2o_strdup(NULL, value, SIZE_MAX));
}

static void register_common(struct server *srv, h2o_pathconf_t *pc,
			    const char *cache_control)
{
	h2o_headers_command_t *cmds = NULL;
	h2o_compress_args_t gz = { .min_size = 256, .gzip = { 1 }, .brotli = { -1 } };

	add_header_cmd(&cmds, "content-security-policy", CSP);
	add_header_cmd(&cmds, "x-content-type-options", "nosniff");
	add_header_cmd(&cmds, "x-frame-options", "DENY");
	add_header_cmd(&cmds, "referrer-policy", "no-referrer");
	add_header_cmd(&cmds, "cross-origin-opener-policy", "same-origin");
	add_header_cmd(&cmds, "permissions-policy",
		       "camera=(), microphone=(), geolocation=()");
	if (srv->cfg->behind_tls)
		add_header_cmd(&cmds, "strict-transport-security",
			       "max-age=31536000");
	if (cache_control)
		add_header_cmd(&cmds, "cache-control", cache_control);
	h2o_headers_register(pc, cmds);
	h2o_compress_register(pc, &gz);
	if (srv->cfg->access_log) {
		h2o_access_log_filehandle_t *fh = h2o_access_log_open_handle(
			srv->cfg->access_log,
			"%h %t \"%m %U %H\" %s %b \"%{user-agent}i\"",
			H2O_LOGCONF_ESCAPE_APACHE);
		if (fh)
			h2o_access_log_register(pc, fh);
	}
}

static void configure(struct server *srv)
{
	const struct server_config *cfg = srv->cfg;
	static const char *index_files[] = { "index.html", NULL };
	struct api_handler *api;
	h2o_pathconf_t *pc;
	struct stat st;

	h2o_config_init(&srv->globalconf);
	srv->globalconf.server_name = h2o_iovec_init(H2O_STRLIT("shegong"));
	srv->globalconf.max_request_entity_size = cfg->max_body;
	srv->globalconf.http1.req_timeout = (uint64_t)cfg->idle_timeout_ms;
	srv->globalconf.http2.idle_timeout = (uint64_t)cfg->idle_timeout_ms;
	srv->hostconf = h2o_config_register_host(&srv->globalconf,
						 h2o_iovec_init(H2O_STRLIT("default")),
						 65535);

	pc = h2o_config_register_path(srv->hostconf, "/api", 0);
	api = (struct api_handler *)h2o_create_handler(pc, sizeof(*api));
	api->super.on_req = on_api_req;
	api->srv = srv;
	register_common(srv, pc, NULL);

	if (stat(cfg->web_root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		log_warn("web UI directory %s not found: only the API is served "
			 "(build it with 'make web')", cfg->web_root);
		return;
	}
	/* Vite names assets by content hash: they never change in place */
	pc = h2o_config_register_path(srv->hostconf, "/assets", 0);
	{
		char assets[4096];

		snprintf(assets, sizeof(assets), "%s/assets", cfg->web_root);
		h2o_file_register(pc, assets, NULL, NULL, 0);
	}
	register_common(srv, pc, "public, max-age=31536000, immutable");
	pc = h2o_config_register_path(srv->hostconf, "/", 0);
	h2o_file_register(pc, cfg->web_root, index_files, NULL, 0);
	register_common(srv, pc, "no-cache");
}

static sg_err start_loop(struct server *srv, struct loop_thread *lt,
			 int listen_fd, struct err_report *er)
{
	sg_err rc;

	lt->srv = srv;
	rc = db_open(srv->cfg->db_path, 0, &lt->db, er);
	if (rc != SG_OK)
		return rc;
	lt->listen_fd = dup(listen_fd);
	if (lt->listen_fd < 0)
		return err_set(er, SG_ERR_IO, "dup: %s", strerror(errno));
	fcntl(lt->listen_fd, F_SETFL, O_NONBLOCK);
	h2o_context_init(&lt->ctx, h2o_evloop_create(), &srv->globalconf);
	lt->accept_ctx.ctx = &lt->ctx;
	lt->accept_ctx.hosts = srv->globalconf.hosts;
	lt->listener = h2o_evloop_socket_create(lt->ctx.loop, lt->listen_fd,
						H2O_SOCKET_FLAG_DONT_READ);
	lt->listener->data = lt;
	h2o_socket_read_start(lt->listener, on_accept);
	h2o_multithread_register_receiver(lt->ctx.queue, &lt->stop_receiver,
					  on_stop_message);
	if (pthread_create(&lt->tid, NULL, loop_main, lt) != 0)
		return err_set(er, SG_ERR_IO, "cannot start a thread");
	lt->started = 1;
	return SG_OK;
}

static int cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

sg_err server_run(const struct server_config *cfg, struct err_report *er)
{
	struct server srv = { .cfg = cfg };
	sigset_t stop_signals;
	int listen_fd = -1, sig = 0;
	sg_err result;

	atomic_init(&srv.connections, 0);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	/* threads inherit the mask: only sigwait() below sees these */
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

	result = open_listener(cfg, &listen_fd, er);
	if (result != SG_OK)
		return result;
	configure(&srv);
	ratelimit_configure(cfg->public_rate,
			    cfg->public_rate / 2 > 10 ? cfg->public_rate / 2 : 10);
	result = jobs_start(cfg->db_path, cfg->job_threads, er);
	if (result != SG_OK)
		goto out;
	srv.nloops = cfg->threads > 0 ? cfg->threads : cpu_count();
	srv.loops = calloc((size_t)srv.nloops, sizeof(*srv.loops));
	if (!srv.loops) {
		result = err_set(er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < srv.nloops && result == SG_OK; i++)
		result = start_loop(&srv, &srv.loops[i], listen_fd, er);
	close(listen_fd);
	listen_fd = -1;
	if (result == SG_OK) {
		log_info("shegong %s serving http://%s:%d/ with %d event loop(s)",
			 SHEGONG_VERSION, cfg->bind_addr, cfg->port, srv.nloops);
		sigwait(&stop_signals, &sig);
		log_info("signal %d: finishing in-flight requests", sig);
	}
	for (int i = 0; i < srv.nloops; i++)
		if (srv.loops[i].started)
			h2o_multithread_send_message(&srv.loops[i].stop_receiver,
						     &srv.loops[i].stop_message);
	for (int i = 0; i < srv.nloops; i++)
		if (srv.loops[i].started)
			pthread_join(srv.loops[i].tid, NULL);
	jobs_stop();
	/*
	 * The loops' h2o contexts are left to process exit: libh2o 2.2 asserts
	 * when a context is disposed while its internal timers are pending.
	 */
	for (int i = 0; srv.loops && i < srv.nloops; i++)
		db_close(srv.loops[i].db);
	if (result == SG_OK)
		log_info("stopped cleanly");
out:
	if (listen_fd >= 0)
		close(listen_fd);
	h2o_config_dispose(&srv.globalconf);
	free(srv.loops);
	return result;
}
