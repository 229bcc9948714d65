#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MedicCLI

exit(await Entry.run(Array(CommandLine.arguments.dropFirst())))
