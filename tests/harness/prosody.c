/* The private Prosody: started and stopped through prosody-up (config,
 * certificate, accounts), rosters and accounts added, its log shown. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness-int.h"

static char *prosody_up_path(void)
{
	return harness_xasprintf("%s/tests/harness/prosody-up", harness_srcdir());
}

static bool prosody_mkdir(struct prosody *p)
{
	if (p->dir[0] != '\0')
		return true;
	return harness_mkdtemp(p->dir, sizeof p->dir, "jabiru-prosody");
}

static void copy_value(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

static void prosody_parse(struct prosody *p, char *out)
{
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');
		const char *v;

		if (eq == NULL)
			continue;
		*eq = '\0';
		v = eq + 1;
		if (strcmp(line, "PROSODY_PID") == 0)
			p->pid = (pid_t)atoi(v);
		else if (strcmp(line, "C2S_PORT") == 0)
			p->c2s_port = atoi(v);
		else if (strcmp(line, "C2S_DIRECT_TLS_PORT") == 0)
			p->direct_tls_port = atoi(v);
		else if (strcmp(line, "PROXY_PORT") == 0)
			p->proxy_port = atoi(v);
		else if (strcmp(line, "COMPONENT_PORT") == 0)
			p->component_port = atoi(v);
		else if (strcmp(line, "COMPONENT_DOMAIN") == 0)
			copy_value(p->component_domain, sizeof p->component_domain, v);
		else if (strcmp(line, "COMPONENT_SECRET") == 0)
			copy_value(p->component_secret, sizeof p->component_secret, v);
		else if (strcmp(line, "CA_FILE") == 0)
			copy_value(p->ca_file, sizeof p->ca_file, v);
		else if (strcmp(line, "LOG_FILE") == 0)
			copy_value(p->log_file, sizeof p->log_file, v);
		else if (strcmp(line, "DOMAIN") == 0)
			copy_value(p->domain, sizeof p->domain, v);
		else if (strcmp(line, "MUC_DOMAIN") == 0)
			copy_value(p->muc_domain, sizeof p->muc_domain, v);
		else if (strcmp(line, "PROXY_JID") == 0)
			copy_value(p->proxy_jid, sizeof p->proxy_jid, v);
	}
}

bool prosody_start(struct prosody *p, const char *const *users)
{
	char *script = prosody_up_path();
	struct harness_strv argv = {0};
	char *out = NULL, *qscript, *qdir, *cmd;
	int st;

	if (p->pid > 0) {
		fprintf(stderr, "harness: prosody_start: already running\n");
		free(script);
		return false;
	}
	if (!prosody_mkdir(p)) {
		free(script);
		return false;
	}
	/* The reaper first, so a test that dies during the start still leaves
	 * nothing behind. */
	qscript = harness_shell_quote(script);
	qdir = harness_shell_quote(p->dir);
	cmd = harness_xasprintf("bash %s --stop %s; rm -rf %s", qscript, qdir, qdir);
	if (p->reaper_fd == 0 && !harness_reaper_start(cmd, &p->reaper_fd, &p->reaper_pid))
		fprintf(stderr, "harness: cannot start the reaper: %s\n", strerror(errno));
	free(cmd);
	free(qdir);
	free(qscript);

	harness_strv_add(&argv, harness_xstrdup("bash")); /* no need for the execute bit */
	harness_strv_add(&argv, harness_xstrdup(script));
	harness_strv_add(&argv, harness_xstrdup(p->dir));
	harness_strv_addv(&argv, users);
	st = harness_run_cmd(argv.v, NULL, &out, 60000);
	harness_strv_free(argv.v);
	free(script);
	if (st == 0 && out != NULL)
		prosody_parse(p, out);
	free(out);
	if (st != 0 || p->pid <= 0 || p->c2s_port <= 0 || p->ca_file[0] == '\0') {
		fprintf(stderr, "harness: prosody-up failed (status %d)\n", st);
		prosody_dump_log(p, 30);
		prosody_stop(p);
		return false;
	}
	return true;
}

void prosody_stop(struct prosody *p)
{
	if (p->dir[0] != '\0') {
		char *script = prosody_up_path();
		char *argv[] = {"bash", script, "--stop", p->dir, NULL};

		if (p->pid > 0)
			harness_run_cmd(argv, NULL, NULL, 30000);
		free(script);
		harness_rmtree(p->dir);
	}
	harness_reaper_disarm(&p->reaper_fd, &p->reaper_pid);
	p->dir[0] = '\0';
	p->pid = 0;
	p->c2s_port = p->direct_tls_port = p->proxy_port = 0;
}

