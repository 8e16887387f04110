// swift-tools-version:6.1
// An example client of the Sweep library, built the way any other package would use it:
// a path dependency on the sweep package and nothing but its public API (`import Sweep`,
// no `@testable`). `swift run --package-path Examples linecount-matching PATTERN DIR...`;
// `bash Examples/run-adopter-tour.sh` runs and checks `adopter-tour`.
import PackageDescription

let package = Package(
    name: "sweep-examples",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "sweep", path: ".."),
    ],
    targets: [
        // A stage of the examples' own, shared by both programs as a team's stages would be.
        .target(
            name: "ExampleStages",
            dependencies: [.product(name: "Sweep", package: "sweep")]
        ),
        .executableTarget(
            name: "linecount-matching",
            dependencies: ["ExampleStages", .product(name: "Sweep", package: "sweep")]
        ),
        // The public surface an adopter reaches for first, checked by run-adopter-tour.sh.
        .executableTarget(
            name: "adopter-tour",
            dependencies: ["ExampleStages", .product(name: "Sweep", package: "sweep")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
