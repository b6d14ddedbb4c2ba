// Measures the cost of one traits search and one Vitale search against bases of growing size:
// with hash indexes the cost must not grow with the number of identities.
// Run through Benchmarks/core-search.sh (release build); prints a Markdown table. The word
// `relaxed` among the arguments searches under the relaxed name rule (`--name-matching relaxed`).
import Foundation
import INSiCore

let arguments = CommandLine.arguments.dropFirst().compactMap(Int.init)
let sizes = arguments.isEmpty ? [100, 100_000] : arguments
let nameMatching: NameMatching = CommandLine.arguments.contains("relaxed") ? .relaxed : .strict
let searches = 200_000
let rounds = 5

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

print("| identities | base built (s) | traits search (ns, median of \(rounds)) | Vitale search (ns) | 00 / 01 / 02 |")
print("|---:|---:|---:|---:|---|")
for size in sizes {
    let started = now()
    let synthetic = SyntheticBase(count: size, seed: 42)
    guard let base = try? ReferenceBase(identities: synthetic.identities, cards: synthetic.cards, nameMatching: nameMatching) else {
        print("| \(size) | base refused | | | |")
        continue
    }
    let built = Double(now() - started) / 1e9
    // Queries: existing identities by their first first name, a third of them with a wrong date (01).
    var rng = SplitMix64(seed: 7)
    var queries: [TraitsQuery] = []
    for index in 0..<4_096 {
        let identity = synthetic.identities[rng.below(synthetic.identities.count)]
        var date = identity.traits.birthDate
        if index % 3 == 0 { date = LunarDate(year: Int(date.year) - 1, month: Int(date.month), day: min(Int(date.day), 28)) ?? date }
        queries.append(TraitsQuery(birthName: identity.traits.birthName, firstNames: [identity.traits.firstFirstName],
                                   sex: identity.traits.sex, birthDate: date))
    }
    var vitaleQueries: [VitaleQuery] = []
    for card in synthetic.cards.prefix(4_096) {
        let beneficiary = card.beneficiaries[rng.below(card.beneficiaries.count)]
        vitaleQueries.append(VitaleQuery(ouvrantDroit: card.ouvrantDroit, birthDate: beneficiary.birthDate, rank: beneficiary.rank))
    }
    var counts = [0, 0, 0]
    var traitsTimes: [Double] = []
    var vitaleTimes: [Double] = []
    for round in 0..<rounds {
        var start = now()
        for index in 0..<searches {
            let result = base.search(queries[index & 4_095])
            if round == 0 {
                switch result.outcome {
                case .found: counts[0] += 1
                case .notFound: counts[1] += 1
                case .several: counts[2] += 1
                }
            }
        }
        traitsTimes.append(Double(now() - start) / Double(searches))
        if !vitaleQueries.isEmpty {
            start = now()
            var found = 0
            for index in 0..<searches where base.search(vitaleQueries[index % vitaleQueries.count]).identity != nil { found += 1 }
            vitaleTimes.append(Double(now() - start) / Double(searches))
            precondition(found > 0)
        }
    }
    let median = { (values: [Double]) -> String in
        values.isEmpty ? "-" : String(format: "%.0f", values.sorted()[values.count / 2])
    }
    print("| \(size) | \(String(format: "%.2f", built)) | \(median(traitsTimes)) | \(median(vitaleTimes)) | \(counts[0]) / \(counts[1]) / \(counts[2]) |")
}
