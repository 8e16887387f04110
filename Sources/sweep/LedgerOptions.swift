import ArgumentParser
import Sweep
import SystemPackage

/// `--ledger PATH`: the ledger `sum --update`, `check --audit` and `scrub` keep beside a manifest.
struct LedgerOptions: ParsableArguments {
    @Option(name: .customLong("ledger"), help: ArgumentHelp("The ledger's path (default: the manifest's name + .sweep-ledger).", valueName: "PATH"))
    var path: String?

    func ledgerPath(forManifest manifest: FilePath) -> FilePath {
        path.map { RawArguments.shared.path($0) } ?? Ledger.defaultPath(forManifest: manifest)
    }
}
