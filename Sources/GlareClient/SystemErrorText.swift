import Glibc

/// Turns an errno value into the C library's sentence for it, with the symbolic number.
enum SystemErrorText {
    /// `strerror(errno)` followed by the number, for example `Connection refused (errno 111)`.
    static func describe(_ errorNumber: Int32) -> String {
        guard let text = strerror(errorNumber) else { return "errno \(errorNumber)" }
        return "\(String(cString: text)) (errno \(errorNumber))"
    }
}
