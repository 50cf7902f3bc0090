// Core's code and its users (glared, glare-worker, glare-bench, the tests) use the wire protocol's
// types (`Request`, `Reply`, `JobSpec`, `JobRecord`, ...) as if they were Core's own: they were
// before they moved to `GlareProtocol`, the module glarectl shares without linking Core.
@_exported import GlareProtocol
