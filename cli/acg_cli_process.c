/* What the program does to its own process before anything else: standard descriptors that
 * exist, SIGPIPE ignored, no core dumps. Kept apart from argument parsing because it is
 * process-wide state a library must not touch on its own. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cli/acg_cli.h"

unsigned acg_cli_prepare_process(void)
{
    unsigned closed = 0;
    /* A program started with 0, 1 or 2 closed would hand the next descriptor it opens (a
     * libcurl socket, a config file) out as "standard output": the JSON output would go
     * into the HTTP connection. /dev/null takes their place, lowest first, and the caller
     * learns which were closed so it can fail instead of printing into nothing. */
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        closed |= 1u << fd;
        int opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (opened >= 0 && opened != fd) {
            /* cannot happen when lower descriptors are open; never leave a stray one */
            dup2(opened, fd);
            close(opened);
        }
    }
    /* A reader that goes away (`| head -c 10`) makes writes fail with EPIPE, which the
     * output code reports with a non-zero status, instead of killing the program (141). */
    struct sigaction ignore;
    ignore.sa_handler = SIG_IGN;
    ignore.sa_flags = 0;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, NULL);
    /* The program holds keys and tokens in memory: no core file may take them to disk, and
     * (Linux) no other process of the same user may attach to read them. */
    struct rlimit none = { 0, 0 };
    setrlimit(RLIMIT_CORE, &none);
#ifdef __linux__
    prctl(PR_SET_DUMPABLE, 0UL, 0UL, 0UL, 0UL);
#endif
    return closed;
}
