#!/usr/bin/env python3
"""Check a running insi-sim with zeep, as an editor's SOAP client would.

Usage: /usr/bin/python3 Tests/zeep/check_insi.py http://127.0.0.1:8080
       /usr/bin/python3 Tests/zeep/check_insi.py https://localhost:8443 \
           --cacert ca.pem --cert insi-auto.pem --key insi-auto-key.pem \
           [--wrong-cert wrong-cn.pem --wrong-key wrong-cn-key.pem]

The simulator must run with its default identity base and with
`--authorized-idam TESTIDAM0001`. The script loads BASE/lps?wsdl (and the
schemas it imports, all served by the simulator), calls both operations with
the five SOAP headers of the contract (wsa:Action included, as the strict
security mode requires), and checks the parsed results. Over mutual TLS it
presents --cert and trusts --cacert, through a requests session; with
--wrong-cert it also checks that a certificate whose CN is not INSI-AUTO or
INSI-MANU gets the fault desir_560.
Prints one line per check, then "N passed, M failed"; exit 0 only if all pass.
"""
import argparse
import datetime
import sys
import uuid

try:
    import requests
    import zeep
    import zeep.transports
    import zeep.exceptions
    from zeep.wsdl.bindings import Soap12Binding
except ImportError:
    print("zeep is not importable: on Debian, `apt-get install python3-zeep` (scripts/setup.sh test)"
          " and run /usr/bin/python3", file=sys.stderr)
    sys.exit(2)

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSA = "http://www.w3.org/2005/08/addressing"
CTXLPS = "urn:siram:lps:ctxlps"
CTXBAM = "urn:siram:bam:ctxbam"
SIRAM = "urn:siram"
GOOD_IDAM = "TESTIDAM0001"
OID_NIR = "1.2.250.1.213.1.4.8"
BINDING = "{http://www.cnamts.fr/webservice}ICIRServiceBinding"
TRAITS_ACTION = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite"
VITALE_ACTION = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale"

passed = failed = 0


def report(name, problems):
    """Print one line for a check; problems is a list of strings (empty = ok)."""
    global passed, failed
    if problems:
        failed += 1
        print(f"FAIL {name}: {'; '.join(problems)}")
    else:
        passed += 1
        print(f"ok   {name}")


def expect(problems, what, got, want):
    if got != want:
        problems.append(f"{what} is {got!r}, expected {want!r}")


def headers(client, idam=GOOD_IDAM, couverture=None, action=TRAITS_ACTION):
    """The five header elements of the contract, built from the WSDL's types.
    Returns (list of header values, MessageID sent)."""
    element = lambda ns, name: client.get_element(f"{{{ns}}}{name}")
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    message_id = f"uuid:{uuid.uuid4()}"
    security = element(WSSE, "Security")()  # empty: mTLS caller, no SAML assertion
    lps = element(CTXLPS, "ContexteLPS")(
        Id=str(uuid.uuid4()), Temps=now, Emetteur="810000000001",
        LPS={"IDAM": {"_value_1": idam, "R": "4"}, "Version": "1.0.0",
             "Instance": "a7c3f1d2-1111-4c2b-9e3a-0b5e6d7c8f90",
             "Nom": "urn:lps:insi-sim-zeep-check:1.0.0"},
        Nature="CTXLPS", Version="01_00")
    msgid = element(WSA, "MessageID")(message_id)
    action_header = element(WSA, "Action")(action)
    bam = element(CTXBAM, "ContexteBAM")(
        Id=str(uuid.uuid4()), Temps=now, Emetteur="810000000001",
        COUVERTURE=couverture or {}, Version="01_02")
    return [security, lps, action_header, msgid, bam], message_id


def traits(client, service, nom, prenoms, sexe, date, idam=GOOD_IDAM):
    soap_headers, message_id = headers(client, idam)
    result = service.rechercherInsAvecTraitsIdentite(
        NomNaissance=nom, Prenom=prenoms, Sexe=sexe, DateNaissance=date,
        _soapheaders=soap_headers)
    return result, message_id


