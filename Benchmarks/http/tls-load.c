/*
 * tls-load: the TLS load generator of Benchmarks/http/tls.sh, for what wrk cannot do: present
 * a client certificate (mutual TLS). One thread per connection, blocking OpenSSL: each posts
 * the same request again and again on one connection (keep-alive), or, with --new-connections,
 * makes a new connection and a full handshake for every request (Connection: close, no session
 * resumption). Prints one RESULT line in the format of requests.lua, read by tls.sh.
 *
 *   tls-load --port N --body FILE --action ACTION [--connections 64] [--seconds 10]
 *            [--cacert ca.pem] [--cert c.pem --key k.pem] [--new-connections]
 *
 * Built by tls.sh with the system's OpenSSL 3: cc -O2 tls-load.c -lssl -lcrypto -lpthread.
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_MICROS 200000 /* latencies above 200 ms count in the last bucket */

static int port, connections = 64, seconds = 10, new_connections;
static const char *cacert, *cert, *key;
static char *request;
static size_t request_length;
static SSL_CTX *context;
static atomic_int stopping;

struct worker {
    pthread_t thread;
    uint64_t requests, connect_errors, read_errors, write_errors, status_errors;
    uint32_t *histogram;
};

static uint64_t now_micros(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

static void die(const char *what) {
    fprintf(stderr, "tls-load: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(2);
}

/* A connected, handshaken session, or NULL. */
static SSL *open_session(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return NULL;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval timeout = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        close(fd);
        return NULL;
    }
    SSL *ssl = SSL_new(context);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (SSL_connect(ssl) != 1) {
        ERR_clear_error();
        SSL_free(ssl);
        close(fd);
        return NULL;
    }
    return ssl;
}

static void close_session(SSL *ssl) {
    int fd = SSL_get_fd(ssl);
    SSL_free(ssl);
    close(fd);
}

/* Reads one response; 1 when it is a 200, 0 for another status, -1 when the read failed. */
static int read_response(SSL *ssl, char *buffer, size_t size) {
    size_t have = 0;
    long length = -1;
    char *body = NULL;
    for (;;) {
        if (body == NULL) {
            buffer[have] = 0;
            char *end = strstr(buffer, "\r\n\r\n");
            if (end != NULL) {
                body = end + 4;
                char *field = strcasestr(buffer, "\r\nContent-Length:");
                if (field == NULL || field > end) return -1;
                length = strtol(field + 17, NULL, 10);
            }
        }
        if (body != NULL && (long)(have - (size_t)(body - buffer)) >= length) {
            return strncmp(buffer, "HTTP/1.1 200", 12) == 0 ? 1 : 0;
        }
        if (have + 1 >= size) return -1;
        int count = SSL_read(ssl, buffer + have, (int)(size - have - 1));
        if (count <= 0) {
            ERR_clear_error();
            return -1;
        }
        have += (size_t)count;
    }
}

static void *work(void *argument) {
    struct worker *worker = argument;
    size_t size = 1 << 20;
    char *buffer = malloc(size);
    SSL *ssl = NULL;
    while (!stopping) {
        uint64_t started = now_micros();
        if (ssl == NULL && (ssl = open_session()) == NULL) {
            worker->connect_errors++;
            usleep(1000);
            continue;
        }
        if (SSL_write(ssl, request, (int)request_length) != (int)request_length) {
            ERR_clear_error();
            worker->write_errors++;
            close_session(ssl);
            ssl = NULL;
            continue;
        }
        int status = read_response(ssl, buffer, size);
        if (status < 0) {
            worker->read_errors++;
            close_session(ssl);
            ssl = NULL;
            continue;
        }
        if (status == 0) worker->status_errors++;
        uint64_t micros = now_micros() - started;
        worker->histogram[micros < MAX_MICROS ? micros : MAX_MICROS - 1]++;
        worker->requests++;
        if (new_connections) {
            close_session(ssl);
            ssl = NULL;
        }
    }
    if (ssl != NULL) close_session(ssl);
    free(buffer);
    return NULL;
}

static uint64_t percentile(const uint64_t *histogram, uint64_t total, double fraction) {
    uint64_t wanted = (uint64_t)(fraction * (double)total), seen = 0;
    for (uint64_t micros = 0; micros < MAX_MICROS; micros++) {
        seen += histogram[micros];
        if (seen > wanted) return micros;
    }
    return MAX_MICROS;
}

static char *read_file(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) die("cannot open the body file");
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    rewind(file);
    char *bytes = malloc((size_t)size + 1);
    if (fread(bytes, 1, (size_t)size, file) != (size_t)size) die("cannot read the body file");
    fclose(file);
    *length = (size_t)size;
    return bytes;
}

