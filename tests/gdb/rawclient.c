/* Sends malformed input to a running gdb stub over TCP and checks it keeps answering:
 *   rawclient PORT
 * Bad checksums, non-hex checksums, non-hex arguments, huge and wrapping lengths, an overlong
 * packet, bad escapes, unknown packets and seeded random bytes; after each group a good packet
 * must still get the right answer. Ends the session with 'k'. Prints "rawclient: N checks failed"
 * and exits 1 if anything was wrong. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int sock = -1;
static int failures;

static void send_all(const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = send(sock, p, len, MSG_NOSIGNAL);
        if (n <= 0) {
            fprintf(stderr, "rawclient: send failed (stub gone?)\n");
            exit(1);
        }
        p += n;
        len -= (size_t)n;
    }
}

/* Frames body as $body#xx (with a wrong checksum if asked). */
static void send_packet(const char *body, size_t len, int bad_checksum)
{
    unsigned sum = 0;
    for (size_t k = 0; k < len; k++)
        sum += (unsigned char)body[k];
    char tail[4];
    snprintf(tail, sizeof tail, "#%02x", (sum + (bad_checksum ? 1u : 0u)) & 0xffu);
    send_all("$", 1);
    send_all(body, len);
    send_all(tail, 3);
}

/* Reads until a whole "$...#xx" packet arrived (acks skipped) or 5 s pass; body into out. */
static int read_reply(char *out, size_t cap)
{
    size_t n = 0;
    int in_packet = 0, tail = 0;
    for (;;) {
        struct pollfd p = { .fd = sock, .events = POLLIN };
        if (poll(&p, 1, 5000) <= 0)
            return 0;
        char c;
        if (recv(sock, &c, 1, 0) != 1)
            return 0;
        if (!in_packet) {
            in_packet = c == '$';
            continue;
        }
        if (tail) {
            if (++tail == 3) {
                out[n] = 0;
                return 1;
            }
            continue;
        }
        if (c == '#')
            tail = 1;
        else if (n + 1 < cap)
            out[n++] = c;
    }
}

static void expect(const char *request, const char *want)
{
    char got[70000];
    send_packet(request, strlen(request), 0);
    if (!read_reply(got, sizeof got)) {
        printf("FAIL: no reply to '%.40s'\n", request);
        failures++;
    } else if (want && strcmp(got, want) != 0) {
        printf("FAIL: '%.40s' -> '%.60s', want '%s'\n", request, got, want);
        failures++;
    }
}

/* The stub must still work: a known word of the test guest (gdb_table[0] at its symbol). */
static void still_alive(const char *table_addr)
{
    char req[64];
    snprintf(req, sizeof req, "m%s,4", table_addr);
    expect(req, "11111111");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: rawclient PORT GDB_TABLE_HEX_ADDRESS\n");
        return 2;
    }
    sock = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (sock < 0 || connect(sock, (struct sockaddr *)&a, sizeof a) != 0) {
        fprintf(stderr, "rawclient: cannot connect to port %s\n", argv[1]);
        return 1;
    }
    int one = 1;
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const char *table = argv[2];
    still_alive(table);

    /* Bad checksums and non-hex checksum digits get '-', and nothing else. */
    send_packet("g", 1, 1);
    send_all("$g#zz", 5);
    send_all("$m0,4#4", 7);
    send_all("#$%$$$###", 9);
    still_alive(table);

    /* Non-hex and missing arguments, huge and wrapping lengths. */
    static const char *const bad[] = {
        "mzz,4", "m,", "m100000", "m100000,", "m1ffffffff,4", "m100000,zz", "m0,0",
        "mffffffff,ffffffffffffffff", "m0,fffffffffffffffffff", "M100000,4:zz", "M100000,ffffffff:00",
        "M100000,2:001122", "M,:", "X100000,ffffffff:", "X100000,2:}", "X0,1:ab", "pzz", "p999999",
        "p-1", "P0=", "P0=zz", "P0=0011", "P999=00000000", "Gz", "G0", "Z9,0,0", "Z0,zz,1", "Z2,0,0",
        "Z2,0,ffffffffffff", "z3,", "Z", "qXfer:features:read:target.xml:", "qXfer:features:read:x:0,10",
        "qXfer:features:read:target.xml:ffffffffffffffff,ffffffffffffffff", "qXfer:features:read",
        "vCont;", "vCont;q", "vCont", "c zz", "sffffffffff", "C", "S05;zz", "H", "\x7f\x01\x02", "",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        expect(bad[k], NULL);
    expect("m0,0", "E01");
    expect("M100000,2:001122", "E01");
    still_alive(table);

    /* An overlong packet is refused as a whole; the stub goes on. */
    size_t big = 40000;
    char *huge = malloc(big);
    memset(huge, 'M', big);
    send_packet(huge, big, 0);
    char got[256];
    if (!read_reply(got, sizeof got) || strcmp(got, "E01") != 0) {
        printf("FAIL: overlong packet not refused with E01\n");
        failures++;
    }
    free(huge);
    still_alive(table);

    /* Seeded random bytes, with the odd '$' and '#', framed and unframed. */
    srand(12345);
    char noise[512];
    for (int round = 0; round < 200; round++) {
        size_t len = (size_t)(rand() % (int)sizeof noise);
        for (size_t k = 0; k < len; k++)
            noise[k] = (char)(rand() % 8 == 0 ? "$#}*+-\x03"[rand() % 7] : rand() % 256);
        /* No 'c', 's', 'D' or 'k' at the front of a framed packet: those would end the test. */
        if (round % 2 == 0 && len > 0 && !strchr("cCsSDkvR", noise[0]) && !memchr(noise, '$', len) &&
            !memchr(noise, '#', len))
            send_packet(noise, len, 0);
        else
            send_all(noise, len);
    }
    /* Finish any packet the noise left open, then check the stub is in sync again. */
    send_all("#00", 3);
    usleep(200000);
    char drain[4096];
    while (recv(sock, drain, sizeof drain, MSG_DONTWAIT) > 0)
        ;
    still_alive(table);

    send_packet("k", 1, 0);
    close(sock);
    if (failures)
        printf("rawclient: %d checks failed\n", failures);
    else
        printf("rawclient: ok\n");
    return failures ? 1 : 0;
}
