/*
 * mod_crash_hello - make an Apache httpd worker die of SIGSEGV on chosen ClientHellos,
 * before mod_ssl has read a byte of them.  For nfe's incident captures only; never load it
 * on a server that matters.
 *
 * Why: the incident nfe exists for is an httpd worker crashing inside SSL_accept (two OpenSSL
 * builds in one process) for some hellos only.  The hello is still in the socket's receive
 * queue when the process dies, so the kernel closes the socket with unread data and answers
 * with a RST instead of a FIN (tcp_close: unread data -> active reset).  To reproduce that we
 * must crash before any read of the hello, so this module runs in the pre_connection hook,
 * ordered before mod_ssl's own pre_connection hook (which only sets up the SSL filters; the
 * SSL_accept that reads the hello runs later, in process_connection).  It looks at the hello
 * with recv(MSG_PEEK), which leaves every byte in the receive queue, and then dereferences a
 * NULL pointer: a real SIGSEGV, caught by httpd's fatal-signal handler, re-raised, and logged
 * by the parent as "child pid N exit signal Segmentation fault (11)".
 *
 *   CrashHello sslv2          crash when the first byte has the high bit set (SSLv2-format
 *                             record header, as old OpenSSL 0.9.8 clients send)
 *   CrashHello sni NAME       crash when the TLS ClientHello's server_name is NAME
 *   CrashHello random PCT     crash on PCT percent of connections, whatever the hello says
 *   CrashHelloSeed N          seed for "random" (mixed with the child's pid)
 *
 * Each decision to crash is logged at level notice, with the client address, before the crash;
 * the generator reads those lines as ground truth.
 */
#include "httpd.h"
#include "http_config.h"
#include "http_connection.h"
#include "http_log.h"
#include "apr_portable.h"
#include "apr_strings.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

module AP_MODULE_DECLARE_DATA crash_hello_module;

typedef enum { MODE_OFF, MODE_SSLV2, MODE_SNI, MODE_RANDOM } crash_mode;

typedef struct {
    crash_mode mode;
    const char *sni;      /* MODE_SNI */
    int percent;          /* MODE_RANDOM */
    unsigned seed;
} crash_conf;

static int seeded;        /* per child: the RNG is seeded on the first connection */

static void *create_conf(apr_pool_t *p, server_rec *s)
{
    crash_conf *c = apr_pcalloc(p, sizeof(*c));
    (void)s;
    c->mode = MODE_OFF;
    return c;
}

static const char *set_mode(cmd_parms *cmd, void *dummy, const char *mode, const char *arg)
{
    crash_conf *c = ap_get_module_config(cmd->server->module_config, &crash_hello_module);
    (void)dummy;
    if (!strcasecmp(mode, "sslv2") && arg == NULL) {
        c->mode = MODE_SSLV2;
    } else if (!strcasecmp(mode, "sni") && arg != NULL) {
        c->mode = MODE_SNI;
        c->sni = arg;
    } else if (!strcasecmp(mode, "random") && arg != NULL) {
        c->mode = MODE_RANDOM;
        c->percent = atoi(arg);
        if (c->percent < 0 || c->percent > 100) {
            return "CrashHello random: PCT must be 0..100";
        }
    } else {
        return "CrashHello sslv2 | sni NAME | random PCT";
    }
    return NULL;
}

static const char *set_seed(cmd_parms *cmd, void *dummy, const char *arg)
{
    crash_conf *c = ap_get_module_config(cmd->server->module_config, &crash_hello_module);
    (void)dummy;
    c->seed = (unsigned)strtoul(arg, NULL, 10);
    return NULL;
}

/*
 * Peeks until the first record is whole (or 2 s pass, or the peer closes): n bytes in buf.
 * A TLS record header is 5 bytes (type, version, uint16 length); an SSLv2-format record has a
 * 2-byte header with the high bit set and a 15-bit length.
 */
static int peek_hello(int fd, unsigned char *buf, int cap)
{
    int n = 0;
    for (int waited = 0; waited < 2000; waited += 10) {
        struct pollfd pfd = { fd, POLLIN, 0 };
        if (poll(&pfd, 1, 10) < 0 && errno != EINTR) {
            break;
        }
        n = (int)recv(fd, buf, cap, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0) {
            return 0;
        }
        if (n < 0) {
            n = 0;
            continue;
        }
        int need = (buf[0] & 0x80) ? (n >= 2 ? 2 + (((buf[0] & 0x7f) << 8) | buf[1]) : cap)
                                   : (n >= 5 ? 5 + ((buf[3] << 8) | buf[4]) : cap);
        if (n >= need || n >= cap) {
            break;
        }
    }
    return n;
}

