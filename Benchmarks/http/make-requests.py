#!/usr/bin/env python3
"""Builds the request bodies of the HTTP benchmark from a seed file written by
`insi-sim seed generate` (one record per line): real traits requests drawn from the base in
the mix 70% 00, 20% 01, 10% 02, plus 10% Vitale calls (00) on top, shuffled.

Output: one request per line, `T|<xml>` (traits) or `V|<xml>` (Vitale), read by requests.lua;
and, with --expected, the expected CodeCR of each line (00, 01, 02), for check-codes.py.
Deterministic: the same base and --count give the same file.

Usage: make-requests.py BASE.json OUT.txt [--count 4000]
"""
import json
import random
import sys

HEADER = ('<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
          'xmlns:wsa="http://www.w3.org/2005/08/addressing" '
          'xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" '
          'xmlns:ctxbam="urn:siram:bam:ctxbam" xmlns:ctxlps="urn:siram:lps:ctxlps" '
          'xmlns:rec="http://www.cnamts.fr/INSiRecSans" xmlns:vit="http://www.cnamts.fr/INSiRecVit">'
          '<soap:Header><wsse:Security/>')
LPS = ('<ctxlps:ContexteLPS Nature="CTXLPS" Version="01_00"><ctxlps:Id>7b0f6c1e-0c55-4a8c-8f0e-2d4f1f6a9b02</ctxlps:Id>'
       '<ctxlps:Temps>2026-11-23T10:00:00.000Z</ctxlps:Temps><ctxlps:Emetteur>810000000001</ctxlps:Emetteur>'
       '<ctxlps:LPS><ctxlps:IDAM R="4">TESTIDAM0001</ctxlps:IDAM><ctxlps:Version>1.0.0</ctxlps:Version>'
       '<ctxlps:Instance>a7c3f1d2-1111-4c2b-9e3a-0b5e6d7c8f90</ctxlps:Instance><ctxlps:Nom>urn:lps:bench:1.0.0</ctxlps:Nom>'
       '</ctxlps:LPS></ctxlps:ContexteLPS>')
BAM_ID = ('<ctxbam:Id>5d1c1a0e-3f59-4a59-9d0e-6b2f3f1d9a01</ctxbam:Id><ctxbam:Temps>2026-11-23T10:00:00.000Z</ctxbam:Temps>'
          '<ctxbam:Emetteur>810000000001</ctxbam:Emetteur>')


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")


def traits(number, name, first_names, sex, date, place=None):
    body = "<rec:RECSANSVITALE><rec:NomNaissance>%s</rec:NomNaissance>" % esc(name)
    body += "".join("<rec:Prenom>%s</rec:Prenom>" % esc(f) for f in first_names)
    body += "<rec:Sexe>%s</rec:Sexe><rec:DateNaissance>%s</rec:DateNaissance>" % (sex, date)
    if place:
        body += "<rec:LieuNaissance>%s</rec:LieuNaissance>" % place
    body += "</rec:RECSANSVITALE>"
    return "T|" + envelope(number, "rechercherInsAvecTraitsIdentite", '<ctxbam:ContexteBAM Version="01_02">' + BAM_ID + "<ctxbam:COUVERTURE/></ctxbam:ContexteBAM>", body)


def vitale(number, od, key, date, rank):
    bam = ('<ctxbam:ContexteBAM Version="01_02">' + BAM_ID + "<ctxbam:COUVERTURE><ctxbam:ASSURE><ctxbam:Id><ctxbam:Num>%s</ctxbam:Num>"
           "</ctxbam:Id></ctxbam:ASSURE><ctxbam:BENEFICIAIRE><ctxbam:DateNai>%s</ctxbam:DateNai><ctxbam:Rang>%d</ctxbam:Rang>"
           "</ctxbam:BENEFICIAIRE></ctxbam:COUVERTURE></ctxbam:ContexteBAM>") % (od, date, rank)
    body = ("<vit:RECVITALE><vit:MatriculeOD><vit:NumIdentifiant>%s</vit:NumIdentifiant><vit:Cle>%s</vit:Cle></vit:MatriculeOD>"
            "<vit:DateNaissance>%s</vit:DateNaissance><vit:RangNaissance>%d</vit:RangNaissance></vit:RECVITALE>") % (od, key, date, rank)
    return "V|" + envelope(number, "rechercherInsAvecCarteVitale", bam, body)


