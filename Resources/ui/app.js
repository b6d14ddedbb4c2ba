// insi-sim console: plain JavaScript over the admin API, no library, no build step.
// The live journal polls GET /admin/journal?after=N twice a second (see docs/guides/judge.md).
"use strict";

const state = {
  token: localStorage.getItem("insi-sim-token") || "",
  needsToken: false,
  lastSeq: 0,
  calls: [],          // newest last, at most maxCalls
  rules: [],
  selected: null,     // matricule shown in the base tab
  pollTimer: null,
};
const maxCalls = 1000;
const $ = (id) => document.getElementById(id);

// ---- HTTP -------------------------------------------------------------------------------

class APIError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
  }
}

async function api(method, path, body) {
  const headers = {};
  if (state.token) headers["Authorization"] = "Bearer " + state.token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  if (text) { try { json = JSON.parse(text); } catch (_) { json = { error: text }; } }
  if (!response.ok) throw new APIError(response.status, json);
  return json;
}

function setStatus(text, bad) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("bad", !!bad);
}

function adminReady() { return !state.needsToken || state.token !== ""; }

// ---- Small DOM helpers --------------------------------------------------------------------

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function time(seconds) {
  const date = new Date(seconds * 1000);
  return date.toLocaleTimeString([], { hour12: false }) + "." + String(date.getMilliseconds()).padStart(3, "0");
}

function traitsText(traits) {
  const order = ["NomNaissance", "Prenom", "Sexe", "DateNaissance", "LieuNaissance", "MatriculeOD", "MatriculeIndividu", "RangNaissance"];
  return order.filter((key) => traits && traits[key]).map((key) => traits[key]).join(" / ");
}

function answerText(call) { return call.fault ? "fault " + call.fault : call.code; }

function findingNodes(findings) {
  return (findings || []).map((finding) =>
    el("span", { class: "finding sev-" + finding.severity, title: finding.detail }, `${finding.severity} ${finding.rule}: ${finding.detail}`));
}

function message(id, text, ok) {
  const node = $(id);
  node.textContent = text;
  node.className = "message " + (ok ? "ok" : "bad");
}

// ---- Tabs ---------------------------------------------------------------------------------

function showTab(name) {
  for (const panel of document.querySelectorAll(".panel")) panel.hidden = panel.id !== name;
  for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.tab === name);
  if (!adminReady()) return;
  if (name === "scenarios") loadScenarios().catch(report);
  if (name === "findings") loadClients().catch(report);
}

function report(error) {
  if (error instanceof APIError && (error.status === 401 || error.status === 403)) {
    setStatus(error.status === 401 ? "admin token needed" : "wrong admin token", true);
  } else {
    setStatus(String(error.message || error), true);
  }
}

// ---- Journal ------------------------------------------------------------------------------

async function poll() {
  if (!adminReady() || !$("journal-live").checked) return;
  const page = await api("GET", `/admin/journal?after=${state.lastSeq}&limit=500`);
  // Calls the server no longer holds (the journal was cleared, or its oldest calls went) go here too.
  const oldest = page.oldest === undefined || page.oldest === null ? state.lastSeq + 1 : page.oldest;
  if (page.last < state.lastSeq) state.lastSeq = 0;
  const kept = state.calls.filter((call) => call.seq >= oldest);
  const dropped = kept.length !== state.calls.length;
  state.calls = kept;
  for (const call of page.calls) state.calls.push(call);
  if (state.calls.length > maxCalls) state.calls.splice(0, state.calls.length - maxCalls);
  state.lastSeq = page.last;
  if (page.calls.length > 0 || dropped || state.calls.length === 0) renderJournal();
  setStatus(`live, ${page.last} calls journaled`);
}

function schedulePoll() {
  clearTimeout(state.pollTimer);
  state.pollTimer = setTimeout(async () => {
    try { await poll(); } catch (error) { report(error); }
    schedulePoll();
  }, 500);
}

