import Foundation

/// insi-sim's scenarios, set up around the case that needs one.
struct RehearsalScenarios: Sendable {
    let base: URL
    let http: RehearsalHTTP

    /// The scenario as posted: an `id` naming the case when it has none, and `match.idam` set to
    /// the approval number the case sends when the match does not name one, so that the scenario
    /// only shapes the rehearsal's own call, even on a simulator other people use.
    static func prepare(_ scenario: RehearsalJSON, caseID: String, idam: String) -> (scenario: RehearsalJSON, id: String) {
        guard case .object(var object) = scenario else { return (scenario, "rehearsal-\(caseID)") }
        let id: String
        if case .string(let given)? = object["id"], !given.isEmpty {
            id = given
        } else {
            id = "rehearsal-\(caseID)"
            object["id"] = .string(id)
        }
        var match = object["match"]?.objectValue ?? [:]
        if match["idam"] == nil { match["idam"] = .string(idam) }
        object["match"] = .object(match)
        return (.object(object), id)
    }

    /// Posts the scenario; returns its id as the server knows it.
    func add(_ scenario: RehearsalJSON, id: String) async throws(RehearsalHTTP.Failure) -> String {
        let body: Data
        do {
            body = try JSONEncoder().encode(scenario)
        } catch {
            throw RehearsalHTTP.Failure(description: "the scenario cannot be written as JSON: \(error)")
        }
        let reply = try await http.send(.post, base.appendingPathComponent("admin/scenarios"), json: body, admin: true)
        guard reply.status == 200 || reply.status == 201 else {
            throw RehearsalHTTP.Failure(description: "POST /admin/scenarios answered HTTP \(reply.status): \(reply.text)")
        }
        if case .string(let given)? = (try? JSONDecoder().decode(RehearsalJSON.self, from: reply.body))?["id"] { return given }
        return id
    }

    /// Deletes it; a scenario that already expired (`times`) is not an error.
    func delete(_ id: String) async throws(RehearsalHTTP.Failure) {
        let url = base.appendingPathComponent("admin/scenarios").appendingPathComponent(id)
        let reply = try await http.send(.delete, url, admin: true)
        guard reply.status == 204 || reply.status == 200 || reply.status == 404 else {
            throw RehearsalHTTP.Failure(description: "DELETE /admin/scenarios/\(id) answered HTTP \(reply.status): \(reply.text)")
        }
    }
}
