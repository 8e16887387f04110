/// The result of reading one file: the consumer's output and the file as it was read.
package struct ReadOutcome<Output: Sendable>: Sendable {
    package var entry: FileEntry
    package var bytesRead: Int64
    package var output: Output
}
