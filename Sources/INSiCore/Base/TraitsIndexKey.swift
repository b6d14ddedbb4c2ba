/// The key of the traits index: what every match must share exactly (birth name under the
/// base's name rule, sex, birth date). First names and birth place are checked on the few
/// identities that share it, so a search costs the same whatever the size of the base.
struct TraitsIndexKey: Sendable {
    var nameKey: String
    var sex: Sex
    var birthDate: LunarDate
}
