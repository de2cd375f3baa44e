/* The program's MFA prompt, as Python's getpass.getpass reads the AWS CLI's: the prompt on
 * the controlling terminal and the code typed there without echo; with no terminal, a
 * warning and the prompt on stderr and the code from stdin. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "acg_cli_private.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

/* One line from fd into code (its newline dropped); 0, or -1 at end of input or on a
 * signal. Bytes beyond size - 1 are read and dropped. */
static int read_line(int fd, char *code, size_t size)
{
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t got = read(fd, &c, 1);
        if (got < 0 && errno == EINTR && !interrupted)
            continue;
        if (got <= 0 && (n == 0 || interrupted))
            return -1;
        if (got <= 0 || c == '\n')   /* a last line without its newline still counts */
            break;
        if (n + 1 < size)
            code[n++] = c;
    }
    code[n] = '\0';
    return 0;
}

/* Writes s to the terminal; a terminal that cannot be written to only loses the text. */
static void show(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t k = write(fd, s, n);
        if (k <= 0)
            return;
        s += k;
        n -= (size_t)k;
    }
}

static int from_terminal(int tty, const char *prompt, char *code, size_t size)
{
    struct termios saved, quiet;
    bool echo_off = tcgetattr(tty, &saved) == 0;
    if (echo_off) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        echo_off = tcsetattr(tty, TCSAFLUSH, &quiet) == 0;
    }
    /* Ctrl-C while echo is off must give the terminal back as it was. */
    struct sigaction handler = { .sa_handler = on_signal }, old_int, old_term;
    sigemptyset(&handler.sa_mask);
    sigaction(SIGINT, &handler, &old_int);
    sigaction(SIGTERM, &handler, &old_term);
    interrupted = 0;
    show(tty, prompt);
    int rc = read_line(tty, code, size);
    if (echo_off)
        tcsetattr(tty, TCSAFLUSH, &saved);
    show(tty, "\n");
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (interrupted)
        raise(interrupted);
    return rc;
}

int acg_cli_mfa_prompt(void *ctx, const char *prompt, char *code, size_t size)
{
    (void)ctx;
    if (size == 0)
        return -1;
    int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (tty >= 0) {
        int rc = from_terminal(tty, prompt, code, size);
        close(tty);
        return rc;
    }
    fprintf(stderr, "Warning: Password input may be echoed.\n%s", prompt);
    fflush(stderr);
    return read_line(STDIN_FILENO, code, size);
}
