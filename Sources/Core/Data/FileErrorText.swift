import Foundation
import Glibc

/// The short lower-case reason a file could not be read, for a job's reason or an error row.
///
/// Foundation's own text is a sentence for a dialog box ("The operation could not be completed.
/// You don't have permission."), or for some failures only a domain and a number; the system's
/// word for the `errno` underneath says it in a few words.
enum FileErrorText {
    /// `error`'s `errno` in the system's words ("permission denied", "is a directory"), else
    /// what `path` is when that explains it (Foundation reports reading a folder as an unknown
    /// error), else a short description of Foundation's code.
    static func reason(for error: any Error, path: String) -> String {
        let failure = error as NSError
        if failure.domain == NSPOSIXErrorDomain { return words(errno: Int32(failure.code)) }
        if let underlying = failure.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain
        {
            return words(errno: Int32(underlying.code))
        }
        var status = stat()
        if stat(path, &status) == 0 {
            if status.st_mode & S_IFMT == S_IFDIR { return words(errno: EISDIR) }
            if status.st_mode & S_IFMT != S_IFREG { return "not a regular file" }
        }
        guard failure.domain == NSCocoaErrorDomain else { return "\(error)" }
        switch CocoaError.Code(rawValue: failure.code) {
        case .fileReadNoPermission, .fileWriteNoPermission: return words(errno: EACCES)
        case .fileReadNoSuchFile, .fileNoSuchFile: return words(errno: ENOENT)
        case .fileReadTooLarge: return words(errno: EFBIG)
        default: return "cannot be read (error \(failure.code))"
        }
    }

    /// `strerror(code)` with a lower-case first letter.
    static func words(errno code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
