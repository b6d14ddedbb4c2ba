#!/usr/bin/env python3
"""Sends a sample of the benchmark requests to the server (one connection, keep-alive) and
compares each answer's CodeCR with the expected one: the load must be the intended mix, not
faults or a wrong base. Prints `codes 00=N 01=N 02=N fault=N unexpected=N of N`.

Usage: check-codes.py PORT REQUESTS.txt [SAMPLE]
"""
import http.client
import re
import sys

port, path = int(sys.argv[1]), sys.argv[2]
sample = int(sys.argv[3]) if len(sys.argv) > 3 else 500
actions = {"T": "rechercherInsAvecTraitsIdentite", "V": "rechercherInsAvecCarteVitale"}
with open(path, encoding="utf-8") as handle:
    bodies = [line.rstrip("\n") for line in handle][:sample]
with open(path + ".expected", encoding="utf-8") as handle:
    expected = [line.strip() for line in handle][:sample]
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
counts = {"00": 0, "01": 0, "02": 0, "fault": 0}
unexpected = 0
examples = []
for body, want in zip(bodies, expected):
    kind, xml = body.split("|", 1)
    content_type = 'application/soap+xml; charset=utf-8; action="urn:ServiceIdentiteCertifiee:1.0.0:%s"' % actions[kind]
    connection.request("POST", "/lps", body=xml.encode("utf-8"), headers={"Content-Type": content_type})
    response = connection.getresponse()
    answer = response.read().decode("utf-8", "replace")
    match = re.search(r"<(?:\w+:)?CodeCR>(\d\d)</", answer)
    code = match.group(1) if match and response.status == 200 else "fault"
    counts[code] = counts.get(code, 0) + 1
    if code != want:
        unexpected += 1
        if len(examples) < 3:
            examples.append("expected %s, got %s (HTTP %d) for %s" % (want, code, response.status, xml[-300:]))
print("codes 00=%d 01=%d 02=%d fault=%d unexpected=%d of %d" % (counts["00"], counts["01"], counts["02"], counts["fault"], unexpected, len(bodies)))
for example in examples:
    print("  " + example, file=sys.stderr)
