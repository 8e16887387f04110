// swift-tools-version:6.1
// An example client of the Sweep library, built the way any other package would use it:
// a path dependency on the sweep package and nothing but its public API (`import Sweep`,
// no `@testable`). `swift run --package-path Examples linecount-matching PATTERN DIR...`
import PackageDescription

let package = Package(
    name: "sweep-examples",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "sweep", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "linecount-matching",
            dependencies: [.product(name: "Sweep", package: "sweep")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
