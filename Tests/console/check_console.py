#!/usr/bin/env python3
"""Drives the insi-sim web console (/ui/) in headless Chromium through the DevTools protocol.

Usage: check_console.py BASE_URL ADMIN_TOKEN SCREENSHOT_DIR

Chromium is driven over its remote debugging websocket (Debian's python3-websocket), a real
browser running the console's own JavaScript against a real insi-sim: the checks click and type
as a person would, and read what the page shows. Prints one line per check, then
"N passed, M failed"; exits 1 when a check failed.
"""
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

import websocket

BASE, TOKEN, SHOTS = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
TRAITS_ACTION = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite"
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + detail), flush=True)


def soap_call(name, first, sex, date, place=None):
    """A traits call as an editor's software sends it; returns (messageID, HTTP status, body)."""
    message_id = "uuid:" + str(uuid.uuid4())
    place_xml = f"<r:LieuNaissance>{place}</r:LieuNaissance>" if place else ""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing"
 xmlns:ctxlps="urn:siram:lps:ctxlps" xmlns:r="http://www.cnamts.fr/INSiRecSans"><soap:Header>
<ctxlps:ContexteLPS Nature="CTXLPS" Version="01_00"><ctxlps:Id>{uuid.uuid4()}</ctxlps:Id><ctxlps:Temps>{now}</ctxlps:Temps>
<ctxlps:Emetteur>810000000001</ctxlps:Emetteur><ctxlps:LPS><ctxlps:IDAM R="4">CONSOLETEST</ctxlps:IDAM><ctxlps:Version>1.0</ctxlps:Version>
<ctxlps:Instance>console-browser-test</ctxlps:Instance><ctxlps:Nom>urn:lps:console-test:1.0</ctxlps:Nom></ctxlps:LPS></ctxlps:ContexteLPS>
<wsa:Action>{TRAITS_ACTION}</wsa:Action><wsa:MessageID>{message_id}</wsa:MessageID></soap:Header>
<soap:Body><r:RECSANSVITALE><r:NomNaissance>{name}</r:NomNaissance><r:Prenom>{first}</r:Prenom><r:Sexe>{sex}</r:Sexe>
<r:DateNaissance>{date}</r:DateNaissance>{place_xml}</r:RECSANSVITALE></soap:Body></soap:Envelope>"""
    request = urllib.request.Request(BASE + "/lps", data=body.encode(), method="POST", headers={
        "Content-Type": f'application/soap+xml; charset=utf-8; action="{TRAITS_ACTION}"'})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return message_id, response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return message_id, error.code, error.read().decode()


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="insi-sim-console-")
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        self.process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--window-size=1400,900",
             "--remote-debugging-port=0", "--user-data-dir=" + self.profile, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + 60
        while not (os.path.exists(port_file) and open(port_file).read().count("\n") >= 1):
            if time.time() > deadline or self.process.poll() is not None:
                raise RuntimeError("chromium did not start")
            time.sleep(0.05)
        port = open(port_file).read().split("\n")[0]
        pages = []
        while not pages:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
                pages = [target for target in json.load(response) if target["type"] == "page"]
        self.socket = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0
        self.errors = []
        for domain in ("Page", "Runtime", "Log"):
            self.send(domain + ".enable")

    def send(self, method, **params):
        self.next_id += 1
        wanted = self.next_id
        self.socket.send(json.dumps({"id": wanted, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.event(message)

    def event(self, message):
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.errors.append("exception: " + details.get("exception", {}).get("description", details.get("text", "")))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append("console.error: " + " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params["args"]))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            self.errors.append(f"log ({params['entry'].get('source')}): {params['entry']['text']} {params['entry'].get('url', '')}")

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, seconds):
        """Polls the page until `expression` is truthy; returns the time it took, or None."""
        started = time.time()
        while time.time() - started < seconds:
            if self.evaluate(expression):
                return time.time() - started
            time.sleep(0.05)
        return None

    def screenshot(self, name):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        with open(os.path.join(SHOTS, name + ".png"), "wb") as file:
            file.write(base64.b64decode(data))

    def close(self):
        try:
            self.socket.close()
        finally:
            # The whole group: chromium's helper processes outlive the browser's own for a
            # moment and may still write into the profile.
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            # Whatever of the group is left (the browser past its 10 s, or a helper).
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
            # A helper finishing its last write can recreate a file just removed: try again
            # until the profile is gone (seen as a few leftover profiles in /tmp otherwise).
            for _ in range(50):
                shutil.rmtree(self.profile, ignore_errors=True)
                if not os.path.exists(self.profile):
                    break
                time.sleep(0.1)


def fill(browser, selector, value):
    """Types a value into a field the way a person does: the field's input and change events fire."""
    browser.evaluate(f"""(() => {{ const field = document.querySelector({json.dumps(selector)});
        field.value = {json.dumps(value)}; field.dispatchEvent(new Event('input', {{bubbles: true}}));
        field.dispatchEvent(new Event('change', {{bubbles: true}})); return true; }})()""")


