/// What a unit of work says of each of its items: done, or to be tried again in a unit of its own.
package enum WorkOutcome<Result: Sendable>: Sendable {
    case done(Result)
    case retryAlone
}