int main(int argc, char **argv) {
    const char *body_path = NULL, *action = NULL;
    for (int i = 1; i < argc; i++) {
        const char *option = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(option, "--new-connections") == 0) { new_connections = 1; continue; }
        if (value == NULL) die("every option but --new-connections takes a value");
        i++;
        if (strcmp(option, "--port") == 0) port = atoi(value);
        else if (strcmp(option, "--connections") == 0) connections = atoi(value);
        else if (strcmp(option, "--seconds") == 0) seconds = atoi(value);
        else if (strcmp(option, "--body") == 0) body_path = value;
        else if (strcmp(option, "--action") == 0) action = value;
        else if (strcmp(option, "--cacert") == 0) cacert = value;
        else if (strcmp(option, "--cert") == 0) cert = value;
        else if (strcmp(option, "--key") == 0) key = value;
        else die("unknown option");
    }
    if (port <= 0 || body_path == NULL || action == NULL || connections <= 0) die("--port, --body and --action are required");
    size_t body_length;
    char *body = read_file(body_path, &body_length);
    request = malloc(body_length + 1024);
    int head = snprintf(request, 1024,
                        "POST /lps HTTP/1.1\r\nHost: localhost:%d\r\nContent-Type: application/soap+xml; charset=utf-8; action=\"%s\"\r\n"
                        "Content-Length: %zu\r\n%s\r\n", port, action, body_length, new_connections ? "Connection: close\r\n" : "");
    memcpy(request + head, body, body_length);
    request_length = (size_t)head + body_length;

    context = SSL_CTX_new(TLS_client_method());
    if (context == NULL) die("SSL_CTX_new");
    /* Full handshakes only: no session is kept for the next connection. */
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(context, SSL_OP_NO_TICKET);
    if (cacert != NULL) {
        if (SSL_CTX_load_verify_locations(context, cacert, NULL) != 1) die("cannot read --cacert");
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, NULL);
    }
    if (cert != NULL && (SSL_CTX_use_certificate_chain_file(context, cert) != 1
                         || SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) != 1)) die("cannot use --cert/--key");

    struct worker *workers = calloc((size_t)connections, sizeof *workers);
    uint64_t started = now_micros();
    for (int i = 0; i < connections; i++) {
        workers[i].histogram = calloc(MAX_MICROS, sizeof(uint32_t));
        pthread_create(&workers[i].thread, NULL, work, &workers[i]);
    }
    sleep((unsigned)seconds);
    stopping = 1;
    uint64_t duration = now_micros() - started;
    uint64_t *histogram = calloc(MAX_MICROS, sizeof(uint64_t));
    uint64_t total = 0, connect = 0, read = 0, write = 0, status = 0;
    for (int i = 0; i < connections; i++) {
        pthread_join(workers[i].thread, NULL);
        for (int micros = 0; micros < MAX_MICROS; micros++) histogram[micros] += workers[i].histogram[micros];
        total += workers[i].requests;
        connect += workers[i].connect_errors;
        read += workers[i].read_errors;
        write += workers[i].write_errors;
        status += workers[i].status_errors;
    }
    printf("RESULT requests=%lu duration_us=%lu p50_us=%lu p99_us=%lu p999_us=%lu connect=%lu read=%lu write=%lu status=%lu timeout=0\n",
           (unsigned long)total, (unsigned long)duration, (unsigned long)percentile(histogram, total, 0.50),
           (unsigned long)percentile(histogram, total, 0.99), (unsigned long)percentile(histogram, total, 0.999),
           (unsigned long)connect, (unsigned long)read, (unsigned long)write, (unsigned long)status);
    return 0;
}
