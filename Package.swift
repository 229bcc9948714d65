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
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // The thin executable: parse arguments, build adapters, call the core, map to an exit code.
        .executableTarget(name: "medic", dependencies: ["MedicCLI"]),
        // Subcommands and their wiring of real adapters.
        .target(
            name: "MedicCLI",
            dependencies: [
                "MedicCore", "MedicLoader", "MedicRender", "MedicRuntime", "MedicSession", "MedicTranscript", "MedicTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["BuildInfo"]
        ),
        // Writes the commit being built into MedicCLI, for `medic --version`.
        .plugin(name: "BuildInfo", capability: .buildTool()),
        // The pure core: runbook model, validation, conditions and the walk, and the small
        // protocols adapters implement. No I/O.
        .target(name: "MedicCore"),
        // The interactive session: drives the walk through the core's protocols (running,
        // the operator, the recorder), the output screen, drills and resuming from a journal.
        .target(name: "MedicSession", dependencies: ["MedicCore"]),
        // Files to model: its own YAML reader (the subset runbooks use, every node located),
        // decoding with located diagnostics.
        .target(name: "MedicLoader", dependencies: ["MedicCore"]),
        // Views of a runbook for people: `show`, `graph`, `list`.
        .target(name: "MedicRender", dependencies: ["MedicCore"]),
        // Adapters that act: processes in their own process group, the HTTP, TCP and log probes.
        .target(name: "MedicRuntime", dependencies: ["MedicCore", "CCurl", "CZlib", "CSandbox"]),
        // The record of a run: the session directory, journal, report and screen recording.
        .target(name: "MedicTranscript", dependencies: ["MedicCore"]),
        // The operator's terminal: libedit line editing, secret prompts, colour, signals.
        .target(name: "MedicTerminal", dependencies: ["MedicCore", "CEditLine"]),
        // Non-variadic wrappers of libedit's native API (el_set and history are variadic), and
        // the signal self-pipe the REPL and the runner wait on.
        .target(name: "CEditLine", linkerSettings: [.linkedLibrary("edit")]),
        // libcurl, opened with dlopen at the first HTTP probe so that Medic starts fast and runs
        // where libcurl is missing (the probe then says so); curl_easy_setopt is variadic.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl")]),
        // zlib's gzip reader, for the log probe's rotated `.gz` files.
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        // The fork-and-exec of a check: no_new_privs and a read-only mount namespace, set up in
        // the child between fork and exec, where only system calls are safe.
        .target(name: "CSandbox"),
        // Benchmarks run on demand (`make bench`); one executable, a mode per benchmark.
        .executableTarget(name: "medic-bench", dependencies: ["MedicCore", "MedicRuntime", "MedicTranscript"], path: "bench/medic-bench"),
        // What Medic's YAML reader makes of files, as JSON, for the differential test against PyYAML
        // (Tests/yaml/differential.py, `make yaml`); a test tool, so `medic` stays clean of it.
        .executableTarget(name: "medic-yaml-dump", dependencies: ["MedicLoader", "MedicCore"], path: "Tests/medic-yaml-dump"),
        // Test doubles implementing the core's protocols.
        .target(name: "MedicTestSupport", dependencies: ["MedicCore", "MedicLoader", "MedicSession"], path: "Tests/MedicTestSupport"),
        .testTarget(name: "MedicCoreTests", dependencies: ["MedicCore", "MedicLoader", "MedicRender", "MedicTestSupport"]),
        .testTarget(name: "MedicSessionTests", dependencies: ["MedicSession", "MedicCore", "MedicTestSupport"]),
        .testTarget(name: "MedicRuntimeTests", dependencies: ["MedicRuntime", "MedicCore", "MedicTestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "MedicTranscriptTests", dependencies: ["MedicTranscript", "MedicCore", "MedicSession", "MedicTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "MedicLoaderTests", dependencies: ["MedicLoader", "MedicCore", "MedicTestSupport"], exclude: ["Fixtures"]),
        // End-to-end tests run the real `medic` binary, so they depend on it being built.
        .testTarget(
            name: "MedicCLITests", dependencies: ["medic", "MedicCore", "MedicLoader", "MedicTranscript", "MedicTestSupport"], exclude: ["Fixtures"]),
    ]
)

for target in package.targets where target.type != .system && target.type != .plugin && !target.name.hasPrefix("C") {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .swiftLanguageMode(.v6),
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
        ]
}
