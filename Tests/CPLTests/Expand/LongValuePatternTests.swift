import Testing
@testable import CPL

/// Pattern removal and replacement on long values: each place of the value is matched in one
/// pass, so these finish (they took minutes when every candidate range was matched on its own).
/// The hang guard is the suite's; the results are what is asserted.
@Suite struct LongValuePatternTests {
    private static let length = 10_000
    /// 9,999 `b`s and one `a` in the middle: `*a` matches a suffix only where the `a` is.
    private static let value = String(repeating: "b", count: length / 2) + "a"
        + String(repeating: "b", count: length / 2 - 1)

    private var context: TestExpansionContext { TestExpansionContext(variables: ["x": Self.value, "y": Self.value + "a"]) }

    @Test func everyCharacterReplaced() async {
        #expect(await expandFields(#""${x//?/_}""#, context) == [String(repeating: "_", count: Self.length)])
    }

    @Test func largestSuffixRemoved() async {
        #expect(await expandFields(#""${x%%*a}" "${x%*a}""#, context) == [Self.value, Self.value])
        #expect(await expandFields(#""${y%%*a}" "${y%*a}""#, context) == ["", Self.value])
        #expect(await expandFields(#""${x%%a*}" "${x%a*}""#, context)
            == [String(repeating: "b", count: Self.length / 2), String(repeating: "b", count: Self.length / 2)])
    }

    @Test func prefixesRemovedAndReplaced() async {
        let tail = String(repeating: "b", count: Self.length / 2 - 1)
        #expect(await expandFields(#""${x##*a}" "${x#*a}" "${x/#*a/>}" "${x/%a*/<}" "${x/b*a/-}""#, context)
            == [tail, tail, ">" + tail, String(repeating: "b", count: Self.length / 2) + "<", "-" + tail])
    }

    /// Every place is asked for a match in turn, and one pass over the value (backwards, the
    /// pattern rejoining at every step) says which places have one: a pattern that starts with
    /// `*` and matches nowhere cost a pass to the end from each of the 10,000 places.
    @Test func replacementsSkipThePlacesWhereNoMatchStarts() async {
        let half = String(repeating: "b", count: Self.length / 2)
        #expect(await expandFields(#""${x//*a*a*c/_}" "${x//*b*b*c/_}" "${x//"*"/_}""#, context)
            == [Self.value, Self.value, Self.value])
        #expect(await expandFields(#""${x//*a*b/_}" "${y//b*a/_}" "${x//a?b/_}""#, context)
            == ["_", "_", half + "_" + String(repeating: "b", count: Self.length / 2 - 3)])
    }
}
