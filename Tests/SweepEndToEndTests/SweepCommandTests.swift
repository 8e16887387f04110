import Foundation
import SweepTestSupport
import SystemPackage
import Testing

@testable import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension EndToEndTests {
    /// The root `sweep` command: what is not any subcommand's.
    @Suite(.timeLimit(.minutes(1 * testTimeScale)))
    struct SweepCommandTests: CommandLineFixtures {
        @Test(arguments: [
            (["frobnicate"], "frobnicate"),
        ] as [([String], String)])
        func usageErrorsExitNonZeroWithAMessage(_ arguments: [String], _ message: String) throws {
            try Self.expectUsageError(arguments, message)
        }
    }
}
