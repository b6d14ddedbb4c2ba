#!/usr/bin/env python3
"""A TLS peer for the client's tests: terminates TLS on 127.0.0.1 (a port of its own, printed
as "listening PORT") and relays each connection to a plain HTTP backend, so that the answers
come from the real simulator. It logs one line per connection to --log: "accepted CN=…" (or
"accepted CN=-" without a client certificate) or "refused <OpenSSL's reason>".

After a refused handshake it half-closes and reads until the client goes, so that its alert
reaches the client instead of a reset. It stops when its standard input closes.
"""
import argparse
import os
import select
import socket
import socketserver
import ssl
import sys
import threading


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--client-ca")
    parser.add_argument("--client-cert", choices=["required", "optional", "none"], default="none")
    parser.add_argument("--max-tls", choices=["1.2", "1.3"], default="1.3")
    parser.add_argument("--backend", required=True, help="host:port of the plain HTTP server")
    parser.add_argument("--log", required=True)
    args = parser.parse_args()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if args.max_tls == "1.2":
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(args.cert, args.key)
    if args.client_cert != "none":
        context.load_verify_locations(args.client_ca)
        context.verify_mode = ssl.CERT_REQUIRED if args.client_cert == "required" else ssl.CERT_OPTIONAL
    backend_host, backend_port = args.backend.rsplit(":", 1)
    log_lock = threading.Lock()

    def log(line):
        with log_lock, open(args.log, "a") as file:
            file.write(line + "\n")

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            connection = context.wrap_socket(self.request, server_side=True, do_handshake_on_connect=False)
            try:
                connection.do_handshake()
            except (ssl.SSLError, OSError) as error:
                log("refused " + str(error))
                linger(connection)
                return
            certificate = connection.getpeercert() or {}
            names = [value for rdn in certificate.get("subject", ()) for key, value in rdn if key == "commonName"]
            log("accepted CN=" + (names[0] if names else "-"))
            try:
                with socket.create_connection((backend_host, int(backend_port))) as backend:
                    relay(connection, backend)
            except OSError:
                pass
            finally:
                connection.close()

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("listening", server.server_address[1], flush=True)
    sys.stdin.read()
    os._exit(0)


def linger(connection):
    try:
        connection.shutdown(socket.SHUT_WR)
        connection.settimeout(10)
        while connection.recv(4096):
            pass
    except OSError:
        pass
    finally:
        connection.close()


def relay(tls, backend):
    """Both ways, one thread: an SSL object must not be read and written from two threads."""
    while True:
        readable = [tls] if tls.pending() else select.select([tls, backend], [], [])[0]
        for source in readable:
            data = source.recv(65536)
            if not data:
                return
            (backend if source is tls else tls).sendall(data)


if __name__ == "__main__":
    main()