function renderJournal() {
  const client = $("filter-client").value;
  const code = $("filter-code").value;
  const finding = $("filter-finding").value;
  const clients = new Set();
  const rows = [];
  for (let index = state.calls.length - 1; index >= 0; index--) {
    const call = state.calls[index];
    if (call.client) clients.add(call.client);
    if (client && call.client !== client) continue;
    if (code && call.code !== code) continue;
    if (finding === "any" && !(call.findings || []).length) continue;
    if (finding && finding !== "any" && !(call.findings || []).some((f) => f.rule === finding)) continue;
    rows.push(el("tr", { id: "call-" + call.seq, "data-message-id": call.messageID || "", class: location.hash === "#call-" + call.seq ? "highlight" : "" },
      el("td", {}, call.seq), el("td", {}, time(call.time)), el("td", { class: "mono" }, call.client || "-"),
      el("td", {}, call.operation === "rechercherInsAvecCarteVitale" ? "Vitale" : call.operation ? "traits" : "-"),
      el("td", {}, traitsText(call.traits)), el("td", {}, answerText(call)), el("td", {}, call.reason || ""),
      el("td", {}, findingNodes(call.findings)), el("td", { class: "mono" }, call.messageID || "-")));
  }
  $("journal-rows").replaceChildren(...rows);
  $("journal-count").textContent = `${rows.length} shown of ${state.calls.length} held`;
  const select = $("filter-client");
  const known = new Set(Array.from(select.options).map((option) => option.value));
  for (const id of clients) if (!known.has(id)) select.append(el("option", { value: id }, id));
  const highlighted = location.hash.startsWith("#call-") ? document.querySelector(location.hash) : null;
  if (highlighted) highlighted.scrollIntoView({ block: "center" });
}

async function loadRules() {
  const page = await api("GET", "/admin/rules");
  state.rules = page.rules;
  const select = $("filter-finding");
  for (const rule of page.rules) select.append(el("option", { value: rule.id, title: rule.reason }, `${rule.id} (${rule.severity})`));
}

// ---- Base ---------------------------------------------------------------------------------

async function searchBase() {
  const name = $("base-name").value.trim().toUpperCase();
  const matricule = $("base-matricule").value.trim();
  const query = new URLSearchParams({ limit: "100" });
  if (name) query.set("birthName", name);
  if (matricule) query.set("matricule", matricule);
  const page = await api("GET", "/admin/identities?" + query);
  $("base-rows").replaceChildren(...page.identities.map((identity) =>
    el("tr", { class: "clickable", "data-matricule": identity.ins.matricule, onclick: () => showIdentity(identity.ins.matricule).catch(report) },
      el("td", {}, identity.birthName), el("td", {}, identity.firstNames.join(" ")), el("td", {}, identity.sex),
      el("td", {}, identity.birthDate), el("td", {}, identity.birthPlace || ""), el("td", { class: "mono" }, identity.ins.matricule))));
  $("base-count").textContent = `${page.total} found`;
}

function fillIdentityForm(identity) {
  const form = $("identity-form");
  form.birthName.value = identity ? identity.birthName : "";
  form.firstNames.value = identity ? identity.firstNames.join(" ") : "";
  form.sex.value = identity ? identity.sex : "F";
  form.birthDate.value = identity ? identity.birthDate : "";
  form.birthPlace.value = identity ? identity.birthPlace || "" : "";
  form.matricule.value = identity ? identity.ins.matricule : "";
  form.key.value = identity ? identity.ins.key || "" : "";
  form.oid.value = identity ? identity.ins.oid : "1.2.250.1.213.1.4.8";
}

async function showIdentity(matricule) {
  const identity = await api("GET", "/admin/identities/" + encodeURIComponent(matricule));
  state.selected = matricule;
  $("identity").hidden = false;
  $("identity-title").textContent = `${identity.birthName} ${identity.firstNames.join(" ")}`;
  const ins = identity.ins;
  const history = (identity.history || []).map((old) =>
    el("li", { class: "mono" }, `${old.matricule} ${old.key || ""} ${old.oid}${old.dateStart ? " from " + old.dateStart : ""}${old.dateEnd ? " to " + old.dateEnd : ""}`));
  $("identity-ins").replaceChildren(
    el("p", {}, "INS ", el("strong", { class: "mono" }, `${ins.matricule} ${ins.key || ""}`), ` OID ${ins.oid}`),
    history.length ? el("div", {}, "History:", el("ul", {}, history)) : el("p", { class: "muted" }, "No previous INS."));
  fillIdentityForm(identity);
  $("identity-delete").hidden = false;
  message("identity-message", "", true);
}

