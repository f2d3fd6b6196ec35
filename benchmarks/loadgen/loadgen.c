/*
 * loadgen: a closed-loop load generator for the echo protocol, loopback only.
 *
 * N connections each send an M-byte message and wait for the whole echo before sending the
 * next one, so at most one message per connection is in flight (closed loop: the offered load
 * follows the server's speed, as in a request/response service). One thread drives every
 * connection through one epoll instance, level-triggered: a connection is registered for
 * EPOLLIN while it waits for its echo, and for EPOLLOUT only while a send is partial.
 *
 * Each message carries a pattern derived from (connection, sequence number); the echo is
 * compared byte for byte, so a lost, duplicated, reordered or corrupted byte is an error, not a
 * faster figure.
 *
 * Timeline: connect all, then --warmup seconds unmeasured, then --duration seconds measured.
 * A round trip counts when it completes inside the measured window; its latency (send start to
 * last echoed byte, CLOCK_MONOTONIC) goes into a log-linear histogram whose buckets are at most
 * 1/512 wide relative to their value (HdrHistogram's idea: exact below 1024 ns, then 512
 * sub-buckets per power of two), so p50/p99/p99.9 cost no per-sample storage.
 *
 * With --cpu-pid PID it reads utime+stime of that process from /proc/PID/stat at the start and
 * end of the measured window and reports the server's CPU microseconds per round trip.
 *
 * Output: human-readable lines on stderr, and one machine-readable line on stdout:
 *   RESULT conns=N size=M seconds=S round_trips=R rt_per_s=X p50_us=.. p99_us=.. p999_us=..
 *          max_us=.. errors=E cpu_us_per_rt=C min_conn_rt=.. max_conn_rt=..
 * (min/max_conn_rt: round trips of the least and the most served connection, a fairness check)
 * Exit status: 0 when every connection worked to the end, 1 on any error, 2 on bad arguments.
 *
 * Safety: the target must be a loopback address (127.0.0.0/8 or ::1), and durations are
 * bounded, so this cannot be aimed at another machine or left running.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 60000
#define MAX_SIZE (1 << 20)
#define MAX_SECONDS 3600.0

/* Histogram: values below 1024 ns are exact; above, 512 sub-buckets per power of two. */
#define SUB_BITS 9
#define SUB_COUNT (1 << SUB_BITS)
#define HIST_BUCKETS ((64 - SUB_BITS) * SUB_COUNT + SUB_COUNT)

static uint64_t hist[HIST_BUCKETS];

static int bucket_of(uint64_t v) {
    if (v < 2 * SUB_COUNT) {
        return (int) v;
    }
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - SUB_BITS;
    return shift * SUB_COUNT + (int) (v >> shift);
}

/* The largest value that falls in bucket b (reported percentiles are upper bounds). */
static uint64_t bucket_high(int b) {
    if (b < 2 * SUB_COUNT) {
        return (uint64_t) b;
    }
    int shift = b / SUB_COUNT - 1;
    uint64_t base = (uint64_t) (b - shift * SUB_COUNT);
    return ((base + 1) << shift) - 1;
}

static uint64_t percentile(uint64_t total, double q) {
    if (total == 0) {
        return 0;
    }
    uint64_t rank = (uint64_t) (q * (double) total);
    if (rank >= total) {
        rank = total - 1;
    }
    uint64_t seen = 0;
    for (int b = 0; b < HIST_BUCKETS; b++) {
        seen += hist[b];
        if (seen > rank) {
            return bucket_high(b);
        }
    }
    return bucket_high(HIST_BUCKETS - 1);
}

struct conn {
    int fd;
    uint32_t id;
    uint32_t seq;       /* sequence number of the message in flight */
    uint32_t sent;      /* bytes of the current message written */
    uint32_t received;  /* bytes of its echo read */
    uint64_t started;   /* when the current message's send began (ns) */
    uint64_t measured;  /* round trips completed inside the measured window */
    int want_out;       /* registered for EPOLLOUT as well */
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static unsigned char pattern_byte(uint32_t id, uint32_t seq, uint32_t i) {
    uint32_t x = id * 2654435761u ^ seq * 40503u ^ i * 97u;
    return (unsigned char) (x ^ (x >> 11) ^ (x >> 19));
}

static void fill_message(unsigned char *buf, uint32_t size, uint32_t id, uint32_t seq) {
    for (uint32_t i = 0; i < size; i++) {
        buf[i] = pattern_byte(id, seq, i);
    }
}

static int is_loopback(const struct sockaddr_storage *ss) {
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *) ss;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) ss;
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return 0;
}

