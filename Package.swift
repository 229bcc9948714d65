// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Medic",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "medic", targets: ["medic"])
    ],
    dependencies: [
        // The command line: subcommands, help and completion scripts that users expect.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // YAML with source marks, so every diagnostic can point at file:line:col.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The thin executable: parse arguments, build adapters, call the core, map to an exit code.
        .executableTarget(name: "medic", dependencies: ["MedicCLI"]),
        // Subcommands and their wiring of real adapters.
        .target(
            name: "MedicCLI",
            dependencies: [
                "MedicCore", "MedicLoader", "MedicRender",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The pure core: runbook model, validation, conditions and the walk. No I/O.
        .target(name: "MedicCore"),
        // Files to model: YAML parsing with located diagnostics.
        .target(
            name: "MedicLoader",
            dependencies: ["MedicCore", .product(name: "Yams", package: "Yams")]
        ),
        // Views of a runbook for people: `show`, `graph`, `list`.
        .target(name: "MedicRender", dependencies: ["MedicCore"]),
        // libedit's readline-compatible API, for the REPL.
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // Test doubles implementing the core's protocols.
        .target(name: "MedicTestSupport", dependencies: ["MedicCore", "MedicLoader"], path: "Tests/MedicTestSupport"),
        .testTarget(name: "MedicCoreTests", dependencies: ["MedicCore", "MedicLoader", "MedicTestSupport"]),
        .testTarget(name: "MedicLoaderTests", dependencies: ["MedicLoader", "MedicCore", "MedicTestSupport"], exclude: ["Fixtures"]),
        // End-to-end tests run the real `medic` binary, so they depend on it being built.
        .testTarget(name: "MedicCLITests", dependencies: ["medic", "MedicTestSupport"]),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .swiftLanguageMode(.v6),
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
        ]
}