function newIdentity() {
  state.selected = null;
  $("identity").hidden = false;
  $("identity-title").textContent = "New identity";
  $("identity-ins").replaceChildren();
  fillIdentityForm(null);
  $("identity-delete").hidden = true;
  message("identity-message", "", true);
}

async function saveIdentity(event) {
  event.preventDefault();
  const form = $("identity-form");
  const record = {
    birthName: form.birthName.value.trim(),
    firstNames: form.firstNames.value.trim().split(/\s+/).filter(Boolean),
    sex: form.sex.value,
    birthDate: form.birthDate.value.trim(),
    ins: { matricule: form.matricule.value.trim(), oid: form.oid.value },
  };
  if (form.birthPlace.value.trim()) record.birthPlace = form.birthPlace.value.trim();
  if (form.key.value.trim()) record.ins.key = form.key.value.trim();
  try {
    const saved = state.selected
      ? await api("PUT", "/admin/identities/" + encodeURIComponent(state.selected), record)
      : await api("POST", "/admin/identities", record);
    state.selected = saved.ins.matricule;
    message("identity-message", `Saved: ${saved.birthName}, INS ${saved.ins.matricule} ${saved.ins.key || ""}`, true);
    $("base-name").value = saved.birthName;
    $("base-matricule").value = "";
    await searchBase();
  } catch (error) {
    if (error instanceof APIError && error.status !== 401 && error.status !== 403) message("identity-message", error.message, false);
    else report(error);
  }
}

async function deleteIdentity() {
  if (!state.selected) return;
  try {
    await api("DELETE", "/admin/identities/" + encodeURIComponent(state.selected));
    message("identity-message", `Deleted ${state.selected}`, true);
    state.selected = null;
    await searchBase();
  } catch (error) {
    message("identity-message", error.message, false);
  }
}

// ---- Scenarios ----------------------------------------------------------------------------

function describeMatch(match) {
  if (!match) return "every call";
  return Object.entries(match).map(([key, value]) => `${key}=${value}`).join(", ");
}

function describeEffect(scenario) {
  const effect = scenario.effect || {};
  const parts = [effect.kind];
  for (const key of ["fault", "code", "matricule", "status", "file", "delayMs"]) if (effect[key] !== undefined) parts.push(`${key}=${effect[key]}`);
  return parts.join(" ");
}

// Loads started, so that only the latest renders: opening the tab and adding a scenario each
// start one, and the first answer may come last (its connection on another event loop).
let scenarioLoads = 0;

async function loadScenarios() {
  const load = ++scenarioLoads;
  const page = await api("GET", "/admin/scenarios");
  if (load !== scenarioLoads) return;
  const files = $("template-file");
  if (files.options.length === 0) {
    for (const name of page.documents || []) files.append(el("option", { value: name }, name.split("/").pop()));
  }
  $("scenario-rows").replaceChildren(...page.scenarios.map((scenario) => {
    const toggle = el("input", { type: "checkbox", "data-scenario": scenario.id });
    toggle.checked = scenario.enabled !== false;
    toggle.addEventListener("change", () => toggleScenario(scenario, toggle.checked).catch(report));
    return el("tr", { "data-scenario": scenario.id },
      el("td", { class: "mono" }, scenario.id), el("td", {}, scenario.description || ""), el("td", {}, describeMatch(scenario.match)),
      el("td", {}, describeEffect(scenario)), el("td", {}, scenario.times === undefined ? "∞" : scenario.times), el("td", {}, toggle),
      el("td", {}, el("button", { type: "button", class: "danger", onclick: () => deleteScenario(scenario.id).catch(report) }, "Delete")));
  }));
}

async function toggleScenario(scenario, enabled) {
  const copy = Object.assign({}, scenario, { enabled });
  await api("PUT", "/admin/scenarios/" + encodeURIComponent(scenario.id), copy);
  await loadScenarios();
}