def check_cr(problems, result, code, label):
    expect(problems, "CodeCR", result.CR.CodeCR, code)
    expect(problems, "LibelleCR", result.CR.LibelleCR, label)


def check_ins(problems, ins, num, cle, what="INSACTIF"):
    expect(problems, f"{what} NumIdentifiant", ins.IdIndividu.NumIdentifiant, num)
    expect(problems, f"{what} Cle", ins.IdIndividu.Cle, cle)
    expect(problems, f"{what} OID", ins.OID, OID_NIR)


def check_adrtrois_dominique(problems, result):
    check_cr(problems, result, "00", "OK")
    if result.INDIVIDU is None:
        return problems.append("no INDIVIDU")
    check_ins(problems, result.INDIVIDU.INSACTIF, "297022A020778", "78")
    tiq = result.INDIVIDU.TIQ
    expect(problems, "TIQ NomNaissance", tiq.NomNaissance, "ADRTROIS")
    expect(problems, "TIQ ListePrenom", tiq.ListePrenom, "DOMINIQUE")
    expect(problems, "TIQ LieuNaissance", tiq.LieuNaissance, "2A020")


def run(name, call):
    """Run one check: call(problems) fills problems; any exception is a failure."""
    problems = []
    try:
        call(problems)
    except Exception as error:  # noqa: BLE001 - report any failure as a check line
        problems.append(f"{type(error).__name__}: {error}")
    report(name, problems)


def session(cacert, cert, key):
    """A requests session presenting cert and trusting cacert (None: plain HTTP)."""
    if cert is None:
        return None
    result = requests.Session()
    result.cert = (cert, key)
    result.verify = cacert
    # requests prefers REQUESTS_CA_BUNDLE (set on many machines) to session.verify.
    result.trust_env = False
    return result


def client_for(base, http):
    if http is None:
        return zeep.Client(f"{base}/lps?wsdl")
    return zeep.Client(f"{base}/lps?wsdl", transport=zeep.transports.Transport(session=http))


