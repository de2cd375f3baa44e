/* Row 10's server (issue 16): an HTTP/1.1 server on loopback that answers every request
 * with the same body after a fixed delay, so the rate a client reaches with N requests in
 * flight can be held against the ideal N / delay.
 *
 *   delay_server PORT DELAY_MS FILE
 *
 * One thread, epoll, keep-alive. A request is complete when its headers and its
 * Content-Length bytes of body have arrived; its answer (200, FILE's bytes) is due DELAY_MS
 * later, kept in a queue ordered by due time (the delay is fixed, so arrival order) that a
 * timerfd wakes the loop for. Runs until killed. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEAD 16384

struct conn {
    int fd;
    unsigned gen;          /* bumped when the slot is reused, so stale answers are dropped */
    char in[MAX_HEAD];
    size_t in_len;
    char *out;             /* what is still to be written */
    size_t out_len, out_cap;
};

struct due {
    int64_t at_ns;
    int fd;
    unsigned gen;
};

static struct conn **conns;    /* by fd */
static size_t conns_cap;
static struct due *queue;      /* a ring, ordered by at_ns */
static size_t q_head, q_len, q_cap;
static char *response;
static size_t response_len;
static int64_t delay_ns;
static int ep, tfd;

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void arm_timer(void)
{
    struct itimerspec it = {0};
    if (q_len > 0) {
        int64_t at = queue[q_head].at_ns;
        it.it_value.tv_sec = at / 1000000000;
        it.it_value.tv_nsec = at % 1000000000;
        if (it.it_value.tv_sec == 0 && it.it_value.tv_nsec == 0)
            it.it_value.tv_nsec = 1;
    }
    if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &it, NULL) != 0)
        die("timerfd_settime");
}

static void push_due(int fd, unsigned gen)
{
    if (q_len == q_cap) {
        size_t cap = q_cap ? q_cap * 2 : 1024;
        struct due *q = malloc(cap * sizeof *q);
        if (q == NULL)
            die("malloc");
        for (size_t i = 0; i < q_len; i++)
            q[i] = queue[(q_head + i) % q_cap];
        free(queue);
        queue = q;
        q_cap = cap;
        q_head = 0;
    }
    queue[(q_head + q_len) % q_cap] = (struct due){now_ns() + delay_ns, fd, gen};
    if (q_len++ == 0)
        arm_timer();
}

static void close_conn(struct conn *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    c->gen++;
    c->in_len = c->out_len = 0;
}

/* What a send or recv that returned n means: IO_MOVED (n bytes), IO_AGAIN (interrupted),
 * IO_FULL (the socket would block) or IO_CLOSED (the connection is gone: closed here). */
enum io { IO_MOVED, IO_AGAIN, IO_FULL, IO_CLOSED };

static enum io io_outcome(struct conn *c, ssize_t n)
{
    if (n > 0)
        return IO_MOVED;
    if (n < 0 && errno == EINTR)
        return IO_AGAIN;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return IO_FULL;
    close_conn(c);
    return IO_CLOSED;
}

