/// What differs in one step from one value of a `choice` input to the next (`by:` and
/// `variants:`), such as the command that restarts the app under each runtime.
///
/// The step's title, why, branches, confirmation and skip are written once; each variant holds
/// what it runs and the captures and counts that read its output (added to the step's own). The
/// walk picks the variant of the input's current value when it enters the step, so everything
/// downstream (the invocation, the transcript, the scenario's results) sees one plain step.
public struct StepVariants: Sendable, Hashable {
    /// The `choice` input whose value picks the variant.
    public var input: String
    /// Where `by:` is written.
    public var inputLocation: SourceLocation
    /// The variants, in file order.
    public var cases: [StepVariant]
    /// Where `variants:` is written.
    public var location: SourceLocation

    /// Creates a table of variants.
    public init(input: String, inputLocation: SourceLocation, cases: [StepVariant], location: SourceLocation) {
        self.input = input
        self.inputLocation = inputLocation
        self.cases = cases
        self.location = location
    }

    /// The variant for `value`, if the table has one.
    public func variant(for value: String) -> StepVariant? { cases.first { $0.value == value } }
}

/// One row of a step's variants: what the step runs for one value of the input.
public struct StepVariant: Sendable, Hashable {
    /// The input's value this variant is for.
    public var value: String
    /// What it runs.
    public var execution: Execution?
    /// Captures read from its output, after the step's own.
    public var captures: [RegexPattern]
    /// Counts read from its output, after the step's own.
    public var counts: [NamedPattern]
    /// Where the variant is written (its key).
    public var location: SourceLocation

    /// Creates a variant.
    public init(value: String, execution: Execution?, captures: [RegexPattern] = [], counts: [NamedPattern] = [], location: SourceLocation) {
        self.value = value
        self.execution = execution
        self.captures = captures
        self.counts = counts
        self.location = location
    }
}

extension Step {
    /// The step as it runs when the variables hold `variables`: with variants, the variant of
    /// the input's value merged in (nil execution when no variant fits); otherwise the step itself.
    public func selectingVariant(_ variables: [String: String]) -> Step {
        guard let variants else { return self }
        return selecting(variants.variant(for: variables[variants.input] ?? ""))
    }

    /// The step with `variant` merged in: its execution, and its captures and counts after the step's own.
    public func selecting(_ variant: StepVariant?) -> Step {
        var step = self
        step.variants = nil
        step.execution = variant?.execution
        step.captures += variant?.captures ?? []
        step.counts += variant?.counts ?? []
        return step
    }

    /// Every form the step can run in: one per variant, or the step itself.
    public var concreteForms: [Step] {
        guard let variants else { return [self] }
        return variants.cases.map { selecting($0) }
    }
}
