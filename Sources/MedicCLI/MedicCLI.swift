import ArgumentParser
public struct MedicCommand: ParsableCommand { public init() {} }
