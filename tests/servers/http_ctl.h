/* Runs tests/servers/http_server.py as a child process and talks to it over its stdin and
 * stdout: one command line in, one reply line out. Header-only, for the C client tests. */
#ifndef HTTP_CTL_H
#define HTTP_CTL_H

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct http_srv {
    pid_t pid;
    FILE *in;    /* commands to the server */
    FILE *out;   /* its replies */
    int port;
    char line[1 << 20];
};

static int http_srv_start(struct http_srv *s)
{
    int to_child[2], from_child[2];
    memset(s, 0, sizeof *s);
    if (pipe(to_child) != 0 || pipe(from_child) != 0)
        return -1;
    s->pid = fork();
    if (s->pid < 0)
        return -1;
    if (s->pid == 0) {
        dup2(to_child[0], 0);
        dup2(from_child[1], 1);
        close(to_child[1]);
        close(from_child[0]);
        const char *py = getenv("PYTHON");
        if (py == NULL || py[0] == '\0')
            py = "python3";
        execlp(py, py, "tests/servers/http_server.py", (char *)NULL);
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    /* Other children (curl never forks, but a test might) must not inherit our ends, or the
     * server would never see EOF on its stdin. */
    fcntl(to_child[1], F_SETFD, FD_CLOEXEC);
    fcntl(from_child[0], F_SETFD, FD_CLOEXEC);
    s->in = fdopen(to_child[1], "w");
    s->out = fdopen(from_child[0], "r");
    if (s->in == NULL || s->out == NULL)
        return -1;
    if (fgets(s->line, sizeof s->line, s->out) == NULL || sscanf(s->line, "PORT %d", &s->port) != 1)
        return -1;
    return 0;
}

/* Sends one command; returns the reply line (without its newline) or NULL. */
static const char *http_srv_cmd(struct http_srv *s, const char *cmd)
{
    fprintf(s->in, "%s\n", cmd);
    fflush(s->in);
    if (fgets(s->line, sizeof s->line, s->out) == NULL)
        return NULL;
    s->line[strcspn(s->line, "\n")] = '\0';
    return s->line;
}

static int http_srv_script(struct http_srv *s, const char *json_list)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "script %s", json_list);
    const char *r = http_srv_cmd(s, cmd);
    return r != NULL && strcmp(r, "ok") == 0 ? 0 : -1;
}

/* Connections accepted and requests seen since the last reset. */
static int http_srv_count(struct http_srv *s, int *connections, int *requests)
{
    const char *r = http_srv_cmd(s, "count");
    return r != NULL && sscanf(r, "%d %d", connections, requests) == 2 ? 0 : -1;
}

static void http_srv_reset(struct http_srv *s)
{
    (void)http_srv_cmd(s, "reset");
}

/* The JSON record of request i, valid until the next command. */
static const char *http_srv_req(struct http_srv *s, int i)
{
    char cmd[32];
    snprintf(cmd, sizeof cmd, "req %d", i);
    return http_srv_cmd(s, cmd);
}

static void http_srv_stop(struct http_srv *s)
{
    if (s->in != NULL) {
        fprintf(s->in, "quit\n");
        fclose(s->in);
    }
    if (s->out != NULL)
        fclose(s->out);
    if (s->pid > 0) {
        int st;
        if (waitpid(s->pid, &st, 0) < 0)
            kill(s->pid, SIGKILL);
    }
}

#endif