async function deleteScenario(id) {
  await api("DELETE", "/admin/scenarios/" + encodeURIComponent(id));
  await loadScenarios();
}

function upper(value) { return value.trim().toUpperCase(); }

function personMatch(form) {
  const match = { operation: "traits" };
  if (form.birthName.value.trim()) match.birthName = upper(form.birthName.value);
  if (form.firstName.value.trim()) match.firstName = upper(form.firstName.value);
  if (form.birthDate.value.trim()) match.birthDate = form.birthDate.value.trim();
  return match;
}

/// The scenarios a template makes, from the form's fields.
async function templateScenarios(kind, form) {
  switch (kind) {
    case "siram40":
      return [{ description: "next call: siram_40 (service unavailable)", times: 1, effect: { kind: "fault", fault: "insisim_940" } }];
    case "timeout": {
      const count = Math.max(1, parseInt(form.count.value, 10) || 1);
      const delay = Math.max(1, parseInt(form.delay.value, 10) || 40);
      return [{ description: `next ${count} call(s): timeout (answer after ${delay} s)`, times: count, effect: { kind: "answer", delayMs: delay * 1000 } }];
    }
    case "person01": {
      const match = personMatch(form);
      if (!match.birthName) throw new Error("give the person's birth name");
      return [{ description: `this person: 01 (${match.birthName})`, match, effect: { kind: "result", code: "01" } }];
    }
    case "cnda": {
      const file = form.file.value;
      if (!file) throw new Error("no CNDA file is available");
      const match = personMatch(form);
      return [{ description: `answer with the CNDA file ${file.split("/").pop()}`, match: match.birthName ? match : undefined,
                times: match.birthName ? undefined : 1, effect: { kind: "document", file } }];
    }
    case "hyphen": {
      const matricule = form.matricule.value.trim();
      if (!matricule) throw new Error("give the matricule of a person of the base");
      const identity = await api("GET", "/admin/identities/" + encodeURIComponent(matricule));
      const name = identity.birthName;
      if (!/[- ]/.test(name)) throw new Error(`${name} has neither a hyphen nor a space: no hyphenated-name failure to reproduce`);
      const hyphenated = name.includes("-") ? name : name.replace(/ +/g, "-");
      const variant = hyphenated.replace(/-+/g, " ");
      return [
        { description: `hyphenated-name failure: ${hyphenated} answers 01 (strict birth name)`, priority: 1,
          match: { operation: "traits", birthName: hyphenated, birthDate: identity.birthDate }, effect: { kind: "result", code: "01" } },
        { description: `hyphenated-name failure: the variant ${variant} finds ${matricule}`, priority: 1,
          match: { operation: "traits", birthName: variant, birthDate: identity.birthDate },
          effect: { kind: "result", code: "00", matricule } },
      ];
    }
  }
  throw new Error("unknown template " + kind);
}

async function addFromTemplate(event) {
  event.preventDefault();
  const form = $("template-form");
  try {
    const scenarios = await templateScenarios($("template").value, form);
    const added = [];
    for (const scenario of scenarios) added.push((await api("POST", "/admin/scenarios", scenario)).id);
    message("template-message", `Added ${added.join(", ")}`, true);
    await loadScenarios();
  } catch (error) {
    message("template-message", error.message, false);
  }
}

function showTemplateFields() {
  const kind = $("template").value;
  for (const label of document.querySelectorAll("#template-form [data-for]")) {
    label.hidden = !label.dataset.for.split(" ").includes(kind);
  }
}

// ---- Findings -----------------------------------------------------------------------------

async function loadClients() {
  const page = await api("GET", "/admin/clients");
  $("client-rows").replaceChildren(...page.clients.map((client) =>
    el("tr", { class: "clickable", "data-client": client.id, onclick: () => showClient(client.id).catch(report) },
      el("td", { class: "mono" }, client.id), el("td", {}, client.software || ""), el("td", {}, client.calls), el("td", {}, client.lookups),
      el("td", { class: "sev-error" }, client.findings.error), el("td", { class: "sev-warning" }, client.findings.warning),
      el("td", { class: "sev-advice" }, client.findings.advice))));
  if (!page.judging) $("client-report").replaceChildren(el("p", { class: "muted" }, "This server does not judge calls (--findings off)."));
}

