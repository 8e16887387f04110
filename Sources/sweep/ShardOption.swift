import ArgumentParser
import Sweep

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `--shard K/N`, `auto` or `auto/N`, with the job engine's variables read from the environment.
enum ShardOption {
    static func parse(_ text: String) throws -> Shard {
        var environment: [String: String] = [:]
        for name in Shard.environmentVariables {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        do {
            return try Shard(parsing: text, environment: environment)
        } catch {
            throw ValidationError("--shard \(error)")
        }
    }
}