def click(browser, selector):
    browser.evaluate(f"document.querySelector({json.dumps(selector)}).click(), true")


def main():
    os.makedirs(SHOTS, exist_ok=True)
    browser = Browser()
    try:
        browser.send("Page.navigate", url=BASE + "/ui/")
        loaded = browser.wait_for("document.readyState === 'complete' && !!document.getElementById('status')", 20)
        check("the console loads", loaded is not None)
        check("without a token it asks for one", browser.wait_for("document.getElementById('status').textContent.includes('token')", 5) is not None)
        fill(browser, "#token", TOKEN)
        click(browser, "#token-form button")
        live = browser.wait_for("document.getElementById('status').textContent.startsWith('live')", 10)
        check("with the token it goes live", live is not None, browser.evaluate("document.getElementById('status').textContent"))
        browser.screenshot("01-journal-empty")
        check("the page loads with no console error", not browser.errors, "; ".join(browser.errors))

        # A call made now shows in the live journal within 2 seconds, without a reload.
        message_id, status, _ = soap_call("ADRTROIS", "DOMINIQUE", "F", "1997-02-26")
        seen = browser.wait_for(f"!!document.querySelector('#journal-rows tr[data-message-id=\"{message_id}\"]')", 2.0)
        check("a call appears in the live journal within 2 s", status == 200 and seen is not None,
              f"HTTP {status}, seen after {seen}")
        # A badly written call shows its findings.
        bad_id, _, _ = soap_call("Dupont-é", "JEAN, PIERRE", "M", "1980-01-01", place="75015")
        shown = browser.wait_for(f"(() => {{ const row = document.querySelector('#journal-rows tr[data-message-id=\"{bad_id}\"]');"
                                 f" return row && row.textContent.includes('traits.postal-code') && row.textContent.includes('traits.upper-case'); }})()", 2.0)
        check("its findings show on the call", shown is not None)
        browser.screenshot("02-journal-live")

        # The base: adding an identity through the form makes the next lookup find it.
        click(browser, ".tab[data-tab=base]")
        click(browser, "#base-new")
        for name, value in (("birthName", "CONSOLE-TEST"), ("firstNames", "ALICE MARIE"), ("birthDate", "1990-05-17"),
                            ("birthPlace", "69383"), ("matricule", "2900569383123")):
            fill(browser, f"#identity-form [name={name}]", value)
        fill(browser, "#identity-form [name=sex]", "F")
        fill(browser, "#identity-form [name=key]", "00")
        click(browser, "#identity-save")
        refused = browser.wait_for("document.getElementById('identity-message').classList.contains('bad') && "
                                   "document.getElementById('identity-message').textContent.includes('key')", 5)
        check("a wrong key is refused with the API's message", refused is not None,
              browser.evaluate("document.getElementById('identity-message').textContent"))
        fill(browser, "#identity-form [name=key]", "")
        click(browser, "#identity-save")
        saved = browser.wait_for("document.getElementById('identity-message').textContent.startsWith('Saved')", 5)
        check("the identity is saved", saved is not None, browser.evaluate("document.getElementById('identity-message').textContent"))
        browser.screenshot("03-base-added")
        _, status, answer = soap_call("CONSOLE-TEST", "ALICE", "F", "1990-05-17")
        check("the next lookup finds it", status == 200 and "<CodeCR>00</CodeCR>" in answer and "2900569383123" in answer, answer[:300])

        # Scenarios: a template shapes the next call.
        click(browser, ".tab[data-tab=scenarios]")
        fill(browser, "#template", "siram40")
        click(browser, "#template-add")
        added = browser.wait_for("document.querySelectorAll('#scenario-rows tr').length > 0", 5)
        check("a scenario made from the siram_40 template is listed", added is not None,
              browser.evaluate("document.getElementById('template-message').textContent"))
        browser.screenshot("04-scenario")
        _, status, answer = soap_call("ADRTROIS", "DOMINIQUE", "F", "1997-02-26")
        check("it shapes the next call (siram_40)", status == 500 and "siram_40" in answer, f"HTTP {status} {answer[:300]}")
        _, status, answer = soap_call("ADRTROIS", "DOMINIQUE", "F", "1997-02-26")
        check("and only the next one", status == 200 and "<CodeCR>00</CodeCR>" in answer, f"HTTP {status}")

        # The hyphenated-name template, for the identity added above: the name as held answers 01,
        # its variant finds the person; switched off, the base answers again.
        fill(browser, "#template", "hyphen")
        fill(browser, "#template-form [name=matricule]", "2900569383123")
        click(browser, "#template-add")
        two = browser.wait_for("document.querySelectorAll('#scenario-rows tr').length === 2", 5)
        check("the hyphenated-name template adds its two scenarios", two is not None,
              browser.evaluate("document.getElementById('template-message').textContent"))
        _, _, held = soap_call("CONSOLE-TEST", "ALICE", "F", "1990-05-17")
        _, _, variant = soap_call("CONSOLE TEST", "ALICE", "F", "1990-05-17")
        check("the hyphenated name answers 01, its variant finds the person",
              "<CodeCR>01</CodeCR>" in held and "<CodeCR>00</CodeCR>" in variant and "2900569383123" in variant, held[:200] + variant[:200])
        browser.evaluate("Array.from(document.querySelectorAll('#scenario-rows input[type=checkbox]')).forEach((box) => box.click()), true")
        off = browser.wait_for("Array.from(document.querySelectorAll('#scenario-rows input[type=checkbox]')).every((box) => !box.checked)"
                               " && document.querySelectorAll('#scenario-rows tr').length === 2", 5)
        check("both scenarios can be switched off", off is not None)
        browser.screenshot("04b-scenarios-off")
        _, _, held = soap_call("CONSOLE-TEST", "ALICE", "F", "1990-05-17")
        check("switched off, the name as held finds the person again", "<CodeCR>00</CodeCR>" in held, held[:200])

        # Findings: the per-client report, with a link to each call.
        click(browser, ".tab[data-tab=findings]")
        listed = browser.wait_for("!!document.querySelector('#client-rows tr[data-client*=\"CONSOLETEST\"]')", 5)
        check("the client is listed with its counts", listed is not None)
        click(browser, "#client-rows tr[data-client*=\"CONSOLETEST\"]")
        report = browser.wait_for("document.querySelectorAll('#client-report a[href^=\"#call-\"]').length >= 8", 5)
        check("its report links each call", report is not None)
        browser.screenshot("05-findings")
        click(browser, "#client-report a[href^=\"#call-\"]")
        opened = browser.wait_for("!document.getElementById('journal').hidden && !!document.querySelector('#journal-rows tr.highlight')", 5)
        check("a call's link opens it in the journal", opened is not None)
        clear = urllib.request.Request(BASE + "/admin/journal", method="DELETE", headers={"Authorization": "Bearer " + TOKEN})
        with urllib.request.urlopen(clear, timeout=10) as response:
            cleared_status = response.status
        emptied = browser.wait_for("document.querySelectorAll('#journal-rows tr').length === 0", 2.0)
        check("a journal cleared on the server empties the live journal", cleared_status == 204 and emptied is not None)

        # The refused key above is logged by the browser as a failed request (400): expected.
        unexpected = [error for error in browser.errors if not ("status of 400" in error and error.endswith("/admin/identities"))]
        check("no other error in the browser console", not unexpected, "; ".join(unexpected))
    finally:
        browser.close()
    passed, failed = results.count(True), results.count(False)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
