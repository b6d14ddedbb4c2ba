#!/usr/bin/env python3
"""Long run: mixed requests against ONE insi-sim server, RSS and time sampled per block.

Started by scripts/long-run.sh, which builds the release server. Sends REQUESTS requests (default
1,000,000) over loopback, in a fixed mix (see MIX), samples the server's RSS (/proc/PID/status)
and the wall time of every BLOCK (default 100,000), prints a table, and exits non-zero when:
  - the server died (its exit status and last log lines are shown), or stopped accepting;
  - an answer was not the one expected for its kind (counted per kind);
  - RSS grew by more than RSS_TOLERANCE_MIB after the warm-up block (default 16 MiB, that is
    under 20 bytes per request over 800,000: a leak of 64 bytes on even a third of the requests
    exceeds it, while allocator fragmentation and caches stay well below);
  - time per block is not flat: the server's CPU time (user + system, /proc/PID/stat) for the
    last three blocks has a median more than TIME_RATIO (default 1.5) times that of blocks 2-4.
    CPU time rather than wall time: wall time also counts this driver and whatever else runs on
    the shared 2-core machine (it swung by 50% between blocks of an otherwise flat run), while a
    cost that grows with the requests served (a growing list, a deepening chain of closures) is
    CPU the server spends; medians of three absorb one disturbed block. Wall time is printed.
"""
import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, deque

TRAITS_ACTION = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite"
VITALE_ACTION = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale"

# One cycle of 20 requests: every kind's share is a multiple of 5%.
MIX = (
    ["traits"] * 9          # valid traits search, keep-alive
    + ["vitale"] * 2        # valid Vitale search, keep-alive
    + ["invalid-xml"]       # SOAP fault, keep-alive
    + ["wsdl"]              # GET ?wsdl, keep-alive
    + ["hello"]             # HELLO\r\n\r\n: 400 from the HTTP layer, new connection
    + ["oversized-head"]    # a 40 KB header: 431 from the HTTP layer
    + ["both-framings"]     # Content-Length and Transfer-Encoding: 400 from the HTTP layer
    + ["fragmented"]        # a valid call written in small pieces (1 in 100 with pauses): 200
    + ["close-mid-head"]    # half a head, then close: no answer
    + ["close-mid-body"]    # head and half the body, then close: no answer
    + ["close-unread"]      # a whole call, closed before the answer is read
)
EXPECTED = {
    "traits": 200, "vitale": 200, "invalid-xml": 500, "wsdl": 200, "hello": 400,
    "oversized-head": 431, "both-framings": 400, "fragmented": 200,
}
HTTP_LAYER_ERRORS = {"hello", "oversized-head", "both-framings"}