/*
 * The server_name (RFC 6066 section 3) of a TLS ClientHello in one record, copied into out.
 *   struct { ProtocolVersion client_version; Random random; SessionID session_id;
 *            CipherSuite cipher_suites<2..2^16-2>; CompressionMethod compression_methods<1..2^8-1>;
 *            Extension extensions<0..2^16-1>; } ClientHello;          (RFC 5246 7.4.1.2)
 *   struct { NameType name_type; opaque HostName<1..2^16-1>; } ServerName;  list<1..2^16-1>
 * Every length is checked against what remains; returns 0 when there is no SNI.
 */
static int hello_sni(const unsigned char *b, int n, char *out, int cap)
{
    if (n < 9 || b[0] != 0x16 || b[5] != 0x01) {
        return 0;
    }
    int p = 9 + 2 + 32;                                  /* record+handshake headers, version, random */
    if (p + 1 > n) return 0;
    p += 1 + b[p];                                       /* session_id */
    if (p + 2 > n) return 0;
    p += 2 + ((b[p] << 8) | b[p + 1]);                   /* cipher_suites */
    if (p + 1 > n) return 0;
    p += 1 + b[p];                                       /* compression_methods */
    if (p + 2 > n) return 0;
    int end = p + 2 + ((b[p] << 8) | b[p + 1]);
    if (end > n) end = n;
    p += 2;
    while (p + 4 <= end) {
        int type = (b[p] << 8) | b[p + 1], len = (b[p + 2] << 8) | b[p + 3];
        p += 4;
        if (p + len > end) return 0;
        if (type == 0 && len >= 5 && b[p + 2] == 0) {    /* list length, name_type host_name */
            int hl = (b[p + 3] << 8) | b[p + 4];
            if (5 + hl > len || hl >= cap) return 0;
            memcpy(out, b + p + 5, hl);
            out[hl] = '\0';
            return 1;
        }
        p += len;
    }
    return 0;
}

static int crash_pre_connection(conn_rec *c, void *csd)
{
    crash_conf *conf = ap_get_module_config(c->base_server->module_config, &crash_hello_module);
    apr_os_sock_t fd;
    unsigned char buf[16384 + 5];
    char sni[256] = "";
    int crash = 0;

    if (conf->mode == MODE_OFF || apr_os_sock_get(&fd, (apr_socket_t *)csd) != APR_SUCCESS) {
        return DECLINED;
    }
    int n = peek_hello(fd, buf, (int)sizeof(buf));
    if (n <= 0) {
        return DECLINED;
    }
    int sslv2 = (buf[0] & 0x80) != 0;
    int has_sni = !sslv2 && hello_sni(buf, n, sni, (int)sizeof(sni));
    switch (conf->mode) {
    case MODE_SSLV2:
        crash = sslv2;
        break;
    case MODE_SNI:
        crash = has_sni && !strcasecmp(sni, conf->sni);
        break;
    case MODE_RANDOM:
        if (!seeded) {
            srandom(conf->seed ^ ((unsigned)getpid() * 2654435761u));
            seeded = 1;
        }
        crash = (random() % 100) < conf->percent;
        break;
    case MODE_OFF:
        break;
    }
    if (!crash) {
        return DECLINED;
    }
    ap_log_cerror(APLOG_MARK, APLOG_NOTICE, 0, c,
                  "crash_hello: crashing on client %s:%d, hello %s, %d bytes unread, sni=%s",
                  c->client_ip, c->client_addr ? c->client_addr->port : 0,
                  sslv2 ? "sslv2-format" : "tls-format", n, has_sni ? sni : "-");
    *(volatile int *)0 = 0;            /* SIGSEGV, with the hello still unread */
    return DECLINED;
}

static void register_hooks(apr_pool_t *p)
{
    /* before mod_ssl's pre_connection, so nothing has read from the socket yet */
    static const char *const before_ssl[] = { "mod_ssl.c", NULL };
    (void)p;
    ap_hook_pre_connection(crash_pre_connection, NULL, before_ssl, APR_HOOK_REALLY_FIRST);
}

static const command_rec crash_cmds[] = {
    AP_INIT_TAKE12("CrashHello", set_mode, NULL, RSRC_CONF, "sslv2 | sni NAME | random PCT"),
    AP_INIT_TAKE1("CrashHelloSeed", set_seed, NULL, RSRC_CONF, "seed for CrashHello random"),
    { NULL }
};

module AP_MODULE_DECLARE_DATA crash_hello_module = {
    STANDARD20_MODULE_STUFF,
    NULL, NULL,          /* per-directory config */
    create_conf, NULL,   /* per-server config */
    crash_cmds,
    register_hooks
};