bool prosody_roster(struct prosody *p, const char *user, const char *contact_jid, const char *name,
                    const char *group, const char *subscription)
{
	char *script;
	int st;

	if (!prosody_mkdir(p))
		return false;
	script = prosody_up_path();
	{
		char *argv[] = {"bash",
		                script,
		                "--roster",
		                p->dir,
		                (char *)user,
		                (char *)contact_jid,
		                (char *)(name ? name : ""),
		                (char *)(group ? group : ""),
		                (char *)subscription,
		                NULL};

		st = harness_run_cmd(argv, NULL, NULL, 30000);
	}
	free(script);
	if (st != 0)
		fprintf(stderr, "harness: prosody-up --roster %s %s failed\n", user, contact_jid);
	return st == 0;
}

const char *harness_domain(const struct prosody *p)
{
	return p->domain[0] ? p->domain : "localhost";
}

void harness_login_args(struct harness_strv *argv, const struct prosody *p, const char *user)
{
	harness_strv_add(argv, harness_xstrdup("--jid"));
	harness_strv_add(argv, harness_xasprintf("%s@%s", user, harness_domain(p)));
	harness_strv_add(argv, harness_xstrdup("--server"));
	harness_strv_add(argv, harness_xstrdup("127.0.0.1"));
	harness_strv_add(argv, harness_xstrdup("--port"));
	harness_strv_add(argv, harness_xasprintf("%d", p->c2s_port));
	harness_strv_add(argv, harness_xstrdup("--ca-file"));
	harness_strv_add(argv, harness_xstrdup(p->ca_file));
}

bool prosody_befriend(struct prosody *p, const char *user1, const char *user2)
{
	char *jid1 = harness_xasprintf("%s@%s", user1, harness_domain(p));
	char *jid2 = harness_xasprintf("%s@%s", user2, harness_domain(p));
	bool ok = prosody_roster(p, user1, jid2, user2, "Friends", "both") &&
	          prosody_roster(p, user2, jid1, user1, "Friends", "both");

	free(jid1);
	free(jid2);
	return ok;
}

bool prosody_component_send(struct prosody *p, const char *to, const char *kind, int count,
                            const char *from)
{
	char *script = harness_xasprintf("%s/tests/harness/component-send", harness_srcdir());
	char *port = harness_xasprintf("%d", p->component_port);
	char *n = harness_xasprintf("%d", count);
	char *argv[] = {"python3",  script,       port, p->component_domain, p->component_secret,
	                (char *)to, (char *)kind, n,    (char *)from,        NULL};
	int st = harness_run_cmd(argv, NULL, NULL, 150000);

	free(script);
	free(port);
	free(n);
	return st == 0;
}

bool prosody_add_account(struct prosody *p, const char *user, const char *password)
{
	char *script;
	int st;

	if (!prosody_mkdir(p))
		return false;
	script = prosody_up_path();
	{
		char *argv[] = {"bash",       script,           "--account", p->dir,
		                (char *)user, (char *)password, NULL};

		st = harness_run_cmd(argv, NULL, NULL, 30000);
	}
	free(script);
	return st == 0;
}

void prosody_dump_log(const struct prosody *p, int lines)
{
	char path[HARNESS_PATH_MAX + 32];
	char **ring;
	char buf[1024];
	FILE *f;
	int n = 0;

	if (p->dir[0] == '\0' || lines <= 0)
		return;
	snprintf(path, sizeof path, "%s/prosody.log", p->dir);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	ring = calloc((size_t)lines, sizeof *ring);
	if (ring == NULL) {
		fclose(f);
		return;
	}
	while (fgets(buf, sizeof buf, f) != NULL) {
		free(ring[n % lines]);
		ring[n % lines] = harness_xstrdup(buf);
		n++;
	}
	fclose(f);
	fprintf(stderr, "---- %s (last %d lines) ----\n", path, lines);
	for (int i = n > lines ? n - lines : 0; i < n; i++)
		fputs(ring[i % lines], stderr);
	fprintf(stderr, "---- end of prosody log ----\n");
	for (int i = 0; i < lines; i++)
		free(ring[i]);
	free(ring);
}