def main():
    parser = argparse.ArgumentParser(description="Check a running insi-sim with zeep.")
    parser.add_argument("base", help="e.g. http://127.0.0.1:8080 or https://localhost:8443")
    parser.add_argument("--cacert")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--wrong-cert")
    parser.add_argument("--wrong-key")
    options = parser.parse_args()
    base = options.base.rstrip("/")
    try:
        client = client_for(base, session(options.cacert, options.cert, options.key))
    except Exception as error:  # noqa: BLE001
        print(f"FAIL load {base}/lps?wsdl: {type(error).__name__}: {error}")
        print("0 passed, 1 failed")
        return 1
    port = client.wsdl.services["ICIR-v1"].ports["ICIRService"]
    problems = []
    if not isinstance(port.binding, Soap12Binding):
        problems.append(f"binding is {type(port.binding).__name__}")
    expect(problems, "port address", port.binding_options.get("address"), f"{base}/lps")
    report("WSDL loaded: SOAP 1.2 binding, address BASE/lps", problems)
    # Call BASE/lps whatever the address in the WSDL, so that the checks
    # below do not depend on the one above.
    service = client.create_service(BINDING, f"{base}/lps")

    run("traits ADRTROIS DOMINIQUE -> 00 297022A020778",
        lambda p: check_adrtrois_dominique(
            p, traits(client, service, "ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26")[0]))

    def tchitchi_catarina(p):
        result, _ = traits(client, service, "TCHITCHI", ["CATARINA"], "F", "1936-06-21")
        check_cr(p, result, "00", "OK")
        if result.INDIVIDU is None:
            return p.append("no INDIVIDU")
        check_ins(p, result.INDIVIDU.INSACTIF, "2360663220836", "56")
    run("traits TCHITCHI CATARINA -> 00 2360663220836", tchitchi_catarina)

    def tchitchi_ola(p):
        result, _ = traits(client, service, "TCHITCHI", ["OLA"], "F", "1936-06-21")
        check_cr(p, result, "01", "Aucune identite trouvee")
        if result.INDIVIDU is not None:
            p.append("INDIVIDU present, expected none")
    run("traits TCHITCHI OLA -> 01", tchitchi_ola)

    def ecetinsi(p):
        result, _ = traits(client, service, "ECETINSI", ["PIERRE-ALAIN"], "M", "2009-07-14")
        check_cr(p, result, "00", "OK")
        if result.INDIVIDU is None:
            return p.append("no INDIVIDU")
        histo = result.INDIVIDU.INSHISTO
        expect(p, "number of INSHISTO", len(histo), 1)
        if histo:
            check_ins(p, histo[0], "2090763220834", "39", "INSHISTO[0]")
            expect(p, "INSHISTO[0] DateDeb", str(histo[0].DateDeb), "2019-03-01")
            expect(p, "INSHISTO[0] DateFin", str(histo[0].DateFin), "2019-02-28")
    run("traits ECETINSI PIERRE-ALAIN -> 00 with 1 INSHISTO (as recorded)", ecetinsi)

    def de_vinci(p):
        result, _ = traits(client, service, "DE VINCI", ["LEONARDO"], "M", "2014-02-01")
        check_cr(p, result, "02", "Plusieurs identites trouvees")
        if result.INDIVIDU is not None:
            p.append("INDIVIDU present, expected none")
    run("traits DE VINCI LEONARDO -> 02", de_vinci)

    def vitale(p):
        couverture = {"ASSURE": {"Id": {"Num": "160012B020777", "Cle": "13"}},
                      "BENEFICIAIRE": {"DateNai": "1997-02-26", "Rang": 1}}
        soap_headers, _ = headers(client, couverture=couverture, action=VITALE_ACTION)
        result = service.rechercherInsAvecCarteVitale(
            MatriculeOD={"NumIdentifiant": "160012B020777", "Cle": "13"},
            DateNaissance="1997-02-26", RangNaissance="1",
            _soapheaders=soap_headers)
        check_adrtrois_dominique(p, result)
    run("vitale 160012B020777 rank 1 -> 00 ADRTROIS DOMINIQUE", vitale)

    def unknown_idam(p):
        try:
            soap_headers, message_id = headers(client, idam="UNKNOWN-IDAM")
            service.rechercherInsAvecTraitsIdentite(
                NomNaissance="ADRTROIS", Prenom=["DOMINIQUE"], Sexe="F",
                DateNaissance="1997-02-26", _soapheaders=soap_headers)
        except zeep.exceptions.Fault as fault:
            codes = " ".join([str(fault.code)] + [str(s) for s in fault.subcodes or []])
            if "siram_100" not in codes:
                p.append(f"code/subcodes {codes!r} do not mention siram_100")
            detail = fault.detail
            erreur = None if detail is None else detail.find(f"{{{SIRAM}}}Erreur")
            if erreur is None:
                return p.append("no siram:Erreur in the fault detail")
            expect(p, "Erreur code", erreur.get("code"), "desir_550")
            expect(p, "Erreur messageID", erreur.get("messageID"), message_id)
            return
        p.append("no zeep.exceptions.Fault raised")
    run("unknown IDAM -> Fault siram_100 / desir_550", unknown_idam)

    if options.wrong_cert:
        def wrong_cn(p):
            wrong = client_for(base, session(options.cacert, options.wrong_cert, options.wrong_key))
            wrong_service = wrong.create_service(BINDING, f"{base}/lps")
            try:
                traits(wrong, wrong_service, "ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26")
            except zeep.exceptions.Fault as fault:
                detail = fault.detail
                erreur = None if detail is None else detail.find(f"{{{SIRAM}}}Erreur")
                if erreur is None:
                    return p.append("no siram:Erreur in the fault detail")
                expect(p, "Erreur code", erreur.get("code"), "desir_560")
                expect(p, "Erreur text", erreur.text, "Vous ne disposez pas des droits suffisants pour accéder à ce service")
                return
            p.append("no zeep.exceptions.Fault raised")
        run("certificate CN INSI-TEST -> Fault siram_100 / desir_560", wrong_cn)

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