/* Reads utime+stime (clock ticks) of pid; -1 if it cannot. Fields 14 and 15 of /proc/PID/stat,
 * counted after the ")" that closes the command name (which may itself contain spaces). */
static long long proc_cpu_ticks(int pid) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) {
        return -1;
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) {
        return -1;
    }
    unsigned long long utime = 0, stime = 0;
    /* after ")": state(3) ppid(4) ... utime(14) stime(15) */
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) {
        return -1;
    }
    return (long long) (utime + stime);
}

static void usage(const char *argv0) {
    fprintf(stderr,
            "usage: %s --port P [--host 127.0.0.1] [--conns N] [--size M] [--duration S]\n"
            "          [--warmup S] [--cpu-pid PID]\n"
            "  Closed-loop echo load on a loopback address: N connections, M-byte messages.\n"
            "  Prints one RESULT line on stdout. Loopback targets only; S <= %.0f.\n",
            argv0, MAX_SECONDS);
}

static int set_interest(int ep, struct conn *c, int want_out) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN | EPOLLRDHUP | (want_out ? EPOLLOUT : 0);
    ev.data.ptr = c;
    c->want_out = want_out;
    return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Writes what is left of the message; returns -1 on a hard error. */
static int send_some(int ep, struct conn *c, const unsigned char *msg, uint32_t size) {
    while (c->sent < size) {
        ssize_t w = send(c->fd, msg + c->sent, size - c->sent, MSG_NOSIGNAL);
        if (w > 0) {
            c->sent += (uint32_t) w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return c->want_out ? 0 : set_interest(ep, c, 1);
        } else {
            return -1;
        }
    }
    return c->want_out ? set_interest(ep, c, 0) : 0;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    long port = -1, conns = 64, size = 64, cpu_pid = 0;
    double duration = 5.0, warmup = 1.0;
    static const struct option opts[] = {
        {"host", required_argument, 0, 'h'},   {"port", required_argument, 0, 'p'},
        {"conns", required_argument, 0, 'c'},  {"size", required_argument, 0, 's'},
        {"duration", required_argument, 0, 'd'}, {"warmup", required_argument, 0, 'w'},
        {"cpu-pid", required_argument, 0, 'u'}, {"help", no_argument, 0, '?'},
        {0, 0, 0, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "h:p:c:s:d:w:u:", opts, NULL)) != -1) {
        switch (o) {
        case 'h': host = optarg; break;
        case 'p': port = strtol(optarg, NULL, 10); break;
        case 'c': conns = strtol(optarg, NULL, 10); break;
        case 's': size = strtol(optarg, NULL, 10); break;
        case 'd': duration = strtod(optarg, NULL); break;
        case 'w': warmup = strtod(optarg, NULL); break;
        case 'u': cpu_pid = strtol(optarg, NULL, 10); break;
        default: usage(argv[0]); return 2;
        }
    }
    if (port <= 0 || port > 65535) {
        fprintf(stderr, "loadgen: --port must be 1..65535, got %ld\n", port);
        usage(argv[0]);
        return 2;
    }
    if (conns < 1 || conns > MAX_CONNS) {
        fprintf(stderr, "loadgen: --conns must be 1..%d, got %ld\n", MAX_CONNS, conns);
        return 2;
    }
    if (size < 1 || size > MAX_SIZE) {
        fprintf(stderr, "loadgen: --size must be 1..%d bytes, got %ld\n", MAX_SIZE, size);
        return 2;
    }
    if (!(duration > 0 && duration <= MAX_SECONDS) || !(warmup >= 0 && warmup <= MAX_SECONDS)) {
        fprintf(stderr, "loadgen: --duration must be in (0, %.0f] and --warmup in [0, %.0f], got %g and %g\n",
                MAX_SECONDS, MAX_SECONDS, duration, warmup);
        return 2;
    }
    if (cpu_pid < 0) {
        fprintf(stderr, "loadgen: --cpu-pid must be a process id, got %ld\n", cpu_pid);
        return 2;
    }

    struct sockaddr_storage addr;
    socklen_t addr_len;
    memset(&addr, 0, sizeof addr);
    struct sockaddr_in *in4 = (struct sockaddr_in *) &addr;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &addr;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t) port);
        addr_len = sizeof *in4;
    } else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t) port);
        addr_len = sizeof *in6;
    } else {
        fprintf(stderr, "loadgen: --host must be a numeric IPv4 or IPv6 address, got '%s'\n", host);
        return 2;
    }
    if (!is_loopback(&addr)) {
        fprintf(stderr, "loadgen: refusing non-loopback target '%s' (only 127.0.0.0/8 and ::1)\n", host);
        return 2;
    }

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t) conns + 16) {
        rl.rlim_cur = rl.rlim_max < (rlim_t) conns + 16 ? rl.rlim_max : (rlim_t) conns + 16;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    struct conn *cs = calloc((size_t) conns, sizeof *cs);
    unsigned char *msg = malloc((size_t) size);
    unsigned char *rbuf = malloc((size_t) size);
    struct epoll_event *events = calloc((size_t) conns, sizeof *events);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (!cs || !msg || !rbuf || !events || ep < 0) {
        perror("loadgen: setup");
        return 1;
    }

    /* Connect every socket (blocking connect: loopback completes at once or fails fast). */
    for (long i = 0; i < conns; i++) {
        int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            fprintf(stderr, "loadgen: socket #%ld: %s\n", i, strerror(errno));
            return 1;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, (struct sockaddr *) &addr, addr_len) != 0) {
            fprintf(stderr, "loadgen: connect #%ld to %s:%ld: %s\n", i, host, port, strerror(errno));
            return 1;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        cs[i].fd = fd;
        cs[i].id = (uint32_t) i;
        struct epoll_event ev;
        memset(&ev, 0, sizeof ev);
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.ptr = &cs[i];
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
            perror("loadgen: epoll_ctl");
            return 1;
        }
    }

    uint64_t t_begin = now_ns();
    uint64_t t_measure = t_begin + (uint64_t) (warmup * 1e9);
    uint64_t t_end = t_measure + (uint64_t) (duration * 1e9);
    long long cpu_start = -1, cpu_end = -1;
    int measuring = 0;
    uint64_t measured = 0, errors = 0, max_ns = 0;
    long alive = conns;

    for (long i = 0; i < conns; i++) {
        fill_message(msg, (uint32_t) size, cs[i].id, 0);
        cs[i].started = now_ns();
        if (send_some(ep, &cs[i], msg, (uint32_t) size) != 0) {
            fprintf(stderr, "loadgen: first send on #%ld: %s\n", i, strerror(errno));
            return 1;
        }
    }

    for (;;) {
        uint64_t t = now_ns();
        if (!measuring && t >= t_measure) {
            measuring = 1;
            if (cpu_pid > 0) {
                cpu_start = proc_cpu_ticks((int) cpu_pid);
            }
        }
        if (t >= t_end || alive == 0) {
            break;
        }
        uint64_t next = measuring ? t_end : t_measure;
        int timeout_ms = (int) ((next - t) / 1000000) + 1;
        int n = epoll_wait(ep, events, (int) conns, timeout_ms);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("loadgen: epoll_wait");
            return 1;
        }
        for (int k = 0; k < n; k++) {
            struct conn *c = events[k].data.ptr;
            if (c->fd < 0) {
                continue;
            }
            int failed = 0;
            if ((events[k].events & EPOLLOUT) && c->sent < (uint32_t) size) {
                fill_message(msg, (uint32_t) size, c->id, c->seq);
                failed = send_some(ep, c, msg, (uint32_t) size) != 0;
            }
            while (!failed && (events[k].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
                ssize_t r = recv(c->fd, rbuf + c->received, (size_t) size - c->received, 0);
                if (r < 0 && errno == EINTR) {
                    continue;
                }
                if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                    break;
                }
                if (r <= 0) {
                    fprintf(stderr, "loadgen: connection #%u %s after %u messages\n", c->id,
                            r == 0 ? "closed by the server" : strerror(errno), c->seq);
                    failed = 1;
                    break;
                }
                if (c->received + (uint32_t) r > c->sent) {
                    fprintf(stderr, "loadgen: connection #%u echoed more than was sent\n", c->id);
                    failed = 1;
                    break;
                }
                c->received += (uint32_t) r;
                if (c->received < (uint32_t) size) {
                    continue;
                }
                uint64_t done = now_ns();
                for (uint32_t i = 0; i < (uint32_t) size; i++) {
                    if (rbuf[i] != pattern_byte(c->id, c->seq, i)) {
                        fprintf(stderr, "loadgen: connection #%u message %u byte %u differs\n", c->id, c->seq, i);
                        failed = 1;
                        break;
                    }
                }
                if (failed) {
                    break;
                }
                if (measuring && done <= t_end) {
                    uint64_t lat = done - c->started;
                    hist[bucket_of(lat)]++;
                    measured++;
                    c->measured++;
                    if (lat > max_ns) {
                        max_ns = lat;
                    }
                }
                c->seq++;
                c->sent = 0;
                c->received = 0;
                fill_message(msg, (uint32_t) size, c->id, c->seq);
                c->started = done;
                failed = send_some(ep, c, msg, (uint32_t) size) != 0;
                break;
            }
            if (failed) {
                errors++;
                close(c->fd);
                c->fd = -1;
                alive--;
            }
        }
    }
    if (cpu_pid > 0) {
        cpu_end = proc_cpu_ticks((int) cpu_pid);
    }
    uint64_t t_stop = now_ns();
    double seconds = (double) ((t_stop < t_end ? t_stop : t_end) - t_measure) / 1e9;
    if (seconds <= 0) {
        seconds = duration;
    }
    double cpu_us_per_rt = -1;
    if (cpu_start >= 0 && cpu_end >= cpu_start && measured > 0) {
        cpu_us_per_rt = (double) (cpu_end - cpu_start) * 1e6 / (double) sysconf(_SC_CLK_TCK) / (double) measured;
    }
    /* Fairness: the least and most served connections (a fair server keeps them close). */
    uint64_t min_conn = UINT64_MAX, max_conn = 0;
    for (long i = 0; i < conns; i++) {
        if (cs[i].fd >= 0) {
            close(cs[i].fd);
        }
        if (cs[i].measured < min_conn) {
            min_conn = cs[i].measured;
        }
        if (cs[i].measured > max_conn) {
            max_conn = cs[i].measured;
        }
    }
    close(ep);

    double rate = (double) measured / seconds;
    fprintf(stderr, "loadgen: %ld conns x %ld B, %.2f s measured: %.0f round trips/s, p50 %.1f us, p99 %.1f us, "
                    "p99.9 %.1f us, %llu errors\n",
            conns, size, seconds, rate, percentile(measured, 0.5) / 1e3, percentile(measured, 0.99) / 1e3,
            percentile(measured, 0.999) / 1e3, (unsigned long long) errors);
    printf("RESULT conns=%ld size=%ld seconds=%.3f round_trips=%llu rt_per_s=%.0f p50_us=%.1f p99_us=%.1f "
           "p999_us=%.1f max_us=%.1f errors=%llu cpu_us_per_rt=%.3f min_conn_rt=%llu max_conn_rt=%llu\n",
           conns, size, seconds, (unsigned long long) measured, rate, percentile(measured, 0.5) / 1e3,
           percentile(measured, 0.99) / 1e3, percentile(measured, 0.999) / 1e3, max_ns / 1e3,
           (unsigned long long) errors, cpu_us_per_rt, (unsigned long long) min_conn,
           (unsigned long long) max_conn);
    fflush(stdout);
    free(cs);
    free(msg);
    free(rbuf);
    free(events);
    return errors == 0 ? 0 : 1;
}