async function showClient(id) {
  const page = await api("GET", "/admin/journal?limit=10000&client=" + encodeURIComponent(id));
  const lookups = [];
  for (const call of page.calls) {
    const last = lookups[lookups.length - 1];
    if (last && last.number === call.lookup) last.calls.push(call);
    else lookups.push({ number: call.lookup, calls: [call] });
  }
  const byRule = new Map();
  for (const call of page.calls) for (const finding of call.findings || []) byRule.set(finding.rule, (byRule.get(finding.rule) || 0) + 1);
  const summary = el("table", { class: "grid" },
    el("thead", {}, el("tr", {}, el("th", {}, "rule"), el("th", {}, "severity"), el("th", {}, "source"), el("th", {}, "findings"), el("th", {}, "rule"))),
    el("tbody", {}, state.rules.map((rule) => el("tr", {},
      el("td", { class: "mono" }, rule.id), el("td", { class: "sev-" + rule.severity }, rule.severity), el("td", {}, rule.sourceTitle),
      el("td", {}, byRule.get(rule.id) ? el("strong", {}, byRule.get(rule.id)) : "passed"), el("td", {}, rule.reason)))));
  const callRow = (call) => el("tr", {},
    el("td", {}, el("a", { href: "#call-" + call.seq, onclick: () => openCall(call.seq) }, "#" + call.seq)),
    el("td", {}, time(call.time)), el("td", {}, traitsText(call.traits)), el("td", {}, answerText(call)),
    el("td", {}, findingNodes(call.findings)), el("td", { class: "mono" }, call.messageID || "-"));
  const lookupCards = lookups.map((lookup) => el("div", { class: "lookup card" },
    el("h2", {}, `Lookup ${lookup.number}`),
    el("table", { class: "grid" }, el("tbody", {}, lookup.calls.map(callRow)))));
  $("client-report").replaceChildren(el("h2", {}, `Client ${id}`), ...lookupCards, el("h2", {}, "By rule"), summary);
}

function openCall(seq) {
  $("filter-client").value = "";
  $("filter-code").value = "";
  $("filter-finding").value = "";
  showTab("journal");
  setTimeout(() => { location.hash = "#call-" + seq; renderJournal(); }, 0);
}

// ---- Start --------------------------------------------------------------------------------

async function start() {
  try {
    const health = await (await fetch("/health")).json();
    state.needsToken = !!health.adminToken;
    if (!adminReady()) { setStatus("admin token needed", true); return; }
    await loadRules();
    await poll();
    schedulePoll();
  } catch (error) {
    report(error);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => showTab(tab.dataset.tab));
  $("token").value = state.token;
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.token = $("token").value.trim();
    localStorage.setItem("insi-sim-token", state.token);
    state.calls = [];
    state.lastSeq = 0;
    $("filter-finding").replaceChildren(el("option", { value: "" }, "all"), el("option", { value: "any" }, "any finding"));
    start();
  });
  for (const id of ["filter-client", "filter-code", "filter-finding"]) $(id).addEventListener("change", renderJournal);
  $("base-search").addEventListener("submit", (event) => { event.preventDefault(); searchBase().catch(report); });
  $("base-new").addEventListener("click", newIdentity);
  $("identity-form").addEventListener("submit", saveIdentity);
  $("identity-delete").addEventListener("click", () => deleteIdentity());
  $("template").addEventListener("change", showTemplateFields);
  $("template-form").addEventListener("submit", addFromTemplate);
  $("scenarios-cnda").addEventListener("click", () => api("POST", "/admin/scenarios?set=cnda").then(loadScenarios).catch(report));
  $("scenarios-clear").addEventListener("click", () => api("DELETE", "/admin/scenarios").then(loadScenarios).catch(report));
  window.addEventListener("hashchange", () => { if (location.hash.startsWith("#call-")) renderJournal(); });
  showTemplateFields();
  showTab("journal");
  start();
});