def soap_call(body, action):
    head = (
        "POST /lps HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f'Content-Type: application/soap+xml; charset=UTF-8; action="{action}"\r\n'
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class ServerDied(Exception):
    pass


class Driver:
    def __init__(self, port, process, corpus):
        self.port = port
        self.process = process
        self.keep_alive = None
        traits = open(os.path.join(corpus, "traits-adrtrois-dominique.xml"), "rb").read()
        vitale = open(os.path.join(corpus, "vitale-sample.xml"), "rb").read()
        self.requests = {
            "traits": soap_call(traits, TRAITS_ACTION),
            "vitale": soap_call(vitale, VITALE_ACTION),
            "invalid-xml": soap_call(b"<soap:Envelope><unclosed>", TRAITS_ACTION),
            "wsdl": b"GET /lps?wsdl HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            "hello": b"HELLO\r\n\r\n",
            "oversized-head": b"GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + b"x" * 40_000 + b"\r\n\r\n",
            "both-framings": b"POST /lps HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        }
        self.unexpected = Counter()
        self.sent = Counter()
        self.examples = {}

    def connect(self):
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        except OSError as error:
            if self.process.poll() is not None:
                raise ServerDied(f"exit status {self.process.returncode}")
            raise ServerDied(f"connection refused while running: {error}")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    @staticmethod
    def read_answer(sock):
        """Status of one answer (None when the connection closed first)."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None, data
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        length = int(match.group(1)) if match else 0
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        return status, head

    def check(self, kind, status, detail=b""):
        if status != EXPECTED[kind]:
            self.unexpected[kind] += 1
            self.examples.setdefault(kind, f"status {status}: {detail[:200]!r}")

    def on_keep_alive(self, kind, payload):
        for attempt in range(2):
            if self.keep_alive is None:
                self.keep_alive = self.connect()
            try:
                self.keep_alive.sendall(payload)
                status, head = self.read_answer(self.keep_alive)
            except OSError:
                status, head = None, b""
            if status is None:
                # The server may close an idle keep-alive connection: one retry on a new one.
                self.keep_alive.close()
                self.keep_alive = None
                continue
            if re.search(rb"(?im)^connection:\s*close", head):
                self.keep_alive.close()
                self.keep_alive = None
            self.check(kind, status, head)
            return
        self.check(kind, None)

    def one_shot(self, kind, payload, pieces=1, pause=0.0):
        sock = self.connect()
        try:
            step = max(1, len(payload) // pieces)
            for offset in range(0, len(payload), step):
                sock.sendall(payload[offset:offset + step])
                if pause:
                    time.sleep(pause)
            if kind in HTTP_LAYER_ERRORS:
                sock.shutdown(socket.SHUT_WR)
            status, head = self.read_answer(sock)
        except OSError as error:
            status, head = None, str(error).encode()
        finally:
            sock.close()
        self.check(kind, status, head)

    def early_close(self, payload):
        sock = self.connect()
        try:
            sock.sendall(payload)
        except OSError:
            pass
        sock.close()

    def send(self, index):
        kind = MIX[index % len(MIX)]
        self.sent[kind] += 1
        if kind in ("traits", "vitale", "invalid-xml", "wsdl"):
            self.on_keep_alive(kind, self.requests[kind])
        elif kind in HTTP_LAYER_ERRORS:
            self.one_shot(kind, self.requests[kind])
        elif kind == "fragmented":
            slow = (index // len(MIX)) % 100 == 0
            self.one_shot(kind, self.requests["traits"], pieces=7, pause=0.002 if slow else 0.0)
        elif kind == "close-mid-head":
            self.early_close(self.requests["traits"][:40])
        elif kind == "close-mid-body":
            self.early_close(self.requests["traits"][:-300])
        else:
            self.early_close(self.requests["traits"])


def cpu_seconds(pid):
    """User + system CPU time the process has used (/proc/PID/stat, fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True, help="the insi-sim executable")
    parser.add_argument("--resources", required=True)
    parser.add_argument("--corpus", required=True, help="folder with the sample SOAP requests")
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--block", type=int, default=100_000)
    parser.add_argument("--rss-tolerance-mib", type=float, default=16.0)
    parser.add_argument("--time-ratio", type=float, default=1.5)
    parser.add_argument("--without-http-layer-errors", action="store_true",
                        help="diagnostic: send fragmented calls in place of the requests the HTTP layer answers with an error, "
                             "to tell a defect of that path from one of the rest")
    args = parser.parse_args()

    process = subprocess.Popen(
        [args.server, "serve", "--port", "0", "--host", "127.0.0.1", "--resources", args.resources],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log = deque(maxlen=40)
    port = None
    deadline = time.time() + 60
    while port is None:
        line = process.stdout.readline().decode(errors="replace")
        if not line:
            if process.poll() is not None or time.time() > deadline:
                print("the server did not start:\n" + "".join(log), file=sys.stderr)
                return 2
            continue
        log.append(line)
        match = re.search(r"endpoint http://127\.0\.0\.1:(\d+)", line)
        if match:
            port = int(match.group(1))
    # Keep reading the server's log (a full pipe would block it), keeping the last lines other
    # than the one-per-call ones.
    def drain():
        for raw in process.stdout:
            line = raw.decode(errors="replace")
            if "] call" not in line:
                log.append(line)
    threading.Thread(target=drain, daemon=True).start()
    print(f"server pid {process.pid} on port {port}; {args.requests:,} requests in blocks of {args.block:,}", flush=True)

    driver = Driver(port, process, args.corpus)
    if args.without_http_layer_errors:
        MIX[:] = ["fragmented" if kind in HTTP_LAYER_ERRORS else kind for kind in MIX]
    rows = []
    died = None
    done = 0
    errors_answered = 0
    started = time.monotonic()
    cpu_before = cpu_seconds(process.pid)
    try:
        while done < args.requests:
            block_start = time.monotonic()
            count = min(args.block, args.requests - done)
            for index in range(done, done + count):
                driver.send(index)
            done += count
            seconds = time.monotonic() - block_start
            errors_answered = sum(driver.sent[k] for k in HTTP_LAYER_ERRORS)
            cpu = cpu_seconds(process.pid)
            rows.append((done, seconds, rss_kib(process.pid), errors_answered, cpu - cpu_before))
            cpu_before = cpu
            print(f"  {done:>9,} requests  {seconds:7.1f} s  {count / seconds:8.0f} req/s  server CPU {rows[-1][4]:6.1f} s  "
                  f"RSS {rows[-1][2] / 1024:7.1f} MiB  HTTP-layer errors so far {errors_answered:,}", flush=True)
    except ServerDied as error:
        died = f"the server died after {driver.sent.total():,} requests sent, {sum(driver.sent[k] for k in HTTP_LAYER_ERRORS):,} of them HTTP-layer errors ({error})"
    finally:
        total = time.monotonic() - started

    print()
    print("| requests | seconds | requests/s | server CPU (s) | RSS (MiB) | HTTP-layer errors answered |")
    print("|---:|---:|---:|---:|---:|---:|")
    for (count, seconds, rss, errors, cpu) in rows:
        print(f"| {count:,} | {seconds:.1f} | {args.block / seconds:,.0f} | {cpu:.1f} | {rss / 1024:.1f} | {errors:,} |")
    print(f"\n{driver.sent.total():,} requests in {total:.0f} s; mix: "
          + ", ".join(f"{kind} {count:,}" for kind, count in sorted(driver.sent.items())))

    failures = []
    if died:
        failures.append(died)
        # Wait a moment for the exit status.
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        failures.append(f"exit status {process.returncode} (negative: killed by that signal); last log lines "
                        "(one-per-call lines left out):\n" + "".join(log))
    elif process.poll() is not None:
        failures.append(f"the server exited ({process.returncode}) during the run")
    if driver.unexpected:
        failures.append("unexpected answers: " + ", ".join(
            f"{kind} {count} (e.g. {driver.examples[kind]})" for kind, count in driver.unexpected.items()))
    if len(rows) >= 5 and not died:
        warm = rows[1][2]
        growth = (max(r[2] for r in rows[1:]) - warm) / 1024
        verdict = "flat" if growth <= args.rss_tolerance_mib else "NOT flat"
        print(f"RSS after warm-up: +{growth:.1f} MiB from the end of block 2 (tolerance {args.rss_tolerance_mib:g} MiB): {verdict}")
        if growth > args.rss_tolerance_mib:
            failures.append(f"RSS grew by {growth:.1f} MiB after warm-up")
        wall_early = statistics.median(r[1] for r in rows[1:4])
        wall_late = statistics.median(r[1] for r in rows[-3:])
        print(f"wall time per block (driver included, for information): median of the last three {wall_late:.1f} s, "
              f"of blocks 2-4 {wall_early:.1f} s (ratio {wall_late / wall_early:.2f})")
        early = statistics.median(r[4] for r in rows[1:4])
        late = statistics.median(r[4] for r in rows[-3:])
        verdict = "flat" if late <= args.time_ratio * early else "NOT flat"
        print(f"server CPU time per block: median of the last three {late:.1f} s, of blocks 2-4 {early:.1f} s "
              f"(ratio {late / early:.2f}, tolerance {args.time_ratio:g}): {verdict}")
        if late > args.time_ratio * early:
            failures.append(f"server CPU time per block rose from {early:.1f} s to {late:.1f} s")

    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    if failures:
        print("\nLONG RUN FAILED:\n- " + "\n- ".join(failures), file=sys.stderr)
        return 1
    print("\nlong run passed: no crash, every answer as expected, RSS and time per block flat")
    return 0


if __name__ == "__main__":
    sys.exit(main())