/* Writes what is pending; waits for EPOLLOUT when the socket is full. */
static void flush_out(struct conn *c)
{
    size_t done = 0;
    while (done < c->out_len) {
        ssize_t n = send(c->fd, c->out + done, c->out_len - done, MSG_NOSIGNAL);
        enum io o = io_outcome(c, n);
        if (o == IO_CLOSED)
            return;
        if (o == IO_FULL)
            break;
        if (o == IO_MOVED)
            done += (size_t)n;
    }
    memmove(c->out, c->out + done, c->out_len - done);
    c->out_len -= done;
    struct epoll_event ev = {.events = EPOLLIN | (c->out_len ? EPOLLOUT : 0), .data.fd = c->fd};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void answer(struct conn *c)
{
    if (c->out_cap - c->out_len < response_len) {
        size_t cap = c->out_len + response_len;
        char *p = realloc(c->out, cap);
        if (p == NULL)
            die("realloc");
        c->out = p;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, response, response_len);
    c->out_len += response_len;
    flush_out(c);
}

/* The requests complete in c->in, each queued for an answer. */
static void take_requests(struct conn *c)
{
    for (;;) {
        char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
        if (end == NULL) {
            if (c->in_len == sizeof c->in)
                close_conn(c);   /* headers too long */
            return;
        }
        size_t head = (size_t)(end - c->in) + 4, body = 0;
        for (char *p = c->in; p < end; p++) {
            if ((p == c->in || p[-1] == '\n') && strncasecmp(p, "content-length:", 15) == 0) {
                body = strtoul(p + 15, NULL, 10);
                break;
            }
        }
        if (head + body > sizeof c->in) {
            close_conn(c);
            return;
        }
        if (c->in_len < head + body)
            return;
        push_due(c->fd, c->gen);
        memmove(c->in, c->in + head + body, c->in_len - head - body);
        c->in_len -= head + body;
    }
}

static void on_readable(struct conn *c)
{
    for (;;) {
        ssize_t n = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
        enum io o = io_outcome(c, n);
        if (o == IO_CLOSED)
            return;
        if (o == IO_FULL)
            break;
        if (o == IO_AGAIN)
            continue;
        c->in_len += (size_t)n;
        take_requests(c);
        if (c->fd < 0)
            return;
    }
}

static void accept_all(int lfd)
{
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if ((size_t)fd >= conns_cap) {
            size_t cap = (size_t)fd * 2 + 64;
            struct conn **p = realloc(conns, cap * sizeof *p);
            if (p == NULL)
                die("realloc");
            memset(p + conns_cap, 0, (cap - conns_cap) * sizeof *p);
            conns = p;
            conns_cap = cap;
        }
        if (conns[fd] == NULL && (conns[fd] = calloc(1, sizeof **conns)) == NULL)
            die("calloc");
        struct conn *c = conns[fd];
        c->fd = fd;
        c->in_len = c->out_len = 0;
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
            die("epoll_ctl");
    }
}

static void on_timer(void)
{
    uint64_t ticks;
    if (read(tfd, &ticks, sizeof ticks) < 0 && errno != EAGAIN)
        die("read timerfd");
    int64_t now = now_ns();
    while (q_len > 0 && queue[q_head].at_ns <= now) {
        struct due d = queue[q_head];
        q_head = (q_head + 1) % q_cap;
        q_len--;
        struct conn *c = conns[d.fd];
        if (c != NULL && c->fd == d.fd && c->gen == d.gen)
            answer(c);
    }
    arm_timer();
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        die(path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    if (p == NULL || fread(p, 1, (size_t)n, f) != (size_t)n)
        die(path);
    fclose(f);
    *len = (size_t)n;
    return p;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: delay_server PORT DELAY_MS FILE\n");
        return 2;
    }
    size_t body_len;
    char *body = read_file(argv[3], &body_len);
    delay_ns = (int64_t)(atof(argv[2]) * 1e6);
    char head[256];
    int hn = snprintf(head, sizeof head,
                      "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
                      "x-amzn-RequestId: 11111111-2222-3333-4444-555555555555\r\n"
                      "Content-Length: %zu\r\n\r\n", body_len);
    response_len = (size_t)hn + body_len;
    response = malloc(response_len);
    if (response == NULL)
        die("malloc");
    memcpy(response, head, (size_t)hn);
    memcpy(response + hn, body, body_len);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(lfd, 4096) != 0)
        die("bind/listen");
    ep = epoll_create1(EPOLL_CLOEXEC);
    tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (ep < 0 || tfd < 0)
        die("epoll/timerfd");
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    ev.data.fd = tfd;
    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("epoll_wait");
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == lfd) {
                accept_all(lfd);
            } else if (fd == tfd) {
                on_timer();
            } else {
                struct conn *c = (size_t)fd < conns_cap ? conns[fd] : NULL;
                if (c == NULL || c->fd != fd)
                    continue;
                if (events[i].events & (EPOLLERR | EPOLLHUP)) {
                    close_conn(c);
                    continue;
                }
                if (events[i].events & EPOLLOUT)
                    flush_out(c);
                if (c->fd == fd && (events[i].events & EPOLLIN))
                    on_readable(c);
            }
        }
    }
}