def envelope(number, action, bam, body):
    return (HEADER + bam + LPS + "<wsa:Action>urn:ServiceIdentiteCertifiee:1.0.0:%s</wsa:Action>" % action
            + "<wsa:MessageID>uuid:00000000-0000-4000-8000-%012d</wsa:MessageID>" % number
            + "</soap:Header><soap:Body>" + body + "</soap:Body></soap:Envelope>")


def read_base(path):
    """Identities and cards, one record per line as the generator writes them."""
    identities, cards = [], []
    section = None
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            stripped = line.strip()
            if stripped.startswith('"identities"'):
                section = identities
            elif stripped.startswith('"vitaleCards"'):
                section = cards
            elif stripped.startswith("{") and section is not None:
                section.append(stripped.rstrip(","))
    return identities, cards


def main():
    args = sys.argv[1:]
    count = 4000
    if "--count" in args:
        index = args.index("--count")
        count = int(args[index + 1])
        del args[index:index + 2]
    base_path, out_path = args
    rng = random.Random(7)
    lines, card_lines = read_base(base_path)
    # Homonym groups (same name, sex, date, first first name): the generator draws a homonym
    # close to its model, so a sliding window over the file finds them without a huge index.
    key_of = lambda r: (r["birthName"], r["sex"], r["birthDate"], r["firstNames"][0])
    window, homonyms = {}, []
    for number, line in enumerate(lines):
        if '"birthName"' not in line:
            continue
        record = json.loads(line)
        key = key_of(record)
        if key in window and number - window[key] < 200:
            homonyms.append(key)
        window[key] = number
        if len(window) > 400:
            window = {k: v for k, v in window.items() if number - v < 200}
    # Identities whose full key is unique enough: query with the complete first-name list and
    # the place, which nothing else in the base shares (checked by check-codes.py anyway).
    homonym_keys = set(homonyms)
    requests = []
    traits_count = count * 9 // 10
    plan = ["00"] * (traits_count * 7 // 10) + ["01"] * (traits_count * 2 // 10)
    plan += ["02"] * (traits_count - len(plan)) + ["V"] * (count - traits_count)
    rng.shuffle(plan)
    for number, kind in enumerate(plan):
        if kind == "V" and card_lines:
            card = json.loads(card_lines[rng.randrange(len(card_lines))])
            beneficiary = rng.choice(card["beneficiaries"])
            requests.append((vitale(number, card["ouvrantDroit"]["matricule"], card["ouvrantDroit"]["key"],
                                    beneficiary["birthDate"], beneficiary["rank"]), "00"))
        elif kind == "02" and homonyms:
            name, sex, date, first = homonyms[rng.randrange(len(homonyms))]
            requests.append((traits(number, name, [first], sex, date), "02"))
        else:
            record = json.loads(lines[rng.randrange(len(lines))])
            # A 00 must not be one of a homonym group (the complete list may not tell them apart).
            while kind == "00" and key_of(record) in homonym_keys:
                record = json.loads(lines[rng.randrange(len(lines))])
            if kind == "01":
                # A year earlier: a real person's traits, not in the base.
                year = int(record["birthDate"][:4]) - 1
                date = "%04d%s" % (year, record["birthDate"][4:].replace("-02-29", "-02-28"))
                requests.append((traits(number, record["birthName"], [record["firstNames"][0]], record["sex"], date), "01"))
            else:
                requests.append((traits(number, record["birthName"], record["firstNames"], record["sex"], record["birthDate"],
                                        record.get("birthPlace")), "00"))
    with open(out_path, "w", encoding="utf-8") as out:
        for body, _ in requests:
            out.write(body + "\n")
    with open(out_path + ".expected", "w", encoding="utf-8") as out:
        for _, code in requests:
            out.write(code + "\n")
    kinds = {k: sum(1 for _, c in requests if c == k) for k in ("00", "01", "02")}
    print("%s: %d requests (%d Vitale), expected 00/01/02 = %d/%d/%d, %d homonym groups found"
          % (out_path, len(requests), plan.count("V"), kinds["00"], kinds["01"], kinds["02"], len(homonyms)))


if __name__ == "__main__":
    main()
