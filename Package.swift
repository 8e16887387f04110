// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "sweep",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Sweep", targets: ["Sweep"]),
        .executable(name: "sweep", targets: ["sweep"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The system zlib (Debian: zlib1g-dev), with inline wrappers for the macros Swift cannot import.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The system xxHash (Debian: libxxhash-dev 0.8): XXH32, XXH64, XXH3 and XXH128 for `-a xxh*`.
        .systemLibrary(
            name: "CXXHash",
            pkgConfig: "libxxhash",
            providers: [.apt(["libxxhash-dev"])]
        ),
        // The system SQLite (Debian: libsqlite3-dev) for the ledger beside a manifest: a small C API
        // already on every system, where GRDB.swift would add a large first build for a few queries.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The system libcrypto (Debian: libssl-dev, OpenSSL 3) for SHA-1, SHA-2 and MD5: the same
        // SHA instructions as swift-crypto's BoringSSL, at no build cost to sweep or its clients.
        .systemLibrary(
            name: "CLibcrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // The system libdeflate (Debian: libdeflate-dev 1.14, MIT): whole-buffer deflate at about
        // twice zlib's speed and a smaller size, and the fastest CRC-32 measured here.
        .systemLibrary(
            name: "CLibdeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        // The system ISA-L (Debian: libisal-dev 2.30, BSD-3): streaming inflate at three to four
        // times zlib's speed, for gunzip, gzip -t and check --decompress.
        .systemLibrary(
            name: "CIsal",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),
        // Hot byte loops in C, where the compiler vectorises them.
        .target(name: "CSweepSupport"),
        .target(
            name: "Sweep",
            dependencies: [
                "CZlib",
                "CLibdeflate",
                "CIsal",
                "CXXHash",
                "CSQLite",
                "CLibcrypto",
                "CSweepSupport",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ]
        ),
        .executableTarget(
            name: "sweep",
            dependencies: [
                "Sweep",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Helpers shared by the test targets (byte paths, temporary trees, processes, the peers as
        // oracles, walk and sync helpers): a regular target, its API `package`-level.
        .target(
            name: "SweepTestSupport",
            dependencies: ["Sweep", .product(name: "SystemPackage", package: "swift-system")],
            path: "Tests/SweepTestSupport"
        ),
        // The library called directly: walker, I/O, stages, pipeline, manifest formats, gzip engine.
        .testTarget(
            name: "SweepUnitTests",
            dependencies: ["Sweep", "SweepTestSupport", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // The built `sweep` binary against the peers, one file per command; depends on the
        // executable so that `swift test` builds it first.
        .testTarget(
            name: "SweepEndToEndTests",
            dependencies: ["Sweep", "sweep", "SweepTestSupport", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // The Examples package (a client of the library) built and checked by its own scripts.
        .testTarget(
            name: "SweepExampleTests",
            dependencies: ["SweepTestSupport"]
        ),
        // Imports Sweep without @testable: proves a stage written outside the module works like a built-in one.
        .testTarget(
            name: "SweepPublicAPITests",
            dependencies: ["Sweep", .product(name: "SystemPackage", package: "swift-system")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
