import MedicCLI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

exit(Entry.run(Array(CommandLine.arguments.dropFirst())))
